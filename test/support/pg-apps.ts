/**
 * Three Parley apps in this process on one PostgreSQL database (a fresh schema, dropped after), each
 * with its own store, node name and workers, all on one manual clock: what the cluster tests of
 * one capability need (webhooks, outbound email) without real processes (test/cluster-world.ts
 * starts those). Everything started is handed to the test's teardown.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { buildApp, type App } from '../../server/app.ts';
import { defaultConfig, type Config } from '../../server/config.ts';
import { createPgStore } from '../../server/store/pg-store.ts';
import type { Store } from '../../server/store/store.ts';
import type { Teardown } from '../teardown.ts';
import type { ManualClock } from './manual-clock.ts';

export async function startPgApps(teardown: Teardown, url: string, { clock, config = {} }: {
  clock: ManualClock;
  /** The same settings for every app (each gets its own nodeName). */
  config?: Partial<Config>;
}): Promise<{ stores: Store[]; apps: App[] }> {
  const schema = `parley_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  teardown.add(admin, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  const stores: Store[] = [];
  const apps: App[] = [];
  for (const node of ['a', 'b', 'c']) {
    const store = teardown.add(createPgStore({ url, schema, now: () => clock.now(), followPollMs: 100 }), (s) => s.close());
    await store.migrate();
    stores.push(store);
    const settings = defaultConfig({ port: 0, publicUrl: 'http://127.0.0.1:1', databaseUrl: url, nodeName: node, ...config });
    apps.push(teardown.add(await buildApp({ config: settings, store, clock }), (app) => app.close()));
  }
  return { stores, apps };
}
