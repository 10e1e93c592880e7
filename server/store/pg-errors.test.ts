/**
 * How PostgreSQL's errors reach the API: operational trouble is the store's StoreUnavailableError
 * (503 with Retry-After), anything else stays as it was (a bug, a 500 with its cause logged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operational, preparedStatementStale } from './pg-errors.ts';
import { StoreUnavailableError } from './store.ts';

/** What node-postgres makes of an ErrorResponse: the fields PostgreSQL sent, on an Error. */
const pgError = (fields: { code: string; routine?: string; message: string }) => Object.assign(new Error(fields.message), fields);

describe('PostgreSQL errors', () => {
  it('knows a prepared statement outdated by a migration by its code and routine, in any language', () => {
    assert.equal(preparedStatementStale(pgError({ code: '0A000', routine: 'RevalidateCachedQuery', message: 'cached plan must not change result type' })), true);
    assert.equal(preparedStatementStale(pgError({ code: '0A000', routine: 'RevalidateCachedQuery', message: 'der gecachte Plan darf den Ergebnistyp nicht ändern' })), true);
    // Another "feature not supported" is no stale statement.
    assert.equal(preparedStatementStale(pgError({ code: '0A000', routine: 'transformLockingClause', message: 'FOR UPDATE is not allowed with aggregate functions' })), false);
  });

  it('answers a statement still stale after its retries as busy (503), and leaves a bug as it is', () => {
    const stale = operational(pgError({ code: '0A000', routine: 'RevalidateCachedQuery', message: 'cached plan must not change result type' }));
    assert.ok(stale instanceof StoreUnavailableError);
    assert.equal(stale.reason, 'busy');
    const bug = pgError({ code: '42703', routine: 'errorMissingColumn', message: 'column "nope" does not exist' });
    assert.equal(operational(bug), bug);
  });
});
