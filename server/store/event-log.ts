/**
 * The rules of resuming from a cursor, the same for every engine (protocol.ts, "Event ids and
 * cursors"): a cursor of this log's epoch at or below the head and not older than what the log
 * keeps resumes exactly; anything else gets an explicit reset, never a silent gap. Engines supply
 * the facts of their log; they do not decide.
 */
import { formatEventId, parseEventId } from '../../protocol/protocol.ts';
import type { EventsAfter } from './store.ts';

export interface LogFacts {
  epoch: string;
  /** The highest seq committed. */
  head: number;
  /** Events up to this seq have been pruned (0: none). */
  prunedThrough: number;
}

export type ResumePoint =
  | { after: number }
  | { reset: NonNullable<EventsAfter['reset']>; cursor: string };

/** Where to read after, for a cursor that is not null (null means "from now": the head). */
export function resumePoint(cursor: string, log: LogFacts): ResumePoint {
  const head = formatEventId(log.epoch, log.head);
  const parsed = parseEventId(cursor);
  // Another database, a restored one, or a cursor from the future: nothing can be resumed.
  if (!parsed || parsed.epoch !== log.epoch || parsed.seq > log.head) return { reset: 'cursor-unknown', cursor: head };
  if (parsed.seq < log.prunedThrough) return { reset: 'cursor-too-old', cursor: head };
  return { after: parsed.seq };
}

/** A new epoch: short, lowercase, random, so two databases practically never share one. */
export function newEpoch(): string {
  return crypto.getRandomValues(new Uint32Array(2)).reduce((text, n) => text + n.toString(36), '').slice(0, 12);
}
