/**
 * Keys and records of the send ledger (pk/sk table): one dispatch state item, the dispatch's email template, one item
 * per (dispatch, subscriber).
 */

export type DispatchStatus = 'planning' | 'planned';
export type SendStatus = 'sending' | 'sent' | 'failed';

export const dispatchStateKey = (dispatchId: string) => ({ pk: `dispatch#${dispatchId}`, sk: 'state' });
export const sendKey = (dispatchId: string, subscriberId: string) => ({ pk: `send#${dispatchId}`, sk: subscriberId });
/** `{ ...templateItemKey(id), body }`: the rendered template JSON, copied from S3 by the planner for the workers. */
export const templateItemKey = (dispatchId: string) => ({ pk: `template#${dispatchId}`, sk: 'email' });
