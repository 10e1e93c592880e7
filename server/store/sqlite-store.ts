/**
 * The embedded default store: one SQLite file through node:sqlite, in WAL mode.
 *
 * node:sqlite is synchronous, so each method runs its whole transaction without yielding; two
 * requests can never interleave inside one, which is what makes claim, idempotent send, claim then
 * send, the last-owner check and the visit count atomic here — as long as each is one method, its
 * check and its change in one write job (issue 10). The SQL still states those guards (WHERE
 * status = 'waiting', UNIQUE client ids, visits = visits + …) so that the same logic holds on
 * engines with real concurrency.
 */
import { createSqliteAccounts } from './sqlite-accounts.ts';
import { createSqliteApiTokens } from './sqlite-api-tokens.ts';
import { createSqliteAssignment } from './sqlite-assignment.ts';
import { createSqliteWebhooks } from './sqlite-webhooks.ts';
import { createSqliteChat } from './sqlite-chat.ts';
import { openSqliteDb, type SqliteStoreOptions } from './sqlite-db.ts';
import { createSqliteAttachments } from './sqlite-attachments.ts';
import { createSqliteEmailThreads } from './sqlite-email-threads.ts';
import { createSqliteEmailOutbox } from './sqlite-email-outbox.ts';
import { createSqliteEvents } from './sqlite-events.ts';
import { createSqliteHeldEmails } from './sqlite-held-emails.ts';
import { createSqliteLabels } from './sqlite-labels.ts';
import { createSqliteSavedViews } from './sqlite-saved-views.ts';
import { createSqliteVisitorHistory } from './sqlite-visitor-history.ts';
import { migrate } from './sqlite-schema.ts';
import { createSqliteTeams } from './sqlite-teams.ts';
import { createSqliteRatings } from './sqlite-ratings.ts';
import { createSqliteReports } from './sqlite-reports.ts';
import type { Store } from './store.ts';

export type { SqliteStoreOptions };

/** Opens the database and composes its parts (accounts, chat, events) into one Store. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const ctx = openSqliteDb(options);
  const { db, flush } = ctx;
  return {
    async migrate() { migrate(db); },
    async close() {
      flush();
      if (db.isOpen) db.close();
    },
    onCommit(listener) {
      ctx.onCommit(listener);
    },
    ...createSqliteAccounts(ctx),
    ...createSqliteApiTokens(ctx),
    ...createSqliteChat(ctx),
    ...createSqliteEvents(ctx),
    ...createSqliteEmailThreads(ctx),
    ...createSqliteEmailOutbox(ctx),
    ...createSqliteAttachments(ctx),
    ...createSqliteHeldEmails(ctx),
    ...createSqliteLabels(ctx),
    ...createSqliteSavedViews(ctx),
    ...createSqliteVisitorHistory(ctx),
    ...createSqliteTeams(ctx),
    ...createSqliteAssignment(ctx),
    ...createSqliteWebhooks(ctx),
    ...createSqliteRatings(ctx),
    ...createSqliteReports(ctx),
  };
}
