/**
 * Webhooks when things go wrong (issue 15), with real servers and real receivers on loopback:
 * an endpoint that never answers delays neither chat nor another endpoint (shown by what has
 * completed while its requests still hang, not by timing); a server restarted while a delivery
 * waits for its retry, or while one is on its way, loses nothing and sends it again with the same
 * ids; a delivery held by a process that died goes out once its lease runs out.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_PATHS, path, type WebhookEventType } from '../protocol/protocol.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const MINUTE = 60_000;

async function addEndpoint(server: TestServer, owner: Awaited<ReturnType<typeof loginAgent>>, url: string, events: WebhookEventType[]) {
  const made = await owner.admin(path(WEBHOOK_PATHS.endpoints, { siteId: server.site.id }).replace(/^\/v1\/admin/, ''), { method: 'POST', json: { url, events } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  return made.body.endpoint.id as string;
}

describe('a dead endpoint', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let dead: WebhookReceiver;
  let healthy: WebhookReceiver;

  before(async () => {
    dead = teardown.add(await startWebhookReceiver(), (r) => r.close());
    healthy = teardown.add(await startWebhookReceiver(), (r) => r.close());
    dead.answer(() => 'hang');
    // The real clock, and an attempt deadline longer than this test: the dead endpoint's requests stay open throughout.
    server = teardown.add(await startServer({ webhooksAllowPrivate: true, webhookTimeoutMs: 10 * MINUTE }), (s) => s.close());
  });
  after(() => teardown.run());

  it('delays neither chat nor another endpoint: everything completes while its requests still hang', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    const alice = await loginAgent(server, 'alice@test.local');
    await addEndpoint(server, owner, dead.url, ['message.visitor', 'message.agent']);
    await addEndpoint(server, owner, healthy.url, ['message.visitor', 'message.agent']);
    const stream = await alice.stream();
    teardown.add(stream, (s) => s.close());
    const visitor = await newVisitor(server);
    const conversations = [await visitor.start(), await visitor.start()];
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [n, conversation] of conversations.entries()) {
        const text = `message ${i} in ${n}`;
        assert.equal((await visitor.send(conversation.id, text)).status, 200, 'the visitor\'s send is answered at once');
        assert.equal((await alice.send(conversation.id, `reply to ${text}`)).status, 200);
        sent.push(text, `reply to ${text}`);
      }
    }
    // Chat: every message reached the agent's live stream.
    await waitFor(() => sent.every((text) => stream.events.some((e) => e.event === 'message' && e.data.message.body === text)), { message: 'every message on the agent stream' });
    // The other endpoint: every one of them, each once.
    await waitFor(() => healthy.accepted().length === sent.length, { message: () => `all ${sent.length} at the healthy endpoint (got ${healthy.accepted().length})` });
    assert.deepEqual(healthy.accepted().map((b) => ('message' in b.data ? b.data.message.body : '')).sort(), [...sent].sort());
    // And meanwhile the dead endpoint still holds its first delivery of each conversation, unanswered;
    // the rest wait their turn behind them instead of piling up connections.
    assert.equal(dead.hanging(), 2);
    assert.equal(dead.received.length, 2);
    assert.ok(dead.received.every((d) => d.status === null));
    assert.deepEqual(dead.received.map((d) => ('message' in d.body.data ? d.body.data.message.body : '')).sort(), ['message 0 in 0', 'message 0 in 1']);
  });
});

describe('webhooks across restarts', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let server: TestServer;
  let receiver: WebhookReceiver;

  before(async () => {
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    server = teardown.add(await startServer({ clock, webhooksAllowPrivate: true }), (s) => s.close());
  });
  after(() => teardown.run());

  async function pass(ms = 0): Promise<void> {
    clock.advance(ms);
    await server.app.webhooks.tick();
    await server.app.webhooks.settled();
  }

  it('loses nothing when the server restarts while a delivery waits for its retry, or while one is on its way', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    await addEndpoint(server, owner, receiver.url, ['message.visitor']);
    receiver.answer(() => ({ status: 503, body: 'down' }));
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'waiting for a retry');
    await pass();
    await receiver.waitFor(1);

    await server.restart();
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    for (let round = 0; round < 5 && receiver.accepted().length < 1; round++) await pass(MINUTE);
    assert.deepEqual(receiver.accepted().map((b) => b.type === 'message.visitor' && b.data.message.body), ['waiting for a retry']);
    assert.equal(receiver.received[1]!.body.deliveryId, receiver.received[0]!.body.deliveryId, 'the same delivery id after the restart');

    // Now one is on its way (the receiver holds it) when the server stops: cut short, it is sent
    // again by the restarted server, with the same ids.
    receiver.answer(() => 'hang');
    await visitor.send(conversation.id, 'on its way during the restart');
    await server.app.webhooks.tick();
    await waitFor(() => receiver.hanging() === 1, { message: 'the request held by the receiver' });
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    await server.restart();
    await pass();
    const copies = receiver.received.filter((d) => d.body.type === 'message.visitor' && d.body.data.message.body === 'on its way during the restart');
    assert.equal(copies.length, 2);
    assert.equal(copies[1]!.body.deliveryId, copies[0]!.body.deliveryId);
    assert.equal(copies[1]!.raw, copies[0]!.raw);
    assert.equal(receiver.accepted().length, 2, 'each event accepted once');
  });

  it('sends a delivery a dead process was holding once its lease runs out', async () => {
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    // This server's rounds woken by the start are over before the other process writes: from now
    // on only polling (the manual clock) could wake them.
    await server.app.webhooks.settled();
    // Another process on the same database takes the visitor's message, fans it out and claims its
    // delivery, then dies before sending. (Its commit is not on this server's bus, so this server
    // finds the delivery only by polling, as it would another process's.)
    const other = createSqliteStore({ path: join(server.dataDir, 'parley.db'), now: () => clock.now() });
    await other.appendMessage({ conversationId: conversation.id, clientId: 'dead-1', author: 'visitor', agentId: null, body: 'held by a process that died', internal: false });
    await other.fanOutWebhooks({ now: clock.now(), limit: 100, retryForMs: 24 * 3600_000 });
    const [held] = await other.claimWebhookDeliveries({ now: clock.now(), owner: 'dead-process', leaseMs: 70_000, limit: 10, perEndpoint: 4 });
    await other.close();
    assert.ok(held, 'the other process claimed the delivery');
    const before = receiver.received.length;
    await pass(60_000);
    assert.equal(receiver.received.length, before, 'not while the lease holds: it may still be on its way');
    await pass(15_000);
    const [arrived] = await receiver.waitFor(1, { matching: (d) => d.body.deliveryId === held.id });
    assert.equal(arrived!.raw, held.body);
  });
});
