/**
 * What the publish stage asks the dispatch stage to send. Planning the same `dispatchId` again is allowed: the
 * dispatch ledger sends at most once per (dispatchId, subscriber), so a repeated request sends nothing new.
 */
export interface DispatchRequest {
  /** The slug for an editorial's first send; `<slug>~<updated epoch seconds>` for a correction sent again. */
  dispatchId: string;
  slug: string;
  /** Editorials-bucket key of the email template: `rendered/<slug>/<dispatchId>/email.json`. */
  templateKey: string;
  /** The editorial's topics; subscribers with no topics get everything. */
  topics: string[];
  /** When the editorial became public (ISO 8601): readers whose cadence was then a digest's are not planned. Absent
   * on requests queued before it: the plan's time stands in. */
  publicAt?: string;
  /** A digest (src/pipeline/digest/): its readers are those on its cadence in its period, not those on `each`. */
  digest?: { cadence: 'daily' | 'weekly'; period: { id: string; start: string; end: string } };
}

export type PlanDispatch = (request: DispatchRequest) => Promise<void>;

/** A send whose editorial is public but whose email waits for `sendAt` (front matter `email: { sendAt }`). */
export interface ScheduleRequest {
  dispatchId: string;
  slug: string;
  sendAt: Date;
}

/** Makes a scheduled send known to the desk (status `scheduled`, cancellable) before it is planned. */
export type ScheduleDispatch = (request: ScheduleRequest) => Promise<void>;

/**
 * What the publish stage asks when an editorial is withdrawn: nothing more of `dispatchId` is sent, wherever its
 * sending stands (not planned yet, mid-send, or done). Asking again is allowed and changes nothing.
 */
export interface StopRequest {
  dispatchId: string;
  slug: string;
  /** 'removed': the approved object was deleted; 'withdrawn': a version with `status: withdrawn` was published;
   * 'cancelled': the desk cancelled the send (the editorial stays public). */
  reason: 'removed' | 'withdrawn' | 'cancelled';
  /** The desk's words, shown with the dispatch's status. */
  note?: string;
}

export type StopDispatch = (request: StopRequest) => Promise<void>;
