import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventId } from '../protocol/protocol.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { openSse } from './sse-client.ts';

const messageBodies = (events: Array<{ event: string; data: any }>) =>
  events.filter((e) => e.event === 'message').map((e) => e.data.message.body as string);

describe('stream resume', () => {
  let server: TestServer;
  before(async () => { server = await startServer(); });
  after(() => server.close());

  it('receives every message of a 100-message burst exactly once, in order, across a cut and a Last-Event-ID resume', async () => {
    const agent = await loginAgent(server, 'alice@test.local');
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'start');
    const first = await visitor.stream(visitor.cursor);
    const expected = Array.from({ length: 100 }, (_, i) => `burst ${i}`);
    const sending = (async () => {
      for (const body of expected) await agent.send(conversation.id, body);
    })();
    // Cut the stream mid-burst, as a flaky network would.
    await first.until((e) => e.event === 'message' && e.data.message.body === 'burst 30', 10_000);
    first.close();
    const lastId = first.events.filter((e) => e.id).at(-1)!.id!;
    await sending;
    const resumed = await visitor.stream(lastId);
    await resumed.until((e) => e.event === 'message' && e.data.message.body === 'burst 99', 10_000);
    const seen = [...messageBodies(first.events), ...messageBodies(resumed.events)].filter((b) => b.startsWith('burst'));
    assert.deepEqual(seen, expected);
    const ids = [...first.events, ...resumed.events].filter((e) => e.id).map((e) => parseEventId(e.id)!.seq);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids only grow');
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    resumed.close();
  });

  it('resumes while messages keep arriving from several senders at once: each exactly once, in sequence', async () => {
    const agent = await loginAgent(server, 'bob@test.local');
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    const first = await visitor.stream(visitor.cursor);
    const expected = new Set<string>();
    let sent = 0;
    // Four senders in parallel (so group commit batches them), visitor and agent alike.
    const senders = Array.from({ length: 4 }, (_, s) => (async () => {
      for (let i = 0; i < 30; i++) {
        const body = `s${s}-${i}`;
        expected.add(body);
        await (s % 2 ? agent.send(conversation.id, body) : visitor.send(conversation.id, body));
        sent++;
      }
    })());
    await first.until(() => sent >= 20, 10_000);
    first.close();
    const lastId = first.events.filter((e) => e.id).at(-1)!.id!;
    // Resume while the senders are still going: the replay and live events overlap.
    const resumed = await visitor.stream(lastId);
    await Promise.all(senders);
    const last = (await server.store.getConversation(conversation.id))!.lastSeq;
    await resumed.until((e) => e.event === 'message' && e.data.message.seq === last, 10_000);
    const messages = [...first.events, ...resumed.events].filter((e) => e.event === 'message').map((e) => e.data.message);
    const bodies = messages.map((m) => m.body).filter((b: string) => /^s\d-/.test(b));
    assert.equal(bodies.length, expected.size, 'nothing lost or doubled');
    assert.deepEqual(new Set(bodies), expected);
    const seqs = messages.map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in sequence');
    assert.equal(new Set(seqs).size, seqs.length);
    resumed.close();
  });

  it('accepts the cursor as a query parameter for a fresh page load, and the header wins when both are sent', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'one');
    const mark = await visitor.stream(visitor.cursor);
    const one = await mark.until((e) => e.event === 'message');
    mark.close();
    await visitor.send(conversation.id, 'two');
    const byQuery = await openSse(`${visitor.base}/stream?lastEventId=${one.id}`, visitor.auth);
    await byQuery.until((e) => e.event === 'message');
    assert.deepEqual(messageBodies(byQuery.events), ['two']);
    byQuery.close();
    const both = await openSse(`${visitor.base}/stream?lastEventId=${visitor.cursor}`, { ...visitor.auth, 'last-event-id': one.id! });
    await both.until((e) => e.event === 'message');
    assert.deepEqual(messageBodies(both.events), ['two']);
    both.close();
  });

  it('sends an explicit reset, never a silent gap, when the cursor is older than the event log keeps', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'before pruning');
    await server.store.pruneEvents(Date.now() + 1);
    await visitor.send(conversation.id, 'after pruning');
    const stream = await visitor.stream(visitor.cursor);
    const reset = await stream.until((e) => e.event === 'reset');
    assert.equal(reset.data.reason, 'cursor-too-old');
    assert.equal(reset.id, await server.store.headCursor(), 'the reset moves the client to the head');
    assert.deepEqual(messageBodies(stream.events), [], 'nothing replayed after a reset: the client refetches');
    stream.close();
  });

  it('starts from now, without a reset, when the cursor is sent empty', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'before the stream');
    const stream = await openSse(`${visitor.base}/stream?lastEventId=`, visitor.auth);
    await visitor.send(conversation.id, 'after the stream opened');
    await stream.until((e) => e.event === 'message');
    assert.deepEqual(stream.events.filter((e) => e.event === 'reset'), []);
    assert.deepEqual(messageBodies(stream.events), ['after the stream opened']);
    stream.close();
    const poll = await visitor.call('/events?cursor=&wait=0');
    assert.equal(poll.status, 200);
    assert.deepEqual(poll.body.events.filter((e: { type: string }) => e.type === 'reset'), []);
  });

  it('sends a reset for a cursor this server never issued, including one of another database or above the head', async () => {
    const visitor = await newVisitor(server);
    const { epoch, seq } = parseEventId(visitor.cursor)!;
    // A number without a log, another database's log (after a restore or a move), the future.
    for (const cursor of ['99999999', `other${epoch}:${seq}`, `${epoch}:${seq + 1000}`]) {
      const stream = await visitor.stream(cursor);
      const reset = await stream.until((e) => e.event === 'reset');
      assert.equal(reset.data.reason, 'cursor-unknown', cursor);
      assert.equal(parseEventId(reset.id)!.epoch, epoch, 'the reset names this log');
      stream.close();
    }
  });

  it('streams with a short-lived ticket for EventSource, and refuses an expired or forged one', async () => {
    const visitor = await newVisitor(server);
    const { body } = await visitor.call('/stream-ticket', { method: 'POST' });
    assert.ok(body.expiresAt > Date.now());
    const stream = await openSse(`${visitor.base}/stream?ticket=${encodeURIComponent(body.ticket)}`, { origin: 'http://localhost:5555' });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['access-control-allow-origin'], 'http://localhost:5555');
    stream.close();
    const forged = await openSse(`${visitor.base}/stream?ticket=${encodeURIComponent(body.ticket.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')))}`);
    await forged.ended;
    assert.equal(forged.status, 401);
    assert.equal(JSON.parse(forged.body).error.code, 'PARLEY_ERR_TICKET_INVALID');
  });

  it('sends heartbeats and a retry hint', async () => {
    const quick = await startServer({ heartbeatMs: 50 });
    try {
      const visitor = await newVisitor(quick);
      const stream = await visitor.stream();
      // The heartbeat frame is a comment for proxies plus an hb event that EventSource can see.
      const hb = await stream.until((e) => e.event === 'hb');
      assert.equal(hb.id, undefined, 'a heartbeat never moves the resume cursor');
      assert.ok(stream.comments.includes('hb'));
      assert.equal(typeof stream.retry, 'number');
      stream.close();
    } finally {
      await quick.close();
    }
  });
});

describe('server restart', () => {
  it('tells streams to come back, and a client reconnecting after the restart misses nothing', async () => {
    const server = await startServer();
    try {
      const agent = await loginAgent(server, 'alice@test.local');
      const visitor = await newVisitor(server);
      const conversation = await visitor.start();
      await visitor.send(conversation.id, 'hello before restart');
      await agent.send(conversation.id, 'reply before restart');
      const stream = await visitor.stream(visitor.cursor);
      await stream.until((e) => e.event === 'message' && e.data.message.body === 'reply before restart');
      await server.stop();
      const goodbye = await stream.until((e) => e.event === 'goodbye');
      assert.equal(goodbye.data.reason, 'shutdown');
      await stream.ended;
      const lastId = stream.events.filter((e) => e.id).at(-1)!.id!;

      await server.restart();
      const again = await loginAgent(server, 'alice@test.local');
      for (const body of ['while you were away 1', 'while you were away 2']) await again.send(conversation.id, body);
      const resumed = await visitor.stream(lastId);
      await resumed.until((e) => e.event === 'message' && e.data.message.body === 'while you were away 2');
      assert.deepEqual(messageBodies(resumed.events), ['while you were away 1', 'while you were away 2']);
      resumed.close();
    } finally {
      await server.close();
    }
  });

  it('prunes the event log at start when its hourly turn is due, not an hour after the start', async () => {
    const server = await startServer({ eventRetentionMs: 1 });
    try {
      const visitor = await newVisitor(server);
      await visitor.send((await visitor.start()).id, 'old enough to prune');
      await server.store.setMeta('turn:housekeeping', '0'); // the last run was over an hour ago
      await server.restart();
      const scope = { kind: 'visitor' as const, siteId: server.site.id, visitorId: visitor.id };
      const deadline = Date.now() + 5000;
      let after = await server.store.eventsAfter(scope, visitor.cursor, 10);
      while (!after.reset && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
        after = await server.store.eventsAfter(scope, visitor.cursor, 10);
      }
      assert.equal(after.reset, 'cursor-too-old');
    } finally {
      await server.close();
    }
  });
});
