/**
 * Fresh PostgreSQL schemas for a test file, each dropped (with whatever was left open in it closed
 * first) when the file's tests are done: `const pg = pgSchemas(url)`, then `pg.fresh()` per case
 * and `pg.closeAfter(thing)` for each store or client it opens. Test support for the PostgreSQL
 * suites that run only with TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { Client } from 'pg';

export function pgSchemas(url: string) {
  const schemas: string[] = [];
  const closing: Array<() => Promise<unknown>> = [];
  after(async () => {
    await Promise.allSettled(closing.map((close) => close()));
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  return {
    /** A schema name no other test uses, dropped after the file. */
    fresh(): string {
      const schema = `parley_test_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      return schema;
    },
    /** Closed before the schemas are dropped. */
    closeAfter<T extends { close?: () => Promise<unknown>; end?: () => Promise<unknown> }>(thing: T): T {
      closing.push(() => (thing.close ?? thing.end)!.call(thing));
      return thing;
    },
  };
}
