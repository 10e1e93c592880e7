/**
 * The store alone, without HTTP (docs/benchmarks.md "What bounds Parley here"): CPU and wall time
 * per appended message, in rounds of `--concurrency` concurrent `appendMessage` calls (group commit
 * makes a round one transaction and one flush), in this thread, on a fresh database: SQLite in a
 * temporary directory, or with `--pg URL` PostgreSQL in a schema of its own, dropped afterwards.
 * `node bench/store-append.ts [messages] [--concurrency 10] [--pg postgres://…]`
 * (default 20,000 messages, after 2,000 to warm up).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createPgStore } from '../server/store/pg-store.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { concurrency: { type: 'string', default: '10' }, pg: { type: 'string' } } });
const concurrency = Math.max(1, Number(values.concurrency));
const dir = mkdtempSync(join(tmpdir(), 'parley-store-append-'));
const schema = `bench_append_${process.pid}`;
const store = values.pg ? createPgStore({ url: values.pg, schema }) : createSqliteStore({ path: join(dir, 'parley.db') });
try {
  await store.migrate();
  const site = await store.createSite({ name: 'Bench', allowedOrigins: [], widget: defaultWidgetConfig('Bench'), secret: 'x'.repeat(32) });
  const conversations: string[] = [];
  for (let i = 0; i < 50; i++) {
    const visitor = await store.createVisitor({ siteId: site.id, tokenHash: `token-${i}`, context: {} });
    conversations.push((await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `start-${i}` })).value.id);
  }
  let sent = 0;
  const append = async (count: number) => {
    for (let i = 0; i < count; i += concurrency) {
      await Promise.all(Array.from({ length: concurrency }, () => {
        const n = sent++;
        // Two visitor messages for each agent reply, spread over 50 conversations.
        return store.appendMessage({ conversationId: conversations[n % 50]!, clientId: `m-${n}`, author: n % 3 === 0 ? 'agent' : 'visitor', agentId: null, body: `message number ${n} with some text`, internal: false });
      }));
    }
  };
  await append(2000);
  const count = Number(positionals[0] ?? 20_000);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await append(count);
  const used = process.cpuUsage(cpu);
  const wallUs = ((performance.now() - started) * 1000) / count;
  const per = (us: number) => (us / count).toFixed(1);
  console.log(`${values.pg ? 'PostgreSQL' : 'SQLite'}: ${count} messages in rounds of ${concurrency}: CPU of this process ${per(used.user + used.system)} µs/message (user ${per(used.user)}, kernel ${per(used.system)}), wall ${wallUs.toFixed(1)} µs/message (${Math.round(1e6 / wallUs)} msg/s)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (values.pg) {
    const admin = new Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
