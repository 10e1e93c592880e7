/**
 * Row ⇄ entity mapping and the rules of the team inbox's data (issue 14) that every engine
 * shares: labels, saved views, visitor pages, and what a merged visitor looks like. Pure functions:
 * no SQL here, so the engines cannot disagree on a name's key or on a merge's outcome.
 */
import type { Label, SavedView, Visitor, VisitorContext, VisitorPage } from '../../protocol/protocol.ts';
import { json } from './rows.ts';

type Row = Record<string, unknown>;

/** What makes two names the same name: case and surrounding space do not count. */
export const nameKey = (name: string): string => name.trim().toLowerCase();

export const toLabel = (row: Row): Label => ({ id: String(row.id), siteId: String(row.site_id), name: String(row.name), color: String(row.color) });

export const toSavedView = (row: Row): SavedView => ({ id: String(row.id), name: String(row.name), filter: json(row.filter), createdAt: Number(row.created_at) });

export const toVisitorPage = (row: Row): VisitorPage => ({
  url: String(row.url), title: row.title == null ? null : String(row.title),
  firstSeenAt: Number(row.first_seen_at), lastSeenAt: Number(row.last_seen_at), views: Number(row.views),
});

/**
 * The page a session was opened on, as the profile lists it: origin and path only. Query strings
 * and fragments often carry tokens, emails or order numbers, and would make one page many.
 * Null when the widget sent no usable http(s) URL.
 */
export function pageOf(context: VisitorContext): { url: string; title: string | null } | null {
  if (!context.url) return null;
  let url: URL;
  try {
    url = new URL(context.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { url: `${url.origin}${url.pathname}`, title: context.title?.trim() || null };
}

/**
 * Visitor `from` merged into `into`: `into` keeps its id and what it knows; what it lacks comes
 * from `from` (name, email, verified identity, attributes it does not have). The visits of both
 * count; first seen is the earlier, last seen the later, and the page context is the newer one's.
 * Callers have checked that the two can be one person (same site, not two verified identities).
 */
export function mergedVisitor(into: Visitor, from: Visitor): Visitor {
  const [older, newer] = from.lastSeenAt > into.lastSeenAt ? [into, from] : [from, into];
  return {
    ...into,
    name: into.name ?? from.name,
    email: into.email ?? from.email,
    externalId: into.externalId ?? from.externalId,
    verified: into.verified || from.verified,
    attributes: { ...from.attributes, ...into.attributes },
    context: { ...older.context, ...newer.context },
    visits: into.visits + from.visits,
    createdAt: Math.min(into.createdAt, from.createdAt),
    lastSeenAt: Math.max(into.lastSeenAt, from.lastSeenAt),
  };
}

/** Why two visitors cannot be merged, in a sentence for the agent; null when they can. */
export function mergeRefusal(into: Visitor, from: Visitor): { reason: 'other-site' | 'identities-differ'; message: string } | null {
  if (into.siteId !== from.siteId) return { reason: 'other-site', message: 'These visitors are on different sites; only visitors of one site can be merged.' };
  if (into.verified && from.verified && into.externalId !== from.externalId) {
    return { reason: 'identities-differ', message: `Both visitors are verified, as different users of the site (${into.externalId} and ${from.externalId}): they are not one person.` };
  }
  return null;
}
