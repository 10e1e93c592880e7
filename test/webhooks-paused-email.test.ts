/**
 * The owners are told when the circuit breaker pauses a webhook endpoint (issue 15): a real server
 * on a manual clock, a real webhook receiver that keeps failing and real SMTP on loopback. Each
 * owner who can sign in gets exactly one email per pause — saying which endpoint, why, after how
 * many failures, and how to resume it, with the link to the site's Settings → Webhooks — however
 * long it stays paused and however many probes fail; resumed and paused again, a second one. With
 * TEST_DATABASE_URL, the same with three processes on one PostgreSQL database, all of them running
 * their webhook and email rounds at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_PATHS, path, type WebhookEndpoint } from '../protocol/protocol.ts';
import type { App } from '../server/app.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { BREAKER } from '../server/store/webhook-rows.ts';
import type { Store } from '../server/store/store.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startPgApps } from './support/pg-apps.ts';
import { startSmtpSink, type ReceivedEmail, type SmtpSink } from './support/smtp-sink.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const MINUTE = 60_000;
const paused = (email: ReceivedEmail) => /paused/i.test(email.mail.subject ?? '');

describe('owners emailed when a webhook endpoint is paused', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    sink = teardown.add(await startSmtpSink(), (s) => s.close());
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    server = teardown.add(await startServer({ clock, smtpUrl: sink.url, emailFrom: 'support@shop.test', webhooksAllowPrivate: true }), (s) => s.close());
    owner = await loginAgent(server, 'owner@test.local');
    await server.store.createUser({ email: 'sam@test.local', name: 'Sam Second', role: 'owner', passwordHash: 'x', siteIds: [] });
    const left = await server.store.createUser({ email: 'left@test.local', name: 'Lee Left', role: 'owner', passwordHash: 'x', siteIds: [] });
    await server.store.updateUser(left.id, { disabled: true });
  });
  after(() => teardown.run());

  const api = (template: string, params: Record<string, string> = {}) => path(template, { siteId: server.site.id, ...params }).replace(/^\/v1\/admin/, '');
  const endpointNow = async (id: string): Promise<WebhookEndpoint> =>
    (await owner.admin(api(WEBHOOK_PATHS.endpoints))).body.endpoints.find((e: WebhookEndpoint) => e.id === id);
  /** Time passes; both workers run a round, every webhook attempt answered and recorded, every due email sent. */
  async function pass(ms: number): Promise<void> {
    clock.advance(ms);
    await server.app.webhooks.tick();
    await server.app.webhooks.settled();
    await server.app.outboundEmail!.tick();
  }
  async function failUntilPaused(id: string): Promise<WebhookEndpoint> {
    await waitFor(async () => {
      await pass(MINUTE);
      return (await endpointNow(id)).health === 'paused';
    }, { message: () => 'the endpoint to be paused' });
    return endpointNow(id);
  }
  const to = (address: string) => sink.received.filter((email) => paused(email) && email.envelope.to.includes(address));

  it('emails each owner once per pause with what failed and how to resume, and again after a resume and a new pause', async () => {
    receiver.answer(() => ({ status: 502, body: 'Bad Gateway' }));
    const made = await owner.admin(api(WEBHOOK_PATHS.endpoints), { method: 'POST', json: { url: `${receiver.url}/parley-secret-part`, events: ['conversation.created'], description: 'CRM' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const endpointId: string = made.body.endpoint.id;
    const visitor = await newVisitor(server);
    // Conversations with nothing written: no agent alert emails in the way.
    for (let i = 0; i < 12; i++) await visitor.start();

    await failUntilPaused(endpointId);
    await sink.waitFor(2, { matching: paused });
    // Paused for a good while: probes fail, rounds of both workers go by, nobody is told again.
    for (let i = 0; i < 5; i++) await pass(10 * MINUTE);
    assert.equal((await endpointNow(endpointId)).health, 'paused');
    assert.equal(to('owner@test.local').length, 1, 'the owner, once');
    assert.equal(to('sam@test.local').length, 1, 'every owner, once');
    assert.equal(to('left@test.local').length, 0, 'not an owner who was disabled');
    assert.equal(sink.received.filter(paused).length, 2);

    const [email] = to('owner@test.local');
    const text = email!.mail.text ?? '';
    const host = new URL(receiver.url).host;
    assert.equal(email!.mail.subject, `Webhooks to ${host} are paused (${server.site.name})`);
    assert.equal(email!.mail.from?.value[0]?.address, 'support@shop.test');
    assert.equal(email!.mail.from?.value[0]?.name, `${server.site.name} (Parley)`, 'from Parley on the site\'s behalf, not from a visitor');
    assert.match(text, new RegExp(`stopped sending events to http://${host}/hooks/… \\(CRM\\) after ${BREAKER.pauseAfter} failed attempts in a row`));
    assert.match(text, /The last attempt: Answered 502 Bad Gateway\./);
    assert.match(text, /resumes sending by itself/);
    assert.match(text, /Resume the endpoint now: Settings → Webhooks, “Resume now”/);
    assert.ok(text.includes(`Open Settings → Webhooks: ${server.url}/app/settings/webhooks?site=${server.site.id}`), text);
    assert.ok(!email!.raw.includes('parley-secret-part'), 'the URL\'s path, often its credential, stays out of the email');
    assert.ok(email!.mail.html && String(email!.mail.html).includes('Answered 502 Bad Gateway.'));

    const resumed = await owner.admin(api(WEBHOOK_PATHS.resume, { endpointId }), { method: 'POST', json: {} });
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.equal(resumed.body.endpoint.health, 'healthy');
    await failUntilPaused(endpointId);
    await sink.waitFor(4, { matching: paused });
    await pass(10 * MINUTE);
    assert.equal(to('owner@test.local').length, 2, 'paused again: told again');
    assert.equal(to('sam@test.local').length, 2);
    const ids = to('owner@test.local').map((e) => e.mail.messageId);
    assert.notEqual(ids[0], ids[1], 'a new email, not the first sent again');
  });
});

const url = process.env.TEST_DATABASE_URL;
if (url) clusterTests(url);

function clusterTests(url: string): void {
  describe('owners emailed when a webhook endpoint is paused, three processes on one PostgreSQL database', () => {
    const teardown = new Teardown();
    const clock = createManualClock();
    let sink: SmtpSink;
    let receiver: WebhookReceiver;
    let stores: Store[];
    let apps: App[];

    before(async () => {
      sink = teardown.add(await startSmtpSink(), (s) => s.close());
      receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
      ({ stores, apps } = await startPgApps(teardown, url, { clock, config: { webhooksAllowPrivate: true, smtpUrl: sink.url, emailFrom: 'support@shop.test' } }));
    });
    after(() => teardown.run());

    /** Every process runs its webhook round and then its email round, all at the same moment. */
    async function everyone(ms: number): Promise<void> {
      clock.advance(ms);
      await Promise.all(apps.map((app) => app.webhooks.tick()));
      await Promise.all(apps.map((app) => app.webhooks.settled()));
      await Promise.all(apps.map((app) => app.outboundEmail!.tick()));
    }

    it('emails each owner exactly once per pause, whichever process records the attempt that pauses it', async () => {
      const store = stores[0]!;
      const site = await store.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 'secret' });
      await store.createUser({ email: 'olivia@shop.test', name: 'Olivia', role: 'owner', passwordHash: 'x', siteIds: [] });
      await store.createUser({ email: 'sam@shop.test', name: 'Sam', role: 'owner', passwordHash: 'x', siteIds: [] });
      const endpoint = await store.createWebhookEndpoint({ siteId: site.id, url: receiver.url, description: '', events: ['conversation.created'], enabled: true, secret: 'whsec_cluster' });
      receiver.answer(() => ({ status: 503, body: 'Service Unavailable' }));
      for (let i = 0; i < 24; i++) {
        const writer = stores[i % 3]!;
        const visitor = await writer.createVisitor({ siteId: site.id, tokenHash: `hash-${i}`, context: {} });
        await writer.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c' });
      }
      const tell = async () => {
        await waitFor(async () => {
          await everyone(MINUTE);
          return (await store.getWebhookEndpoint(site.id, endpoint.id))!.health === 'paused';
        }, { message: () => 'the endpoint to be paused' });
        for (let i = 0; i < 3; i++) await everyone(10 * MINUTE);
      };
      await tell();
      const told = () => sink.received.filter(paused).map((e) => e.envelope.to.join()).sort();
      assert.deepEqual(told(), ['olivia@shop.test', 'sam@shop.test'], 'each owner once, though three processes sent and recorded attempts');

      await stores[1]!.resumeWebhookEndpoint(site.id, endpoint.id, clock.now());
      await tell();
      assert.deepEqual(told(), ['olivia@shop.test', 'olivia@shop.test', 'sam@shop.test', 'sam@shop.test'], 'and once more for the second pause');
    });
  });
}
