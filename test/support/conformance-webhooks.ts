/**
 * Webhooks (issue 15), for every engine: endpoints per site; the fan-out turning logged events
 * into deliveries once each (whatever the log says happened: a claim, a transfer, a resolve, a
 * visitor reopening, a visitor identified), never events from before an endpoint, never internal
 * notes; the queue — one holder per delivery, a lease that runs out, order per conversation, a
 * bound per endpoint, disabled endpoints held back, a deadline that dead-letters; attempts and the
 * circuit breaker, and the owners' emails when it pauses an endpoint (once per owner and pause);
 * replays with the same ids; the log's pages; erasure and pruning.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WebhookBody, WebhookEventType } from '../../protocol/protocol.ts';
import { BREAKER, type BreakerPolicy } from '../../server/store/webhook-rows.ts';
import { RefusedError, type Store, type WebhookAttemptInput, type WebhookClaim } from '../../server/store/store.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

const DAY = 24 * 3600_000;
const ALL: WebhookEventType[] = ['conversation.created', 'conversation.assigned', 'conversation.resolved', 'conversation.reopened',
  'message.visitor', 'message.agent', 'visitor.identified', 'rating.submitted'];

export function webhookConformance(name: string, open: OpenStore): void {
  const T = 1_800_000_000_000;
  async function seeded(events: WebhookEventType[] = ALL) {
    const seed = await seedStore(open);
    const endpoint = await seed.store.createWebhookEndpoint({ siteId: seed.site.id, url: 'https://hooks.example.com/parley', description: 'CRM', events, enabled: true, secret: 'whsec_one' });
    const say = (body: string, author: 'visitor' | 'agent' = 'visitor', internal = false, conversationId = seed.conversation.id) =>
      seed.store.appendMessage({ conversationId, clientId: `${author}-${body}`, author, agentId: author === 'agent' ? seed.alice.id : null, body, internal });
    const fanOut = (now = T) => seed.store.fanOutWebhooks({ now, limit: 100, retryForMs: DAY });
    const claim = (now = T, owner = 'node-a', extra: { limit?: number; perEndpoint?: number; leaseMs?: number } = {}) =>
      seed.store.claimWebhookDeliveries({ now, owner, leaseMs: extra.leaseMs ?? 60_000, limit: extra.limit ?? 50, perEndpoint: extra.perEndpoint ?? 4 });
    const attempt = (claimed: WebhookClaim, input: Partial<WebhookAttemptInput> & { at: number }, owner = 'node-a', breaker: BreakerPolicy = BREAKER) =>
      seed.store.recordWebhookAttempt({
        deliveryId: claimed.id, owner, ok: true, statusCode: 200, latencyMs: 12, error: null, responseSnippet: 'ok', interrupted: false, retryAt: null, probe: claimed.probe, breaker, ...input,
      });
    const bodies = async (endpointId = endpoint.id) =>
      (await seed.store.listWebhookDeliveries(endpointId, { filter: 'all', cursor: null, limit: 100 })).deliveries.reverse();
    const types = async (endpointId = endpoint.id) => (await bodies(endpointId)).map((d) => d.type);
    return { ...seed, endpoint, say, fanOut, claim, attempt, bodies, types };
  }

  describe(`${name} store: webhooks`, () => {
    it('keeps endpoints per site with their secret, health and counts, refuses one too many, and deletes one with its deliveries', async () => {
      const { store, site, other, endpoint, say, fanOut } = await seeded();
      assert.deepEqual({ ...endpoint, id: '', createdAt: 0 }, {
        id: '', siteId: site.id, url: 'https://hooks.example.com/parley', description: 'CRM', events: ALL, enabled: true, health: 'healthy',
        consecutiveFailures: 0, pausedAt: null, probeAt: null, lastSuccessAt: null, lastFailureAt: null, lastError: null, pending: 0, dead: 0, createdAt: 0,
      });
      assert.equal(await store.webhookSecret(endpoint.id), 'whsec_one');
      assert.deepEqual(await store.webhookSiteIds(), [site.id]);
      assert.deepEqual(await store.listWebhookEndpoints(other.id), []);
      assert.equal(await store.getWebhookEndpoint(other.id, endpoint.id), null, 'not another site\'s');
      const off = await store.createWebhookEndpoint({ siteId: other.id, url: 'https://b.example/h', description: '', events: ['message.visitor'], enabled: false, secret: 's' });
      assert.deepEqual((await store.webhookSiteIds()).sort(), [site.id, other.id].sort(), 'every site with an endpoint, on or off');
      const changed = await store.updateWebhookEndpoint(other.id, off.id, { enabled: true, events: ['message.agent', 'message.visitor'], secret: 'rotated', url: 'https://c.example/h' });
      assert.deepEqual([changed!.enabled, changed!.events, changed!.url], [true, ['message.visitor', 'message.agent'], 'https://c.example/h']);
      assert.equal(await store.webhookSecret(off.id), 'rotated');
      assert.equal(await store.updateWebhookEndpoint(site.id, off.id, { enabled: false }), null, 'only through its own site');

      for (let i = 1; i < 10; i++) await store.createWebhookEndpoint({ siteId: other.id, url: `https://b.example/${i}`, description: '', events: ALL, enabled: true, secret: 's' });
      await assert.rejects(store.createWebhookEndpoint({ siteId: other.id, url: 'https://b.example/11', description: '', events: ALL, enabled: true, secret: 's' }),
        (error: unknown) => error instanceof RefusedError && error.reason === 'limit');

      await say('Hello');
      await fanOut();
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.pending, 1);
      assert.equal(await store.deleteWebhookEndpoint(other.id, endpoint.id), false);
      assert.equal(await store.deleteWebhookEndpoint(site.id, endpoint.id), true);
      assert.deepEqual((await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: null, limit: 10 })).deliveries, []);
      await store.close();
    });

    it('queues each logged event once for the endpoints subscribed to it, from the endpoint\'s start, without internal notes or system messages', async () => {
      const { store, site, visitor, conversation, endpoint, say, fanOut, bodies, types } = await seeded();
      const agentsOnly = await store.createWebhookEndpoint({ siteId: site.id, url: 'https://two.example/h', description: '', events: ['message.agent'], enabled: true, secret: 's' });
      await say('Do you ship to Oslo?');
      await say('Checking with the warehouse', 'agent', true);
      await say('Yes, in 3 days.', 'agent');
      const first = await fanOut();
      assert.deepEqual([first.queued, first.more, first.busy], [3, false, false]);
      assert.equal((await fanOut(T + 1)).queued, 0, 'nothing twice');
      // The conversation was started before the endpoint existed: its conversation.created is not sent.
      assert.deepEqual(await types(), ['message.visitor', 'message.agent']);
      assert.deepEqual(await types(agentsOnly.id), ['message.agent']);

      const [question, answer] = await bodies();
      const detail = await store.getWebhookDelivery(endpoint.id, question!.id);
      const body = JSON.parse(detail!.body) as WebhookBody;
      assert.equal(body.deliveryId, question!.id);
      assert.equal(body.eventId, question!.eventId);
      assert.deepEqual([body.type, body.siteId], ['message.visitor', site.id]);
      assert.deepEqual(body.data, { message: (await store.listMessages(conversation.id, { limit: 10, includeInternal: false })).messages[0], visitorId: visitor.id });
      assert.deepEqual([question!.status, question!.attempts, question!.nextAttemptAt, question!.conversationId, question!.last], ['pending', 0, T, conversation.id, null]);
      const [other] = await bodies(agentsOnly.id);
      assert.equal(other!.eventId, answer!.eventId, 'one event id for every endpoint it goes to');
      assert.notEqual(other!.id, answer!.id, 'a delivery id of its own');
      await store.close();
    });

    it('reads what happened to a conversation from the log: created, assigned, resolved, reopened by an agent or by the visitor writing', async () => {
      const { store, site, visitor, alice, bob, types, fanOut, say } = await seeded();
      const { value: c } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      await say('Hi', 'visitor', false, c.id);
      await store.claim(c.id, alice);
      await store.transfer(c.id, alice, bob);
      await store.resolve(c.id, bob);
      await store.reopen(c.id, bob);
      await store.resolve(c.id, bob);
      await say('One more question', 'visitor', false, c.id);
      await store.markRead(c.id, 'agent', 3);
      await fanOut();
      assert.deepEqual(await types(), [
        'conversation.created', 'message.visitor', 'conversation.assigned', 'conversation.assigned', 'conversation.resolved',
        'conversation.reopened', 'conversation.resolved', 'message.visitor', 'conversation.reopened',
      ]);
      await store.close();
    });

    it('sends visitor.identified when a name, email or verified id is given or changed, not for a page change', async () => {
      const { store, visitor, types, fanOut } = await seeded(['visitor.identified']);
      await store.touchVisitor(visitor.id, { context: { url: 'https://shop.test/cart' }, at: T, newVisitAfterMs: 1000 });
      await store.updateVisitor(visitor.id, { email: 'vera@example.com' });
      await store.updateVisitor(visitor.id, { attributes: { plan: 'pro' } });
      await store.updateVisitor(visitor.id, { name: 'Vera', externalId: 'u-42', verified: true });
      await fanOut();
      const deliveries = await types();
      assert.deepEqual(deliveries, ['visitor.identified', 'visitor.identified']);
      await store.close();
    });

    it('hands a delivery to one claimer, takes it again when its lease runs out, and keeps each conversation\'s deliveries in order', async () => {
      const { store, site, visitor, say, fanOut, claim, attempt } = await seeded(['message.visitor']);
      const { value: other } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-2' });
      await say('first');
      await say('second');
      await say('elsewhere', 'visitor', false, other.id);
      await fanOut();
      const [a, b] = await Promise.all([claim(T, 'node-a'), claim(T, 'node-b')]);
      const held = [...a, ...b];
      assert.equal(held.length, 2, 'the first of each conversation only');
      assert.equal(new Set(held.map((d) => d.id)).size, 2, 'never one delivery to two claimers');
      assert.deepEqual(held.map((d) => JSON.parse(d.body).data.message.body).sort(), ['elsewhere', 'first']);
      const first = held.find((d) => JSON.parse(d.body).data.message.body === 'first')!;
      assert.deepEqual([first.url, first.secret, first.attempts, first.probe, first.siteId], ['https://hooks.example.com/parley', 'whsec_one', 1, false, site.id]);
      assert.deepEqual(await claim(T + 59_000), [], 'held while the lease lasts; the second waits for the first');

      const again = await claim(T + 61_000, 'node-c');
      assert.deepEqual(again.map((d) => d.id).sort(), held.map((d) => d.id).sort(), 'a lease that ran out is claimed again');
      assert.equal(again[0]!.attempts, 2);
      const late = await attempt(first, { at: T + 62_000 }, a.includes(first) ? 'node-a' : 'node-b');
      assert.equal(late.status, null, 'the old holder\'s result does not change what the new holder does');
      const mine = again.find((d) => d.id === first.id)!;
      assert.equal((await attempt(mine, { at: T + 62_000 }, 'node-c')).status, 'delivered');
      const next = await claim(T + 62_000, 'node-c');
      assert.deepEqual(next.map((d) => JSON.parse(d.body).data.message.body), ['second'], 'the next of the conversation, once the first is delivered');
      const detail = await store.getWebhookDelivery(first.endpointId, first.id);
      assert.equal(detail!.attempts.length, 2, 'both attempts are in the log');
      await store.close();
    });

    it('keeps at most perEndpoint deliveries of an endpoint on their way, and holds a disabled endpoint\'s back but for a test', async () => {
      const { store, site, visitor, endpoint, fanOut, claim } = await seeded(['conversation.created']);
      for (let i = 0; i < 5; i++) await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c${i}` });
      await fanOut();
      assert.equal((await claim(T, 'node-a', { perEndpoint: 2 })).length, 2);
      assert.equal((await claim(T, 'node-b', { perEndpoint: 2 })).length, 0, 'counted across claimers');
      await store.updateWebhookEndpoint(site.id, endpoint.id, { enabled: false });
      const test = await store.queueTestDelivery(site.id, endpoint.id, T);
      assert.deepEqual([test!.type, test!.status], ['webhook.test', 'pending']);
      assert.deepEqual((await claim(T + 120_000, 'node-a', { perEndpoint: 2 })).map((d) => d.type), ['webhook.test']);
      assert.equal(await store.queueTestDelivery(site.id, 'whe_missing', T), null);
      await store.close();
    });

    it('retries a failure at its time, dead-letters it without one, and dead-letters what passes its deadline unsent', async () => {
      const { store, site, endpoint, say, fanOut, claim, attempt } = await seeded(['message.visitor']);
      await say('one');
      await fanOut();
      const [first] = await claim();
      const failed = await attempt(first!, { at: T + 10, ok: false, statusCode: 500, error: 'Answered 500.', responseSnippet: 'oops', retryAt: T + 30_000 });
      assert.deepEqual(failed, { status: 'pending', paused: false });
      let seen = await store.getWebhookEndpoint(site.id, endpoint.id);
      assert.deepEqual([seen!.health, seen!.consecutiveFailures, seen!.lastError, seen!.lastFailureAt], ['failing', 1, 'Answered 500.', T + 10]);
      assert.deepEqual(await claim(T + 29_000), []);
      const [retry] = await claim(T + 30_000);
      assert.equal(retry!.attempts, 2);
      assert.deepEqual(await attempt(retry!, { at: T + 30_100, ok: false, statusCode: null, error: 'No answer within 10 s.', retryAt: null }), { status: 'dead', paused: false });
      const [dead] = (await store.listWebhookDeliveries(endpoint.id, { filter: 'dead', cursor: null, limit: 10 })).deliveries;
      assert.deepEqual([dead!.status, dead!.finishedAt, dead!.last!.error, dead!.last!.statusCode], ['dead', T + 30_100, 'No answer within 10 s.', null]);

      await say('two');
      await fanOut(T + 40_000);
      await store.updateWebhookEndpoint(site.id, endpoint.id, { enabled: false });
      assert.deepEqual(await claim(T + 40_000 + DAY), [], 'held back while disabled');
      await claim(T + 40_001 + DAY);
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.dead, 2, 'past its deadline: dead-lettered');
      seen = await store.getWebhookEndpoint(site.id, endpoint.id);
      assert.equal(seen!.pending, 0);
      await store.close();
    });

    it('pauses an endpoint that keeps failing, tries one probe at a time when due, and closes again on a success', async () => {
      const { store, site, visitor, endpoint, fanOut, claim, attempt } = await seeded(['conversation.created']);
      const policy: BreakerPolicy = { pauseAfter: 3, firstCooldownMs: 60_000, maxCooldownMs: 600_000 };
      for (let i = 0; i < 5; i++) await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c${i}` });
      await fanOut();
      const held = await claim(T, 'node-a', { perEndpoint: 5 });
      const fail = (d: WebhookClaim, at: number) => attempt(d, { at, ok: false, statusCode: 503, error: 'Answered 503.', retryAt: at + 1000 }, 'node-a', policy);
      assert.equal((await fail(held[0]!, T + 1)).paused, false);
      assert.equal((await fail(held[1]!, T + 2)).paused, false);
      assert.equal((await fail(held[2]!, T + 3)).paused, true, 'the third failure in a row pauses it');
      assert.equal((await fail(held[3]!, T + 4)).paused, false, 'told once');
      let seen = await store.getWebhookEndpoint(site.id, endpoint.id);
      assert.deepEqual([seen!.health, seen!.pausedAt, seen!.probeAt], ['paused', T + 3, T + 3 + 60_000]);
      assert.deepEqual(await claim(T + 30_000, 'node-a', { perEndpoint: 5 }), [], 'nothing while paused');
      const probe = await claim(T + 60_003, 'node-a', { perEndpoint: 5 });
      assert.equal(probe.length, 1, 'one probe when due');
      assert.equal(probe[0]!.probe, true);
      assert.deepEqual(await claim(T + 60_004, 'node-b', { perEndpoint: 5 }), [], 'no second probe while the first is on its way');
      await fail(probe[0]!, T + 60_010);
      seen = await store.getWebhookEndpoint(site.id, endpoint.id);
      assert.equal(seen!.probeAt, T + 60_010 + 120_000, 'a failed probe waits twice as long');
      const [second] = await claim(T + 180_010, 'node-a', { perEndpoint: 5 });
      await attempt(second!, { at: T + 180_020 }, 'node-a', policy);
      seen = await store.getWebhookEndpoint(site.id, endpoint.id);
      assert.deepEqual([seen!.health, seen!.consecutiveFailures, seen!.pausedAt, seen!.lastSuccessAt, seen!.lastError], ['healthy', 0, null, T + 180_020, null]);
      assert.equal((await claim(T + 181_010, 'node-a', { perEndpoint: 5 })).length, 4, 'everything flows again');
      await store.close();
    });

    it('resumes a paused endpoint at the owner\'s word, making what waits due now', async () => {
      const { store, site, say, endpoint, fanOut, claim, attempt } = await seeded(['message.visitor']);
      const policy: BreakerPolicy = { pauseAfter: 1, firstCooldownMs: 3600_000, maxCooldownMs: 3600_000 };
      await say('one');
      await fanOut();
      const [d] = await claim();
      assert.equal((await attempt(d!, { at: T + 5, ok: false, statusCode: 500, error: 'Answered 500.', retryAt: T + 600_000 }, 'node-a', policy)).paused, true);
      assert.deepEqual(await claim(T + 10), []);
      const resumed = await store.resumeWebhookEndpoint(site.id, endpoint.id, T + 10);
      assert.deepEqual([resumed!.health, resumed!.consecutiveFailures, resumed!.pausedAt], ['healthy', 0, null]);
      assert.equal((await claim(T + 10)).length, 1, 'tried at once, not at its retry time');
      assert.equal(await store.resumeWebhookEndpoint(site.id, 'whe_missing', T), null);
      await store.close();
    });

    it('queues one email to each owner who can sign in when an attempt pauses the endpoint, however many are recorded at once, and again after a resume', async () => {
      const { store, site, visitor, endpoint, fanOut, claim, attempt } = await seeded(['conversation.created']);
      const olivia = await store.createUser({ email: 'Olivia@Shop.test', name: 'Olivia', role: 'owner', passwordHash: 'x', siteIds: [] });
      const oscar = await store.createUser({ email: 'oscar@shop.test', name: 'Oscar', role: 'owner', passwordHash: 'x', siteIds: [] });
      const gone = await store.createUser({ email: 'gone@shop.test', name: 'Gone', role: 'owner', passwordHash: 'x', siteIds: [] });
      await store.updateUser(gone.id, { disabled: true });
      const policy: BreakerPolicy = { pauseAfter: 3, firstCooldownMs: 60_000, maxCooldownMs: 600_000 };
      const tellOwners = { messageIdDomain: 'parley.test' };
      for (let i = 0; i < 6; i++) await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c${i}` });
      await fanOut();
      const failAll = async (at: number, tell: typeof tellOwners | null) => {
        const held = await claim(at, 'node-a', { perEndpoint: 6 });
        assert.equal(held.length, 6);
        // All at once, as six processes would: the endpoint's lock decides which one pauses it.
        const results = await Promise.all(held.map((d) =>
          attempt(d, { at, ok: false, statusCode: 502, error: 'Answered 502 Bad Gateway.', retryAt: at + 10_000, tellOwners: tell }, 'node-a', policy)));
        assert.equal(results.filter((r) => r.paused).length, 1, 'one attempt pauses it');
      };
      const claimMail = (now: number) => store.claimEmails({ now, owner: 'mailer', leaseMs: 60_000, limit: 20 });
      const told = (emails: Awaited<ReturnType<typeof claimMail>>) =>
        emails.map((e) => [e.kind, e.to, e.userId, e.siteId, e.conversationId, e.messageIds, e.webhookPause]).sort((a, b) => String(a[2]).localeCompare(String(b[2])));
      const pause = (pausedAt: number) => ({ endpointId: endpoint.id, pausedAt, failures: 3, statusCode: 502, error: 'Answered 502 Bad Gateway.' });
      const expected = (pausedAt: number) => [
        ['webhook-paused', 'olivia@shop.test', olivia.id, site.id, null, [], pause(pausedAt)],
        ['webhook-paused', 'oscar@shop.test', oscar.id, site.id, null, [], pause(pausedAt)],
      ].sort((a, b) => String(a[2]).localeCompare(String(b[2])));

      await failAll(T + 10, tellOwners);
      const first = await claimMail(T + 10);
      assert.deepEqual(told(first), expected(T + 10), 'each enabled owner once, about this pause');
      assert.ok(first.every((e) => /^[A-Za-z0-9_-]+@parley\.test$/.test(e.messageId)));
      for (const email of first) await store.emailSent(email.id, T + 11);
      assert.deepEqual(await claimMail(T + 3_600_000), [], 'sent for good');

      await store.resumeWebhookEndpoint(site.id, endpoint.id, T + 20);
      await failAll(T + 30, tellOwners);
      assert.deepEqual(told(await claimMail(T + 30)), expected(T + 30), 'paused again after a resume: told again');

      await store.resumeWebhookEndpoint(site.id, endpoint.id, T + 40);
      await failAll(T + 50, null);
      assert.deepEqual(await claimMail(T + 50), [], 'no email asked for (no outbound email): none queued');
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.health, 'paused', 'paused all the same');
      await store.close();
    });

    it('replays one delivery or every dead-lettered one with the same ids, retried for another day', async () => {
      const { store, site, endpoint, say, fanOut, claim, attempt, bodies } = await seeded(['message.visitor']);
      await say('one');
      await say('two');
      await say('three');
      await fanOut();
      const [one] = await claim();
      await attempt(one!, { at: T + 1 });
      const [two] = await claim(T + 2);
      await attempt(two!, { at: T + 3, ok: false, statusCode: 400, error: 'Answered 400.', retryAt: null });
      const [three] = await claim(T + 4);
      await attempt(three!, { at: T + 5, ok: false, statusCode: 400, error: 'Answered 400.', retryAt: null });
      const test = await store.queueTestDelivery(site.id, endpoint.id, T + 6);
      const [claimedTest] = await claim(T + 6);
      await attempt(claimedTest!, { at: T + 7, ok: false, statusCode: 404, error: 'Answered 404.', retryAt: null });
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.dead, 2, 'a failed test is not counted as dead-lettered');

      const replayed = await store.replayWebhookDelivery(endpoint.id, one!.id, { now: T + 100, retryForMs: DAY });
      assert.deepEqual([replayed!.id, replayed!.eventId, replayed!.status, replayed!.attempts, replayed!.nextAttemptAt], [one!.id, one!.eventId, 'pending', 0, T + 100]);
      assert.equal(await store.replayWebhookDelivery(endpoint.id, 'whd_missing', { now: T, retryForMs: DAY }), null);
      assert.equal(await store.replayDeadWebhooks(endpoint.id, { now: T + 100, retryForMs: DAY }), 2);
      const sent: WebhookClaim[] = [];
      for (let at = T + 100, round = 0; round < 5; round++, at++) {
        const claimed = await claim(at);
        for (const d of claimed) await attempt(d, { at });
        sent.push(...claimed);
      }
      assert.deepEqual(sent.map((d) => d.id), [one!.id, two!.id, three!.id], 'each once, in the conversation\'s order');
      assert.equal(sent[0]!.body, one!.body, 'the same bytes');
      assert.deepEqual((await bodies()).filter((d) => d.type !== 'webhook.test').map((d) => d.status), ['delivered', 'delivered', 'delivered']);
      assert.equal((await store.getWebhookDelivery(endpoint.id, one!.id))!.attempts.length, 2, 'the log keeps every attempt, before and after the replay');
      assert.equal((await store.getWebhookDelivery(endpoint.id, test!.id))!.delivery.status, 'dead', 'tests are not replayed with the dead-lettered');
      await store.close();
    });

    it('pages the delivery log newest first with a filter, and forgets finished deliveries older than asked', async () => {
      const { store, site, visitor, endpoint, fanOut, claim, attempt } = await seeded(['conversation.created']);
      for (let i = 0; i < 5; i++) await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c${i}` });
      await fanOut();
      const page1 = await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: null, limit: 2 });
      const page2 = await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: page1.next, limit: 2 });
      const page3 = await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: page2.next, limit: 2 });
      assert.deepEqual([page1.deliveries.length, page2.deliveries.length, page3.deliveries.length, page3.next], [2, 2, 1, null]);
      const ids = [...page1.deliveries, ...page2.deliveries, ...page3.deliveries].map((d) => d.id);
      assert.equal(new Set(ids).size, 5);
      const bodies = [...page1.deliveries, ...page2.deliveries, ...page3.deliveries].map((d) => d.createdAt);
      assert.deepEqual(bodies, [...bodies].sort((a, b) => b - a));
      for (const d of await claim(T, 'node-a', { perEndpoint: 2 })) await attempt(d, { at: T + 10 });
      assert.equal((await store.listWebhookDeliveries(endpoint.id, { filter: 'delivered', cursor: null, limit: 10 })).deliveries.length, 2);
      assert.equal((await store.listWebhookDeliveries(endpoint.id, { filter: 'pending', cursor: null, limit: 10 })).deliveries.length, 3);
      const [delivered] = (await store.listWebhookDeliveries(endpoint.id, { filter: 'delivered', cursor: null, limit: 10 })).deliveries;
      assert.deepEqual(delivered!.last, { at: T + 10, ok: true, statusCode: 200, latencyMs: 12, error: null, responseSnippet: 'ok' });
      assert.equal(await store.pruneWebhookDeliveries(T + 10), 0);
      assert.equal(await store.pruneWebhookDeliveries(T + 11), 2);
      assert.equal((await store.listWebhookDeliveries(endpoint.id, { filter: 'all', cursor: null, limit: 10 })).deliveries.length, 3, 'what is still to be sent stays');
      await store.close();
    });

    it('erases a visitor\'s deliveries with the visitor, and fans out from several callers at once without doubling one', async () => {
      const { store, site, visitor, endpoint, say, fanOut } = await seeded(['message.visitor', 'visitor.identified']);
      await say('mine');
      await store.updateVisitor(visitor.id, { email: 'vera@example.com' });
      await Promise.all([fanOut(), fanOut(), fanOut()]);
      await fanOut();
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.pending, 2, 'once each');
      await store.deleteVisitor(visitor.id);
      assert.equal((await store.getWebhookEndpoint(site.id, endpoint.id))!.pending, 0, 'gone with the visitor and their conversations');
      await store.close();
    });
  });
}
