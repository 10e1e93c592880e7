/**
 * The ratings given on this device and not yet stored by the server (rating.tsx draws them): kept
 * in localStorage by conversation, sent one at a time, and what gets no answer goes again after a
 * backoff (1 s doubling to 30 s, with jitter) — until the server stores it or refuses it for good,
 * or the widget is shut down (`Parley('shutdown')`: a page that removed the widget makes no more
 * requests for it; the rating stays kept for the next time the widget runs on this device).
 * Bundled into the rating chunk.
 */
import type { Rating, RatingResponse, RatingScale } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';

/** A rating given on this device and not yet stored by the server, by conversation (localStorage 'rating'). */
export interface Pending { clientId: string; score: number; scale: RatingScale; comment?: string }

/** What sending needs of the chat. */
export type RatingChat = Pick<Chat, 'ready' | 'api' | 'siteUrl' | 'storage' | 'gone'>;

/** What this page knows per conversation: the stored rating (null: none), the score picked before Send. */
export const known: Record<string, { given?: Rating | null; picked?: number; asking?: boolean; shown?: boolean }> = {};
/**
 * Each chat's round and backoff: a widget started again on the same page (after shutdown) is a
 * new chat, and neither waits for the old one's round in flight nor inherits its backoff.
 */
const retries = new WeakMap<RatingChat, { timer?: ReturnType<typeof setTimeout>; failures: number; busy?: boolean }>();
const retryOf = (chat: RatingChat) => {
  let retry = retries.get(chat);
  if (!retry) retries.set(chat, (retry = { failures: 0 }));
  return retry;
};
export const newId = () => crypto.getRandomValues(new Uint32Array(4)).join('-');

export const pending = (chat: RatingChat): Record<string, Pending> => {
  try { return JSON.parse(chat.storage.get('rating')!) ?? {}; } catch { return {}; }
};
export const keep = (chat: RatingChat, all: Record<string, Pending>) => chat.storage.set('rating', JSON.stringify(all));

/** Sends every pending rating of this site, one at a time; what has no answer waits and goes again. */
export async function flush(chat: RatingChat, redraw: () => void): Promise<void> {
  const retry = retryOf(chat);
  if (retry.busy || chat.gone()) return;
  retry.busy = true;
  clearTimeout(retry.timer);
  retry.timer = undefined;
  await chat.ready;
  let again = false;
  const tried = new Set<string>();
  for (const [conversationId, item] of Object.entries(pending(chat))) {
    if (chat.gone()) break;
    tried.add(conversationId);
    const result = await chat.api('POST', chat.siteUrl(`/conversations/${encodeURIComponent(conversationId)}/rating`), item).catch(() => null);
    const status = result?.status ?? 0;
    if (status && status < 500 && status !== 408 && status !== 429) {
      // Stored (2xx), or refused for good (ratings turned off, say): either way not to be sent again.
      const all = pending(chat);
      delete all[conversationId];
      keep(chat, all);
      known[conversationId] = { given: status < 300 ? (result!.body as RatingResponse).rating : null };
    } else again = true;
  }
  retry.busy = false;
  if (chat.gone()) return;
  // A rating given while this round was on its way goes now, not at the next retry.
  if (!again && Object.keys(pending(chat)).some((id) => !tried.has(id))) return flush(chat, redraw);
  // client/backoff.ts's formula, written out: importing it would split it into a chunk of its own,
  // one more request for every panel opened, for the one line this chunk needs.
  if (again) retry.timer = setTimeout(() => void flush(chat, redraw), Math.min(30e3, 1e3 * 2 ** retry.failures++) * (0.5 + Math.random() / 2));
  else retry.failures = 0;
  redraw();
}
