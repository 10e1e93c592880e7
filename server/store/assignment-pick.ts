/**
 * Which agent a site's assignment rule picks (issue 14), the same on every engine: the store reads
 * the members, their loads and capacities and the turn under its lock, and asks this. Pure: no
 * SQL, no clock, so the rule is tested apart from the storage.
 */
import type { AgentRef, AssignmentRule } from '../../protocol/protocol.ts';

export interface Member extends AgentRef {
  /** Open (assigned) conversations of the site they have now. */
  load: number;
  /** The most the rule gives them; null: no limit. */
  capacity: number | null;
}

/**
 * `members` in their fixed turn order (oldest account first); `lastAgentId` the one the rule
 * picked last in this scope (the site, or the team). Only online members with room count. The
 * turn starts after the last one picked, so each gets one in turn; least-load takes the fewest
 * open conversations, and among equals the next in turn (so equals take turns too).
 */
export function pickAgent(rule: Exclude<AssignmentRule, 'manual'>, members: Member[], online: ReadonlySet<string>, lastAgentId: string | null): Member | null {
  const start = members.findIndex((member) => member.id === lastAgentId) + 1;
  const inTurn = [...members.slice(start), ...members.slice(0, start)];
  const free = inTurn.filter((member) => online.has(member.id) && (member.capacity === null || member.load < member.capacity));
  if (free.length === 0) return null;
  if (rule === 'round-robin') return free[0]!;
  return free.reduce((best, member) => (member.load < best.load ? member : best));
}
