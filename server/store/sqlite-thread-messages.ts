/** What the main thread and the SQLite worker (sqlite-worker.ts) say to each other. */
import type { LoggedEvent } from './store.ts';
import type { WireError } from './store-errors-wire.ts';

/** A Store method called by name, with the caller's clock reading. */
export interface ToWorker {
  id: number;
  method: string;
  args: unknown[];
  now: number;
}

export type FromWorker =
  | { kind: 'ready'; methods: string[] }
  | { kind: 'failed'; error: WireError }
  | { kind: 'commit'; events: LoggedEvent[] }
  | { kind: 'answer'; id: number; ok: true; value: unknown }
  | { kind: 'answer'; id: number; ok: false; error: WireError };
