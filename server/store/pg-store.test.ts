/**
 * The PostgreSQL store: the conformance suite, plus what only several processes on one database
 * show — two stores on one schema stand for two Parley processes. Runs only with TEST_DATABASE_URL
 * set. Every store gets a fresh schema; the after() hook closes every store and drops every schema,
 * whatever failed before it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { parseEventId } from '../../protocol/protocol.ts';
import { defaultWidgetConfig } from '../site-defaults.ts';
import { SCHEMA_VERSION } from './pg-schema.ts';
import { createPgStore, type PgStoreOptions } from './pg-store.ts';
import { storeConformance } from '../../test/support/store-conformance.ts';
import { StoreStartError, StoreUnavailableError, type LoggedEvent, type Store } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) pgTests(url);

function pgTests(url: string): void {
  const schemas: string[] = [];
  const stores: Store[] = [];
  let admin: Client | null = null;
  after(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    const failed: unknown[] = [];
    try {
      const sql = await adminClient();
      for (const schema of schemas) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((error: unknown) => failed.push(error));
    } finally {
      await admin?.end().catch(() => {});
    }
    if (failed.length > 0) throw new AggregateError(failed, `could not drop ${failed.length} test schemas`);
  });
  async function adminClient(): Promise<Client> {
    if (!admin) {
      admin = new Client({ connectionString: url });
      await admin.connect();
    }
    return admin;
  }
  const query = async (text: string, params: unknown[] = []) => (await (await adminClient()).query(text, params)).rows;

  const newSchema = () => {
    const name = `parley_test_${randomBytes(5).toString('hex')}`;
    schemas.push(name);
    return name;
  };
  const open = (schema: string, options: Partial<PgStoreOptions> = {}): Store => {
    const store = createPgStore({ url, schema, ...options });
    stores.push(store);
    return store;
  };
  /** Two "processes" on one fresh schema, migrated. */
  async function cluster(options: Partial<PgStoreOptions> = {}): Promise<{ schema: string; a: Store; b: Store }> {
    const schema = newSchema();
    const a = open(schema, options);
    const b = open(schema, options);
    await a.migrate();
    await b.migrate();
    return { schema, a, b };
  }
  async function seed(store: Store) {
    const site = await store.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 's' });
    const agent = await store.createUser({ email: `a-${randomBytes(3).toString('hex')}@shop.test`, name: 'Ann', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
    const visitor = await store.createVisitor({ siteId: site.id, tokenHash: randomBytes(8).toString('hex'), context: {} });
    const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c' });
    return { site, visitor, conversation, agent: { id: agent.id, name: agent.name, avatarUrl: null } };
  }
  const send = (store: Store, conversationId: string, clientId: string, body = clientId) =>
    store.appendMessage({ conversationId, clientId, author: 'visitor', agentId: null, body, internal: false });
  /** Collects what a store's onCommit announces, by seq. */
  function announced(store: Store): { seqs: number[]; events: LoggedEvent[] } {
    const seen = { seqs: [] as number[], events: [] as LoggedEvent[] };
    store.onCommit((events) => {
      seen.events.push(...events);
      seen.seqs.push(...events.map((e) => parseEventId(e.id)!.seq));
    });
    return seen;
  }
  async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
      await sleep(10);
    }
  }
  const headSeq = async (store: Store) => parseEventId(await store.headCursor())!.seq;
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const listeners = async (schema: string) =>
    query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'", [`parley-follower/${schema}`]);

  storeConformance('PostgreSQL', async (options) => open(newSchema(), options));

  describe('PostgreSQL store, several processes on one database', () => {
    it('applies each migration once when three nodes start at the same moment', async () => {
      const schema = newSchema();
      const nodes = [open(schema), open(schema), open(schema)];
      await Promise.all(nodes.map((node) => node.migrate()));
      const applied = await query(`SELECT version, count(*) AS n FROM ${schema}.schema_migrations GROUP BY version ORDER BY version`);
      assert.deepEqual(applied.map((row) => [row.version, Number(row.n)]), upTo(SCHEMA_VERSION).map((v) => [v, 1]));
      const heads = await Promise.all(nodes.map((node) => node.headCursor()));
      assert.equal(new Set(heads).size, 1, 'one epoch and one head for all');
    });

    it('announces the events of both processes to each, in log order and without gaps', async () => {
      const { a, b } = await cluster();
      const seenByA = announced(a);
      const seenByB = announced(b);
      const { site, visitor, conversation } = await seed(a);
      const { value: second } = await b.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'second' });
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        send(i % 2 ? a : b, (i % 3 ? conversation : second).id, `m${i}`)));
      const head = await headSeq(a);
      await until('both have announced the head', () => seenByA.seqs.at(-1) === head && seenByB.seqs.at(-1) === head);
      assert.deepEqual(seenByA.seqs, upTo(head), 'A: every event once, in order, from the start');
      assert.deepEqual(seenByB.seqs, upTo(head), 'B: the same');
      for (const result of results) assert.ok(seenByA.events.some((e) => e.id === result.events[0]!.id));
      for (const c of [conversation, second]) {
        const { messages } = await a.listMessages(c.id, { limit: 100, includeInternal: true });
        assert.deepEqual(messages.map((m) => m.seq), upTo(messages.length), 'message seqs stay dense under two writers');
      }
    });

    it('loses nothing when its LISTEN connection is terminated in the middle of a burst', async () => {
      // No backstop poll within the test: only notifications and the re-read after reconnecting can deliver.
      const { schema, a: writer, b: reader } = await cluster({ followPollMs: 60_000 });
      const seen = announced(reader);
      const { conversation } = await seed(writer);
      await until('the follower listens', async () => (await listeners(schema)).length === 1);
      const [{ pid }] = await listeners(schema);
      await Promise.all(Array.from({ length: 30 }, (_, i) => send(writer, conversation.id, `before${i}`)));
      const before = await headSeq(writer);
      await until('the reader is idle, having announced all so far', () => seen.seqs.at(-1) === before);
      const killed = await query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid = $1', [pid]);
      assert.deepEqual(killed, [{ ok: true }]);
      // A few quick sends, done before the follower's first reconnect (after 50 ms or more): their
      // notifications go nowhere, and nothing is written after it is back to wake it.
      for (let i = 0; i < 5; i++) await send(writer, conversation.id, `while-away${i}`);
      const head = await headSeq(writer);
      await until('the reader has announced the head', () => seen.seqs.at(-1) === head);
      assert.deepEqual(seen.seqs, upTo(head));
      const [relistening] = await listeners(schema);
      assert.notEqual(relistening?.pid, pid, 'a new LISTEN connection');
    });

    it('skips events deleted before the follower read them, and goes on', async () => {
      const schema = newSchema();
      const store = open(schema, { followPollMs: 60_000 });
      await store.migrate();
      const { site, conversation } = await seed(store);
      const leaving = await store.createVisitor({ siteId: site.id, tokenHash: 'leaving', context: {} });
      const { value: theirs } = await store.startConversation({ siteId: site.id, visitorId: leaving.id, clientId: 'x' });
      await send(store, theirs.id, 'private');
      await store.deleteVisitor(leaving.id);
      // The follower starts where the store started (migrate), so it meets the hole the deletion left.
      const seen = announced(store);
      const last = await send(store, conversation.id, 'after');
      await until('the message after the hole is announced', () => seen.events.at(-1)?.id === last.events[0]!.id);
      assert.deepEqual(seen.seqs, [1, await headSeq(store)], 'the first conversation, then the message after the hole');
      assert.ok(seen.events.every((e) => e.visitorId !== leaving.id));
    });

    it('stores a clientId sent by two processes at once exactly once, every time', async () => {
      const { a, b } = await cluster();
      const { conversation } = await seed(a);
      for (let i = 0; i < 10; i++) {
        const [x, y] = await Promise.all([send(a, conversation.id, `same${i}`), send(b, conversation.id, `same${i}`)]);
        assert.equal(Number(x.created) + Number(y.created), 1, 'one of them stored it');
        assert.deepEqual(x.value, y.value, 'both answer with the stored message');
        assert.equal(x.events.length + y.events.length, 1, 'one event');
      }
      const { messages } = await b.listMessages(conversation.id, { limit: 100, includeInternal: true });
      assert.deepEqual(messages.map((m) => m.seq), upTo(10));
      const starts = await Promise.all([a, b].map((store) => store.startConversation({ siteId: conversation.siteId, visitorId: conversation.visitorId, clientId: 'both' })));
      assert.equal(starts.filter((s) => s.created).length, 1);
      assert.equal(starts[0]!.value.id, starts[1]!.value.id);
    });

    it('gives the turn for periodic work to one of several processes asking at once', async () => {
      const { a, b } = await cluster();
      for (let i = 0; i < 5; i++) {
        const turns = await Promise.all([a, b, a, b].map((store) => store.takeTurn(`job${i}`, 60_000)));
        assert.equal(turns.filter(Boolean).length, 1);
      }
    });

    it('lets exactly one of two processes claim a conversation', async () => {
      const { a, b } = await cluster();
      const { site, visitor, agent } = await seed(a);
      const other = await b.createUser({ email: 'bo@shop.test', name: 'Bo', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
      for (let i = 0; i < 5; i++) {
        const { value: c } = await a.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `claim${i}` });
        const outcomes = await Promise.all([a.claim(c.id, agent), b.claim(c.id, { id: other.id, name: other.name, avatarUrl: null })]);
        assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['claimed', 'taken']);
        const { messages } = await a.listMessages(c.id, { limit: 10, includeInternal: true });
        assert.deepEqual(messages.map((m) => m.system?.kind), ['joined'], 'one join');
      }
    });

    it('keeps an owner, counts a visit once and lets one reply take a conversation when two processes race (issue 10)', async () => {
      const { a, b } = await cluster();
      const { site, visitor, agent } = await seed(a);
      const owners = await Promise.all([1, 2].map((n) => a.createUser({ email: `o${n}@shop.test`, name: `O${n}`, role: 'owner', passwordHash: 'x', siteIds: [] })));
      const demotions = await Promise.allSettled([a.updateUser(owners[0]!.id, { role: 'agent' }), b.updateUser(owners[1]!.id, { disabled: true })]);
      assert.deepEqual(demotions.map((d) => d.status).sort(), ['fulfilled', 'rejected']);
      assert.equal((await b.listUsers()).filter((u) => u.role === 'owner' && !u.disabled).length, 1);

      const at = visitor.lastSeenAt + 60_001;
      const touches = await Promise.all([a, b, a, b].map((store, i) => store.touchVisitor(visitor.id, { context: { title: `tab ${i}` }, at, newVisitAfterMs: 60_000 })));
      assert.equal(touches.filter((t) => t.newVisit).length, 1);
      assert.equal((await b.getVisitor(visitor.id))!.visits, 2);

      const bo = await b.createUser({ email: 'bo@shop.test', name: 'Bo', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
      const { value: c } = await a.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'raced' });
      const boRef = { id: bo.id, name: bo.name, avatarUrl: null };
      const replies = await Promise.all([
        a.appendMessage({ conversationId: c.id, clientId: 'x', author: 'agent', agentId: agent.id, body: 'Ann here', internal: false, claimIfWaiting: agent }),
        b.appendMessage({ conversationId: c.id, clientId: 'y', author: 'agent', agentId: bo.id, body: 'Bo here', internal: false, claimIfWaiting: boRef }),
      ]);
      assert.equal(replies.filter((r) => r.claimed).length, 1);
      const { messages } = await a.listMessages(c.id, { limit: 10, includeInternal: true });
      assert.deepEqual(messages.map((m) => m.system?.kind ?? m.body).slice(0, 2), ['joined', replies.find((r) => r.claimed)!.value.body]);
    });
  });

  describe('PostgreSQL store across a rolling upgrade', () => {
    it('keeps answering, reads and writes, when another node adds a column to the tables its prepared statements use', async () => {
      const { schema, a, b } = await cluster({ poolSize: 2 });
      const { site, visitor } = await seed(a);
      const { value: c } = await a.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'upgrade' });
      const sendAs = (clientId: string) => a.appendMessage({ conversationId: c.id, clientId, author: 'visitor', agentId: null, body: clientId, internal: false });
      // A write whose transaction reads whole rows (SELECT * … FOR NO KEY UPDATE), and a read.
      const rename = (name: string) => a.updateVisitor(visitor.id, { name });
      // Both pooled connections prepare the statements of a read, a send and that write.
      await Promise.all([a.getVisitor(visitor.id), a.getVisitor(visitor.id), sendAs('before-1'), sendAs('before-2')]);
      await Promise.all([rename('Before 1'), rename('Before 2')]);
      const scope = { kind: 'agent' as const, siteIds: [site.id] };
      const mark = (await b.eventsAfter(scope, null, 1)).cursor;
      // What a newer node's migration does, while this one keeps running: first the writes meet it.
      const migrate = (column: string) => query(`ALTER TABLE ${schema}.visitors ADD COLUMN ${column} TEXT;
        ALTER TABLE ${schema}.messages ADD COLUMN ${column} TEXT; ALTER TABLE ${schema}.conversations ADD COLUMN ${column} TEXT`);
      await migrate('newer_field');
      const renamed = await Promise.all([rename('After 1'), rename('After 2')]);
      assert.ok(renamed.every((r) => r.events.length > 0));
      // Each write's events in the log once, though its first attempt failed on a stale statement.
      const logged = (await b.eventsAfter(scope, mark, 1000)).events.map((e) => e.id).sort();
      assert.deepEqual(logged, renamed.flatMap((r) => r.events.map((e) => e.id)).sort());
      assert.match((await b.getVisitor(visitor.id))!.name ?? '', /^After [12]$/);
      // Then the reads: both connections (new ones now) prepare theirs again, and meet the next one.
      await Promise.all([a.getVisitor(visitor.id), a.getVisitor(visitor.id)]);
      await migrate('newest_field');
      const [one, two] = await Promise.all([a.getVisitor(visitor.id), a.getVisitor(visitor.id)]);
      assert.equal(one?.id, visitor.id);
      assert.equal(two?.id, visitor.id);
      await Promise.all([sendAs('after-1'), sendAs('after-2')]);
      const { messages } = await b.listMessages(c.id, { limit: 10, includeInternal: false });
      assert.deepEqual(messages.map((m) => m.body).sort(), ['after-1', 'after-2', 'before-1', 'before-2']);
    });
  });

  describe('PostgreSQL store in trouble', () => {
    it('refuses to start with one line naming host and port, never the password, when nothing listens there', async () => {
      const port = await closedPort();
      const store = createPgStore({ url: `postgres://parley:hunter2@127.0.0.1:${port}/parley` });
      stores.push(store);
      await assert.rejects(store.migrate(), (error: Error) => {
        assert.ok(error instanceof StoreStartError);
        assert.equal(error.message, `cannot reach PostgreSQL at 127.0.0.1:${port} (connection refused). Check DATABASE_URL and that the server is running.`);
        return true;
      });
      await assert.rejects(store.getSite('s_x'), (error: Error) => error instanceof StoreUnavailableError && error.reason === 'unavailable' && !error.message.includes('hunter2'));
    });

    it('answers busy when a lock is held longer than lockTimeoutMs, having stored nothing', async () => {
      const schema = newSchema();
      const store = open(schema, { lockTimeoutMs: 200 });
      await store.migrate();
      const { conversation } = await seed(store);
      const sql = await adminClient();
      await sql.query('BEGIN');
      try {
        await sql.query(`SELECT * FROM ${schema}.conversations WHERE id = $1 FOR UPDATE`, [conversation.id]);
        const started = Date.now();
        await assert.rejects(send(store, conversation.id, 'blocked'), (error: Error) => error instanceof StoreUnavailableError && error.reason === 'busy');
        assert.ok(Date.now() - started < 1500, 'failed after the lock timeout, not later');
      } finally {
        await sql.query('ROLLBACK');
      }
      assert.equal(await store.findMessage(conversation.id, 'blocked'), null);
      assert.equal((await send(store, conversation.id, 'blocked')).created, true, 'works once the lock is gone');
    });

    it('answers unavailable when its connections are terminated, then works again by itself', async () => {
      const schema = newSchema();
      const store = open(schema, { lockTimeoutMs: 10_000 });
      await store.migrate();
      const { conversation } = await seed(store);
      // Several pooled connections, all of which will die while idle.
      await Promise.all(Array.from({ length: 5 }, () => store.getConversation(conversation.id)));
      const sql = await adminClient();
      await sql.query('BEGIN');
      // Settled as soon as it fails (during the kill below, perhaps): a rejection left unhandled for a moment fails the test run.
      let failure: Promise<unknown>;
      try {
        await sql.query(`SELECT * FROM ${schema}.event_head FOR UPDATE`);
        failure = send(store, conversation.id, 'in-flight').then(() => null, (error: unknown) => error);
        await until('the send waits for the lock', async () => (await query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [`parley/${schema}`])).length === 1);
        const killed = await query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`parley/${schema}`]);
        assert.ok(killed.length >= 2, 'the waiting connection and idle ones');
        const error = await failure;
        assert.ok(error instanceof StoreUnavailableError && error.reason === 'unavailable', `the send failed as unavailable, not with ${error}`);
      } finally {
        await sql.query('ROLLBACK');
      }
      const again = await Promise.all([
        send(store, conversation.id, 'after'), store.getConversation(conversation.id), store.headCursor(), store.listSites(),
      ]);
      assert.equal(again[0].created, true);
      assert.equal(await store.findMessage(conversation.id, 'in-flight'), null, 'nothing of the failed send was stored');
    });
  });
}

/** A TCP port on which nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
