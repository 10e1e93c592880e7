/**
 * The PostgreSQL store's point reads of every request (the visitor by token, the conversation
 * named in the path, the agent's session), batched per turn of the event loop: the lookups of the
 * requests that arrived together go to the database as one statement, `WHERE key IN (…)`.
 *
 * Why (issue 16): each of them was a statement of its own, with a pooled connection and a round
 * trip each; at 1,000 msg/s they were two thirds of the database's transactions, each waking a
 * backend to find one row by its index. One statement for the turn's keys costs the database and
 * this process about what one of them did.
 *
 * What a caller sees does not change: a read sees every write committed before it runs, as before
 * (it runs a moment later, at the end of the turn, never earlier). A database in trouble fails every
 * lookup of the batch as unavailable, as each would have failed alone; a value the database refuses
 * fails only its own lookup.
 */
import DataLoader from 'dataloader';
import type { PgDb, Row } from './pg-db.ts';

/** Keys in one statement at most; more wait for the next one, started at once. */
const MAX_KEYS = 256;

/**
 * A lookup by one unique key: `select(list)` is the statement finding the rows whose key is in
 * `list` (placeholders, `IN (${list})`), and `column` names the key in its rows. The row with the
 * key asked for answers a lookup, or undefined when none has it.
 */
export function batchedRead(db: Pick<PgDb, 'all'>, select: (list: string) => string, column: string): (key: string) => Promise<Row | undefined> {
  // The list has a power of two of placeholders, padded with a key asked for again: a handful of
  // statements, each prepared once (pg-db.ts). Not `= ANY($1)` with an array, which PostgreSQL
  // plans again on every execution (a custom plan, cheaper for the array's actual length than its
  // generic one) and which cost it more CPU than the statements it replaced.
  const texts = new Map<number, string>();
  const textFor = (size: number) => {
    let text = texts.get(size);
    if (text === undefined) texts.set(size, text = select(Array.from({ length: size }, (_, i) => `$${i + 1}`).join(', ')));
    return text;
  };
  async function read(keys: string[]): Promise<Map<string, Row>> {
    const size = 2 ** Math.ceil(Math.log2(keys.length));
    const params = Array.from({ length: size }, (_, i) => keys[i] ?? keys[0]!);
    const rows = await db.all(textFor(size), ...params);
    return new Map(rows.map((row) => [String(row[column]), row]));
  }
  const loader = new DataLoader<string, Row | undefined>(async (keys) => {
    const distinct = [...new Set(keys)];
    try {
      const found = await read(distinct);
      return keys.map((key) => found.get(key));
    } catch (error) {
      // A value the database refuses (a data exception, class 22: say, a key that is not a valid
      // number for its column) is one request's: the keys are read again one at a time, so that it
      // fails only its own. Anything else (the database in trouble, a statement out of date) would
      // fail each key the same way, and fails them all now.
      if (!String((error as { code?: unknown })?.code ?? '').startsWith('22') || distinct.length === 1) throw error;
      const each = new Map<string, Row | undefined | Error>();
      for (const key of distinct) {
        each.set(key, await read([key]).then((found) => found.get(key), (alone: unknown) => (alone instanceof Error ? alone : new Error(String(alone)))));
      }
      return keys.map((key) => each.get(key));
    }
  }, {
    // Not memoised: every request reads the database as it is now.
    cache: false,
    maxBatchSize: MAX_KEYS,
    // After this turn's I/O callbacks, as the group commit does (pg-group-commit.ts): each request
    // arrives in a callback of its own, so DataLoader's default (the end of the callback) would
    // batch a request only with itself.
    batchScheduleFn: (run) => setImmediate(run),
  });
  return (key) => loader.load(key);
}
