/** What every group of intents is built with: real browser things in main.tsx, fakes in tests. */
import type { Api } from '../api.ts';
import { NetworkError } from '../api.ts';
import type { Notifier } from '../live/notifier.ts';
import type { AdminApi } from '../settings/admin-api.ts';

export interface ControllerDeps {
  api: Api;
  admin: AdminApi;
  notifier: Notifier;
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Puts a dashboard path in the address bar (replace: without a new history entry). */
  navigate: (path: string, replace?: boolean) => void;
}

/** A sentence for people: "cannot be reached" when there was no answer, else the server's message. */
export const messageOf = (error: unknown): string =>
  error instanceof NetworkError ? 'The server cannot be reached right now; try again in a moment.'
    : error instanceof Error ? error.message : String(error);
