/**
 * Emails per sender and hour, for both inbound paths (issue 12): a loop between two auto-responders
 * or a flood from one address must not fill a conversation. Counted in this process's memory with
 * the app's clock (a cluster's processes each count their own, so the limit is per process).
 */
import type { Clock } from '../clock.ts';

const WINDOW_MS = 3600_000;
/** Beyond this many senders the oldest windows are forgotten, so memory stays bounded. */
const MAX_SENDERS = 50_000;

export interface SenderLimit {
  /** Counts one email from `sender`; refused (not counted) when the hour's budget is spent. */
  take(sender: string): { ok: true } | { ok: false; retryAfterMs: number };
}

export function createSenderLimit(clock: Clock, perHour: number): SenderLimit {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    take(sender) {
      const key = sender.toLowerCase();
      const now = clock.now();
      let window = windows.get(key);
      if (!window || now - window.startedAt >= WINDOW_MS) {
        if (windows.size >= MAX_SENDERS) windows.delete(windows.keys().next().value!);
        windows.delete(key);
        windows.set(key, (window = { startedAt: now, count: 0 }));
      }
      if (window.count >= perHour) return { ok: false, retryAfterMs: window.startedAt + WINDOW_MS - now };
      window.count++;
      return { ok: true };
    },
  };
}
