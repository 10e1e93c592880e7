/**
 * What PostgreSQL's (and node-postgres's) failures mean to Parley: operational trouble becomes
 * StoreUnavailableError (the API answers 503 with Retry-After), trouble at start a one-line
 * StoreStartError an operator can act on. Anything else is a bug and passes through unchanged.
 * Messages never include the connection string: it may hold a password.
 */
import { StoreStartError, StoreUnavailableError } from './store.ts';

// SQLSTATEs: https://www.postgresql.org/docs/15/errcodes-appendix.html
const BUSY = new Set([
  '55P03', // lock_not_available: lock_timeout fired
  '57014', // query_canceled: statement_timeout fired
  '40P01', // deadlock_detected, after our retries
  '40001', // serialization_failure, after our retries
]);
const FULL = '53100'; // disk_full
const UNAVAILABLE = new Set([
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction: a standby after a failover
  '25P03', // idle_in_transaction_session_timeout ended the connection
]);
/** Socket-level failures, with the words an operator reads. */
const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ECONNRESET: 'connection reset', ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'unknown host', EAI_AGAIN: 'host name lookup failed', EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable', EPIPE: 'connection closed',
};
/** node-postgres reports a lost or unobtainable connection with these plain errors. */
const LOST: Array<[prefix: string, reason: string]> = [
  ['Connection terminated', 'connection lost'],
  ['Client has encountered a connection error', 'connection lost'],
  ['Client was closed', 'connection closed'],
  ['timeout exceeded when trying to connect', 'connection timed out'],
  ['Cannot use a pool after calling end', 'the store is closed'],
];

/** Why the connection failed, in a few words, or null when the error is not about the connection. */
export function connectionTrouble(error: unknown): string | null {
  const { code, message, errors } = (error ?? {}) as { code?: unknown; message?: unknown; errors?: unknown[] };
  if (typeof code === 'string') {
    if (NETWORK[code]) return NETWORK[code];
    if (code.startsWith('08') || UNAVAILABLE.has(code)) return typeof message === 'string' ? message : code;
  }
  if (typeof message === 'string') {
    const lost = LOST.find(([prefix]) => message.startsWith(prefix));
    if (lost) return lost[1];
  }
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with all of them.
  if (Array.isArray(errors) && errors.length > 0) return connectionTrouble(errors[0]);
  return null;
}

/**
 * A statement this connection prepared (pg-db.ts names them) whose result columns have changed
 * since: another node migrated the schema, as in a rolling upgrade. PostgreSQL refuses it for as
 * long as the connection lives, so the connection is dropped and the work retried on a new one.
 */
export function preparedStatementStale(error: unknown): boolean {
  // By the routine that raises it: the message is in the server's language (lc_messages).
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  return code === '0A000' && routine === 'RevalidateCachedQuery';
}

export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

/** Turns operational failures into StoreUnavailableError; anything else (a bug) passes through. */
export function operational(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && BUSY.has(code)) {
    return new StoreUnavailableError('busy', 'The database is busy: a lock or a statement waited too long.', { cause: error });
  }
  if (code === FULL) return new StoreUnavailableError('full', 'The disk holding the database is full.', { cause: error });
  // Still stale after the retries on new connections (pg-db.ts): the schema is changing right now.
  if (preparedStatementStale(error)) return new StoreUnavailableError('busy', 'The database schema is being changed; try again shortly.', { cause: error });
  const trouble = connectionTrouble(error);
  if (trouble) return new StoreUnavailableError('unavailable', `PostgreSQL cannot be reached (${trouble}).`, { cause: error });
  return error;
}

/** The failure of migrate(), the store's first use, as one line for the operator. */
export function startError(failure: unknown, where: string): StoreStartError {
  if (failure instanceof StoreStartError) return failure;
  // Look at what PostgreSQL or the socket said, not at our translation of it.
  const error = failure instanceof StoreUnavailableError && failure.cause !== undefined ? failure.cause : failure;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const said = String(message ?? error).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const trouble = connectionTrouble(error);
  if (trouble) return new StoreStartError(`cannot reach PostgreSQL at ${where} (${trouble}). Check DATABASE_URL and that the server is running.`, { cause: error });
  if (code === '28P01' || code === '28000') return new StoreStartError(`PostgreSQL at ${where} refused the login (${said}). Check the user and password in DATABASE_URL.`, { cause: error });
  if (code === '3D000') return new StoreStartError(`PostgreSQL at ${where} has no such database (${said}). Create it, or fix DATABASE_URL.`, { cause: error });
  if (code === FULL) return new StoreStartError(`the disk of PostgreSQL at ${where} is full (${said}). Free some space, then start again.`, { cause: error });
  return new StoreStartError(`cannot prepare the database on PostgreSQL at ${where}: ${said}.`, { cause: error });
}
