/**
 * Webhooks end to end (issue 15) against a real server and a real receiver on loopback: every
 * delivery is signed so the receiver can verify it; an endpoint that fails three times and then
 * answers gets each event once after de-duplication by id, in order per conversation; replaying
 * from the log sends the same ids and bytes; a day of failures dead-letters, and replaying the
 * dead-lettered delivers them; an endpoint that keeps failing is paused (the owner sees it) and
 * probed until it is back. Time is moved by the server's injected clock; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_PATHS, path, type WebhookBody, type WebhookEndpoint, type WebhookEventType } from '../protocol/protocol.ts';
import { verifySignature } from '../server/webhooks/signature.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('webhook deliveries', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let server: TestServer;
  let receiver: WebhookReceiver;
  let owner: Awaited<ReturnType<typeof loginAgent>>;
  let alice: Awaited<ReturnType<typeof loginAgent>>;
  const created: string[] = [];

  before(async () => {
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    server = teardown.add(await startServer({ clock, webhooksAllowPrivate: true }), (s) => s.close());
    owner = await loginAgent(server, 'owner@test.local');
    alice = await loginAgent(server, 'alice@test.local');
  });
  after(() => teardown.run());

  const api = (template: string, params: Record<string, string> = {}) => path(template, { siteId: server.site.id, ...params }).replace(/^\/v1\/admin/, '');
  /** A fresh endpoint for each case (the previous ones off), and the receiver reset. */
  async function endpoint(events: WebhookEventType[]): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    for (const id of created.splice(0)) await owner.admin(api(WEBHOOK_PATHS.endpoint, { endpointId: id }), { method: 'PATCH', json: { enabled: false } });
    receiver.received.length = 0;
    receiver.answer(() => ({ status: 200, body: 'ok' }));
    const made = await owner.admin(api(WEBHOOK_PATHS.endpoints), { method: 'POST', json: { url: receiver.url, events, description: 'CRM' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    created.push(made.body.endpoint.id);
    return made.body;
  }
  /** Time passes; the worker's round runs and every attempt it started is answered and recorded. */
  async function pass(ms = 0): Promise<void> {
    clock.advance(ms);
    await server.app.webhooks.tick();
    await server.app.webhooks.settled();
  }
  const endpointNow = async (id: string): Promise<WebhookEndpoint> =>
    (await owner.admin(api(WEBHOOK_PATHS.endpoints))).body.endpoints.find((e: WebhookEndpoint) => e.id === id);
  const textOf = (body: WebhookBody) => ('message' in body.data ? body.data.message.body : body.type);

  it('signs every delivery with the endpoint\'s secret over timestamp.body, with the same ids in the headers and the body', async () => {
    const { endpoint: made, secret } = await endpoint(['message.visitor']);
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{32}$/);
    assert.equal(JSON.stringify((await owner.admin(api(WEBHOOK_PATHS.endpoints))).body).includes(secret), false, 'the secret is shown once');
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Is the blue one in stock?');
    await pass();
    const [delivery] = await receiver.waitFor(1);
    const { headers, raw, body } = delivery!;
    // What a receiver does (docs/webhooks.md): HMAC-SHA256 of "<timestamp>.<raw body>" with the secret.
    const timestamp = String(headers['x-parley-timestamp']);
    assert.equal(headers['x-parley-signature'], `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
    assert.equal(Number(timestamp), Math.floor(clock.now() / 1000));
    assert.equal(headers['content-type'], 'application/json');
    assert.deepEqual([headers['x-parley-delivery'], headers['x-parley-event']], [body.deliveryId, 'message.visitor']);
    assert.deepEqual([body.type, body.siteId, textOf(body)], ['message.visitor', server.site.id, 'Is the blue one in stock?']);
    assert.match(body.eventId, /^evt_/);
    if (body.type === 'message.visitor') assert.equal(body.data.visitorId, visitor.id);

    const nowSeconds = Math.floor(clock.now() / 1000);
    const signature = String(headers['x-parley-signature']);
    assert.ok(verifySignature({ secret, signature, timestamp, body: raw, nowSeconds }));
    assert.ok(!verifySignature({ secret, signature, timestamp, body: raw.replace('blue', 'red'), nowSeconds }), 'a changed body fails');
    assert.ok(!verifySignature({ secret: 'whsec_someone-else', signature, timestamp, body: raw, nowSeconds }), 'another secret fails');
    assert.ok(!verifySignature({ secret, signature, timestamp, body: raw, nowSeconds: nowSeconds + 301 }), 'outside the replay window fails');

    // A rotated secret signs from then on; the old one no longer verifies.
    const rotated = await owner.admin(api(WEBHOOK_PATHS.rotateSecret, { endpointId: made.id }), { method: 'POST', json: {} });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, secret);
    await visitor.send(conversation.id, 'And in red?');
    await pass();
    const [, second] = await receiver.waitFor(2);
    const check = (key: string) => verifySignature({ secret: key, signature: String(second!.headers['x-parley-signature']), timestamp: String(second!.headers['x-parley-timestamp']), body: second!.raw, nowSeconds });
    assert.deepEqual([check(rotated.body.secret), check(secret)], [true, false]);
  });

  it('delivers each event exactly once after de-duplication by id, in order per conversation, to an endpoint that fails three times first', async () => {
    const { endpoint: made } = await endpoint(['conversation.created', 'message.visitor', 'message.agent']);
    receiver.answer((_, n) => (n < 3 ? { status: 503, body: 'Service Unavailable: deploy in progress' } : { status: 200, body: 'ok' }));
    const visitor = await newVisitor(server);
    const first = await visitor.start();
    await visitor.send(first.id, 'a1: Hello?');
    await alice.send(first.id, 'a2: Hi, how can I help?');
    await visitor.send(first.id, 'a3: My order is late');
    const second = await visitor.start();
    await visitor.send(second.id, 'b1: Another thing');
    for (let round = 0; round < 40 && receiver.accepted().length < 6; round++) await pass(MINUTE);

    const accepted = receiver.accepted();
    assert.equal(accepted.length, 6);
    assert.equal(receiver.received.length, 9, 'six events, plus three failed attempts');
    assert.equal(new Set(accepted.map((b) => b.eventId)).size, 6, 'each event once');
    const inOrder = (conversationId: string) => accepted
      .filter((b) => ('conversation' in b.data ? b.data.conversation.id : 'message' in b.data ? b.data.message.conversationId : null) === conversationId)
      .map(textOf);
    assert.deepEqual(inOrder(first.id), ['conversation.created', 'a1: Hello?', 'a2: Hi, how can I help?', 'a3: My order is late']);
    assert.deepEqual(inOrder(second.id), ['conversation.created', 'b1: Another thing']);
    const failed = receiver.received.filter((d) => d.status === 503);
    assert.ok(failed.every((d) => accepted.some((b) => b.deliveryId === d.body.deliveryId)), 'the failed ones came again with the same delivery id');

    // The log shows each attempt: three failures with the receiver's words, then the success.
    const log = await owner.admin(`${api(WEBHOOK_PATHS.deliveries, { endpointId: made.id })}?status=delivered`);
    assert.equal(log.status, 200);
    assert.equal(log.body.deliveries.length, 6);
    const retried = log.body.deliveries.find((d: { attempts: number }) => d.attempts > 1);
    const detail = await owner.admin(api(WEBHOOK_PATHS.delivery, { endpointId: made.id, deliveryId: retried.id }));
    const attempts = detail.body.attempts as Array<{ ok: boolean; statusCode: number; responseSnippet: string; error: string | null; latencyMs: number }>;
    assert.ok(attempts.length >= 2);
    assert.deepEqual(attempts.map((a) => a.ok), [...Array(attempts.length - 1).fill(false), true]);
    assert.deepEqual([attempts[0]!.statusCode, attempts[0]!.responseSnippet, attempts[0]!.error], [503, 'Service Unavailable: deploy in progress', 'Answered 503 Service Unavailable.']);
    assert.ok(attempts.every((a) => Number.isInteger(a.latencyMs) && a.latencyMs >= 0));
    assert.equal(detail.body.body, receiver.received.find((d) => d.body.deliveryId === retried.id)!.raw, 'the log keeps the exact body');
    assert.equal((await endpointNow(made.id)).health, 'healthy');
  });

  it('replays a delivery from the log with the same ids and bytes', async () => {
    const { endpoint: made } = await endpoint(['message.visitor']);
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Please send it again');
    await pass();
    const [original] = await receiver.waitFor(1);
    const replay = await owner.admin(api(WEBHOOK_PATHS.replay, { endpointId: made.id, deliveryId: original!.body.deliveryId }), { method: 'POST', json: {} });
    assert.equal(replay.status, 200);
    assert.deepEqual([replay.body.delivery.status, replay.body.delivery.attempts], ['pending', 0]);
    await pass();
    const [, again] = await receiver.waitFor(2);
    assert.deepEqual([again!.body.deliveryId, again!.body.eventId, again!.raw], [original!.body.deliveryId, original!.body.eventId, original!.raw]);
    const detail = await owner.admin(api(WEBHOOK_PATHS.delivery, { endpointId: made.id, deliveryId: original!.body.deliveryId }));
    assert.deepEqual([detail.body.delivery.status, detail.body.attempts.length], ['delivered', 2]);
    const missing = await owner.admin(api(WEBHOOK_PATHS.replay, { endpointId: made.id, deliveryId: 'whd_nope' }), { method: 'POST', json: {} });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'PARLEY_ERR_WEBHOOK_DELIVERY_NOT_FOUND']);
  });

  it('retries for a day, then dead-letters; replaying everything dead-lettered delivers it with the same ids', async () => {
    const { endpoint: made } = await endpoint(['message.visitor']);
    receiver.answer(() => ({ status: 500, body: 'boom' }));
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Will this ever arrive?');
    await pass();
    for (let minutes = 0; minutes < 25 * 60; minutes += 10) await pass(10 * MINUTE);
    const tries = receiver.received.length;
    const at = receiver.received.map((d) => Number(d.headers['x-parley-timestamp']) * 1000);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    assert.ok(tries >= 10 && tries <= 40, `tried ${tries} times over the day`);
    assert.ok(gaps[0]! <= 10 * MINUTE && gaps[gaps.length - 1]! >= 30 * MINUTE, `backing off from seconds to about an hour: ${gaps.map((g) => g / MINUTE).join(', ')} min`);
    assert.ok(at[at.length - 1]! - at[0]! <= 24 * HOUR, 'for a day, no longer');
    assert.equal((await endpointNow(made.id)).health, 'paused', 'failing all along, it was paused meanwhile (and probed with this delivery)');
    const dead = await owner.admin(`${api(WEBHOOK_PATHS.deliveries, { endpointId: made.id })}?status=dead`);
    assert.equal(dead.body.deliveries.length, 1);
    assert.equal(dead.body.deliveries[0].last.error, 'Answered 500 Internal Server Error.');
    assert.equal((await endpointNow(made.id)).dead, 1);
    await pass(HOUR);
    assert.equal(receiver.received.length, tries, 'not tried after its day');

    receiver.answer(() => ({ status: 200, body: 'ok' }));
    const replayed = await owner.admin(api(WEBHOOK_PATHS.replayDead, { endpointId: made.id }), { method: 'POST', json: {} });
    assert.deepEqual(replayed.body, { replayed: 1 });
    await pass();
    assert.equal(receiver.accepted().length, 1);
    assert.equal(receiver.accepted()[0]!.deliveryId, receiver.received[0]!.body.deliveryId);
    assert.equal((await endpointNow(made.id)).dead, 0);
  });

  it('pauses an endpoint that keeps failing, shows it, probes it, and sends what waited once it is back', async () => {
    const { endpoint: made } = await endpoint(['conversation.created']);
    receiver.answer(() => ({ status: 502, body: 'Bad Gateway' }));
    const visitor = await newVisitor(server);
    for (let i = 0; i < 12; i++) await visitor.start();
    for (let round = 0; round < 20 && (await endpointNow(made.id)).health !== 'paused'; round++) await pass(MINUTE);
    const paused = await endpointNow(made.id);
    assert.equal(paused.health, 'paused');
    assert.ok(paused.consecutiveFailures >= 10, 'ten in a row paused it (attempts on their way then count too)');
    assert.equal(paused.lastError, 'Answered 502 Bad Gateway.');
    assert.ok(paused.probeAt! > clock.now());
    const whilePaused = receiver.received.length;
    await pass(10_000);
    assert.equal(receiver.received.length, whilePaused, 'nothing is sent while paused');

    receiver.answer(() => ({ status: 200, body: 'ok' }));
    await pass(paused.probeAt! - clock.now());
    for (let round = 0; round < 10 && receiver.accepted().length < 12; round++) await pass(MINUTE);
    assert.equal(receiver.accepted().length, 12, 'everything that waited, once each');
    const back = await endpointNow(made.id);
    assert.deepEqual([back.health, back.consecutiveFailures, back.pausedAt, back.pending], ['healthy', 0, null, 0]);
  });

  it('sends a test delivery on request, even to an endpoint that is off, and says how it went', async () => {
    const { endpoint: made } = await endpoint(['message.agent']);
    await owner.admin(api(WEBHOOK_PATHS.endpoint, { endpointId: made.id }), { method: 'PATCH', json: { enabled: false } });
    receiver.answer(() => ({ status: 404, body: 'no such hook' }));
    const test = await owner.admin(api(WEBHOOK_PATHS.test, { endpointId: made.id }), { method: 'POST', json: {} });
    assert.equal(test.status, 200);
    assert.equal(test.body.delivery.type, 'webhook.test');
    await pass();
    const [received] = await receiver.waitFor(1);
    assert.equal(received!.body.type, 'webhook.test');
    await pass(HOUR);
    assert.equal(receiver.received.length, 1, 'a test is tried once');
    const detail = await owner.admin(api(WEBHOOK_PATHS.delivery, { endpointId: made.id, deliveryId: test.body.delivery.id }));
    assert.deepEqual([detail.body.delivery.status, detail.body.delivery.last.statusCode, detail.body.delivery.last.responseSnippet], ['dead', 404, 'no such hook']);
    const state = await endpointNow(made.id);
    assert.deepEqual([state.health, state.dead], ['healthy', 0], 'a failed test neither trips the breaker nor counts as dead-lettered');
  });
});
