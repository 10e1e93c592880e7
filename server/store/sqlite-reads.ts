/**
 * The reads every request makes, answered in the main thread (issue 16). With the database in its
 * own thread (sqlite-thread.ts), a visitor's send made three trips there — its token, its
 * conversation, the append — and each could queue behind a commit's fsync: delivery p99 doubled.
 * In WAL mode readers never wait for the writer, so these small indexed lookups run on a second,
 * read-only connection here, in microseconds, and only writes (and large reads) cross threads.
 *
 * Same code as the database thread's (the store's own parts on a reader connection), so the one
 * conformance suite covers both. A read sees every write whose answer has arrived: the writer
 * commits before it answers, and each read here starts after the last commit it could know of.
 * Only methods that read nothing but the tables qualify — none here uses a cache the writer keeps.
 */
import { createSqliteAccounts } from './sqlite-accounts.ts';
import { createSqliteChat } from './sqlite-chat.ts';
import { openSqliteDb } from './sqlite-db.ts';
import type { Store } from './store.ts';

/** Asked on every authenticated request or every send: authentication, ownership, idempotency. */
export const MAIN_THREAD_READS = ['findVisitorByToken', 'getVisitor', 'getConversationRef', 'getConversation', 'findMessage', 'getSession'] as const;

export type MainThreadReads = Pick<Store, (typeof MAIN_THREAD_READS)[number]> & { close(): void };

export function openSqliteReads(path: string): MainThreadReads {
  const ctx = openSqliteDb({ path, reader: true });
  const parts = { ...createSqliteChat(ctx), ...createSqliteAccounts(ctx) };
  const reads = Object.fromEntries(MAIN_THREAD_READS.map((name) => [name, parts[name]])) as Pick<Store, (typeof MAIN_THREAD_READS)[number]>;
  return { ...reads, close: () => { if (ctx.db.isOpen) ctx.db.close(); } };
}
