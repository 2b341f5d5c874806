/** What SES says of a bounce: Permanent (the address does not exist), Transient (not now), or neither. */
export type BounceType = 'Permanent' | 'Transient' | 'Undetermined';

/** One event about one sent message, as a dispatch's figures count it. */
export interface SesMessageEvent {
  /** Delivery, Bounce, Complaint, Reject, DeliveryDelay, Send, Open, Click, ... */
  eventType: string;
  messageId: string;
  /** The message's `dispatch` tag; absent for mail no dispatch sent (confirmations, proofs). */
  dispatchTag?: string;
  bounceType?: BounceType;
  bounceSubType?: string;
  /** An open or click SES marks as made by a machine (a scanner, a prefetching proxy), not a reader. */
  machine?: boolean;
}
