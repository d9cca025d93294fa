/**
 * What `audit verify` can find. Event findings name the first bad event of a stream; seal
 * findings name a seal that no longer holds.
 *
 * - altered: the event's content no longer gives its hash (a field was changed, or it was forged)
 * - deleted: an event is gone from the middle of its stream
 * - inserted: an event that was never recorded (forged) sits in the stream, or in a sealed range
 * - reordered: the event at this version was recorded at another (or a seal holds it at another)
 * - truncated: events a seal holds at the end of a stream are gone
 * - stream-removed: a stream a seal holds is gone altogether
 * - rewritten: the stream was rewritten with hashes recomputed, so only a seal shows it
 * - seal-invalid: a seal's signature, key, chain or heads do not hold
 * - seal-missing: a seal is gone (the sequence has a gap)
 * - seal-mismatch: the log up to a seal's checkpoint no longer gives its Merkle root
 */
export type FindingKind =
  | 'altered'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'stream-removed'
  | 'rewritten'
  | 'seal-invalid'
  | 'seal-missing'
  | 'seal-mismatch';

export interface BadEvent {
  streamId: string;
  streamVersion: number;
  /** Its global position, when the event is there to have one. */
  position?: number;
}

export interface Finding {
  kind: FindingKind;
  /**
   * What shows it: an event's hash chain, which names the very event, or a seal, which shows
   * what the chains cannot (a cut tail, a removed stream, a stream rewritten with new hashes).
   */
  by: 'chain' | 'seal';
  event?: BadEvent;
  seal?: number;
  detail: string;
  /** Where in the log the finding shows (the event, the one after a gap, or the seal's checkpoint): it orders findings. */
  at: number;
}
