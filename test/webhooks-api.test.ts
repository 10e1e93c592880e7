/**
 * Webhooks' owner API and its outbound safety (issue 15): SSRF targets refused when an endpoint is
 * saved and again when a delivery is sent (names resolving to loopback, 169.254.169.254, [::1],
 * ::ffff:127.0.0.1, private ranges; redirects never followed, not even to allowed addresses; one
 * DNS answer, checked and connected to); the switch that allows private targets and what it still
 * refuses; bad input, other people's endpoints and agents get the catalogue's errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_PATHS, path } from '../protocol/protocol.ts';
import { postJson } from '../server/webhooks/safe-request.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const api = (server: TestServer, template: string, params: Record<string, string> = {}) =>
  path(template, { siteId: server.site.id, ...params }).replace(/^\/v1\/admin/, '');

describe('webhook targets', () => {
  const teardown = new Teardown();
  const clock = createManualClock();
  let strict: TestServer;
  let open: TestServer;
  let receiver: WebhookReceiver;
  let elsewhere: WebhookReceiver;
  let strictOwner: Agent;
  let openOwner: Agent;

  before(async () => {
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    elsewhere = teardown.add(await startWebhookReceiver(), (r) => r.close());
    strict = teardown.add(await startServer({ clock, inject: true }), (s) => s.close());
    open = teardown.add(await startServer({ clock, inject: true, webhooksAllowPrivate: true }), (s) => s.close());
    strictOwner = await loginAgent(strict, 'owner@test.local');
    openOwner = await loginAgent(open, 'owner@test.local');
  });
  after(() => teardown.run());

  const create = (owner: Agent, server: TestServer, url: string) =>
    owner.admin(api(server, WEBHOOK_PATHS.endpoints), { method: 'POST', json: { url, events: ['message.visitor'] } });
  async function pass(server: TestServer): Promise<void> {
    await server.app.webhooks.tick();
    await server.app.webhooks.settled();
  }

  it('refuses to save an endpoint on loopback, private or link-local addresses, or on a name that resolves to one', async () => {
    const port = new URL(receiver.url).port;
    const refused: Array<[string, RegExp]> = [
      [`http://localhost:${port}/hooks`, /^localhost resolves to (127\.0\.0\.1|::1): that is a loopback address.*WEBHOOKS_ALLOW_PRIVATE=true/],
      [`http://127.0.0.1:${port}/hooks`, /^127\.0\.0\.1 is a loopback address/],
      [`http://2130706433:${port}/hooks`, /^127\.0\.0\.1 is a loopback address/],
      [`http://[::1]:${port}/hooks`, /^::1 is a loopback address/],
      [`http://[::ffff:127.0.0.1]:${port}/hooks`, /^::ffff:7f00:1 is a loopback address/],
      ['http://169.254.169.254/latest/meta-data/', /^169\.254\.169\.254 is a link-local address \(such as a cloud metadata service\)/],
      ['https://10.1.2.3/hooks', /private network/],
      ['https://[fd00::1]/hooks', /private network/],
      ['http://0.0.0.0/', /unspecified/],
      ['ftp://example.com/hooks', /https:\/\/ or http:\/\//],
      ['https://user:secret@example.com/hooks', /Leave user:password out/],
      ['example.com/hooks', /not a URL/],
    ];
    for (const [url, message] of refused) {
      const answer = await create(strictOwner, strict, url);
      assert.equal(answer.status, 400, url);
      assert.equal(answer.body.error.code, 'PARLEY_ERR_WEBHOOK_URL_REFUSED', url);
      assert.match(answer.body.error.message, message, url);
    }
    assert.equal((await strictOwner.admin(api(strict, WEBHOOK_PATHS.endpoints))).body.endpoints.length, 0);
    assert.equal(receiver.received.length, 0, 'nothing was connected to');
  });

  it('refuses again when sending: an endpoint whose address is refused now is never connected to', async () => {
    // Saved while it resolved elsewhere (or before the switch was turned off): the send checks again.
    const saved = await create(strictOwner, strict, 'https://hooks.example.com/parley');
    assert.equal(saved.status, 200, 'a public name that does not resolve here is accepted; the log will say');
    const id = saved.body.endpoint.id;
    const port = new URL(receiver.url).port;
    for (const url of [receiver.url, `http://localhost:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`]) {
      await strict.store.updateWebhookEndpoint(strict.site.id, id, { url });
      const visitor = await newVisitor(strict);
      const conversation = await visitor.start();
      await visitor.send(conversation.id, `to ${url}`);
      await pass(strict);
    }
    assert.equal(receiver.received.length, 0, 'never connected');
    const log = await strictOwner.admin(api(strict, WEBHOOK_PATHS.deliveries, { endpointId: id }));
    const errors = log.body.deliveries.map((d: { last: { error: string; statusCode: number | null } }) => [d.last.statusCode, d.last.error]);
    assert.equal(errors.length, 3);
    assert.match(errors[2][1], /^127\.0\.0\.1 is a loopback address/);
    assert.match(errors[1][1], /^localhost resolves to (127\.0\.0\.1|::1): that is a loopback address/);
    assert.match(errors[0][1], /^::ffff:7f00:1 is a loopback address/);
    assert.ok(errors.every(([status]: [number | null]) => status === null));
  });

  it('with private targets allowed, sends to loopback but still never to link-local, multicast or unspecified addresses', async () => {
    assert.equal((await create(openOwner, open, receiver.url)).status, 200);
    assert.equal((await create(openOwner, open, `http://[::1]:${new URL(receiver.url).port}/hooks`)).status, 200);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://224.0.0.1/', 'http://0.0.0.0:80/']) {
      const answer = await create(openOwner, open, url);
      assert.equal(answer.body.error?.code, 'PARLEY_ERR_WEBHOOK_URL_REFUSED', url);
      assert.doesNotMatch(answer.body.error.message, /WEBHOOKS_ALLOW_PRIVATE/, 'and the switch is not offered for them');
    }
    const list = await openOwner.admin(api(open, WEBHOOK_PATHS.endpoints));
    assert.equal(list.body.allowPrivate, true);
    for (const endpoint of list.body.endpoints) {
      await openOwner.admin(api(open, WEBHOOK_PATHS.endpoint, { endpointId: endpoint.id }), { method: 'DELETE' });
    }
  });

  it('follows no redirect, whether it points at an allowed address or at the metadata service', async () => {
    const made = await create(openOwner, open, receiver.url);
    receiver.received.length = 0;
    let n = 0;
    receiver.answer(() => ({ status: 302, headers: { location: n++ === 0 ? elsewhere.url : 'http://169.254.169.254/latest/meta-data/' } }));
    const visitor = await newVisitor(open);
    for (const text of ['first', 'second']) {
      const conversation = await visitor.start();
      await visitor.send(conversation.id, text);
    }
    await pass(open);
    assert.equal(receiver.received.length, 2);
    assert.equal(elsewhere.received.length, 0, 'the redirect target got nothing');
    const log = await openOwner.admin(api(open, WEBHOOK_PATHS.deliveries, { endpointId: made.body.endpoint.id }));
    for (const delivery of log.body.deliveries) {
      assert.equal(delivery.status, 'pending', 'retried later, like any failure');
      assert.equal(delivery.last.statusCode, 302);
      assert.match(delivery.last.error, /^Answered 302, a redirect to http:\/\/(127\.0\.0\.1|169\.254\.169\.254)\S*: redirects are not followed, so give the final URL\.$/);
    }
    await openOwner.admin(api(open, WEBHOOK_PATHS.endpoint, { endpointId: made.body.endpoint.id }), { method: 'DELETE' });
    receiver.answer(() => ({ status: 200, body: 'ok' }));
  });

  it('resolves a name once per attempt and connects to the address it checked, so a second DNS answer changes nothing', async () => {
    const port = new URL(receiver.url).port;
    receiver.received.length = 0;
    const headers = { 'content-type': 'application/json' };
    // A name that answers loopback: refused without the switch, and nothing connects.
    let asked = 0;
    const toLoopback = async () => { asked++; return [{ address: '127.0.0.1', family: 4 }]; };
    const refused = await postJson(`http://rebind.test:${port}/hooks`, '{}', headers, { allowPrivate: false, timeoutMs: 5000, resolve: toLoopback });
    assert.deepEqual([refused.ok, refused.statusCode], [false, null]);
    assert.equal(refused.error, 'rebind.test resolves to 127.0.0.1: that is a loopback address (this machine), which webhooks are not sent to. Set WEBHOOKS_ALLOW_PRIVATE=true on the server to allow it.');
    // A mixed answer (a public address beside a private one) is refused as a whole.
    const mixed = await postJson(`http://rebind.test:${port}/hooks`, '{}', headers, {
      allowPrivate: false, timeoutMs: 5000, resolve: async () => [{ address: '93.184.215.14', family: 4 }, { address: '169.254.169.254', family: 4 }],
    });
    assert.match(mixed.error!, /^rebind\.test resolves to 169\.254\.169\.254: that is a link-local address/);
    assert.equal(receiver.received.length, 0);
    // A rebinding name: its first answer is what is checked and connected to; any later answer is never asked for.
    asked = 0;
    const rebinding = async () => (asked++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '169.254.169.254', family: 4 }]);
    const sent = await postJson(`http://rebind.test:${port}/hooks`, '{"hello":1}', headers, { allowPrivate: true, timeoutMs: 5000, resolve: rebinding });
    assert.deepEqual([sent.ok, sent.statusCode, asked], [true, 200, 1]);
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]!.headers.host, `rebind.test:${port}`, 'the name stays the Host (and the TLS name)');
  });
});

describe('webhook API errors', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let owner: Agent;

  before(async () => {
    server = teardown.add(await startServer({ inject: true, webhooksAllowPrivate: true }), (s) => s.close());
    owner = await loginAgent(server, 'owner@test.local');
  });
  after(() => teardown.run());

  it('answers bad input, unknown endpoints, other sites and agents with the catalogue\'s errors, changing nothing', async () => {
    const endpoints = api(server, WEBHOOK_PATHS.endpoints);
    const bad = [
      { url: 'https://hooks.example.com/a', events: [] },
      { url: 'https://hooks.example.com/a', events: ['message.sent'] },
      { url: 'https://hooks.example.com/a', events: ['message.visitor', 'message.visitor'] },
      { url: `https://hooks.example.com/${'a'.repeat(2000)}`, events: ['message.visitor'] },
      { events: ['message.visitor'] },
      { url: 'https://hooks.example.com/a', events: ['message.visitor'], enabled: 'yes' },
    ];
    for (const json of bad) {
      const answer = await owner.admin(endpoints, { method: 'POST', json });
      assert.deepEqual([answer.status, answer.body.error.code], [400, 'PARLEY_ERR_BAD_REQUEST'], JSON.stringify(json).slice(0, 80));
    }
    const made = await owner.admin(endpoints, { method: 'POST', json: { url: 'https://hooks.example.com/a', events: ['message.visitor'], description: '  Zapier  ', secret: 'mine' } });
    assert.equal(made.body.endpoint.description, 'Zapier');
    assert.match(made.body.secret, /^whsec_/, 'the server makes the secret; one sent along is ignored');
    const id = made.body.endpoint.id;
    const patched = await owner.admin(api(server, WEBHOOK_PATHS.endpoint, { endpointId: id }), { method: 'PATCH', json: {} });
    assert.deepEqual([patched.status, patched.body.error.code], [400, 'PARLEY_ERR_BAD_REQUEST']);
    const refusedPatch = await owner.admin(api(server, WEBHOOK_PATHS.endpoint, { endpointId: id }), { method: 'PATCH', json: { url: 'http://169.254.169.254/' } });
    assert.equal(refusedPatch.body.error.code, 'PARLEY_ERR_WEBHOOK_URL_REFUSED');
    assert.equal(refusedPatch.body.error.details.address, '169.254.169.254');

    for (const [method, template] of [['PATCH', WEBHOOK_PATHS.endpoint], ['DELETE', WEBHOOK_PATHS.endpoint], ['POST', WEBHOOK_PATHS.test], ['POST', WEBHOOK_PATHS.rotateSecret],
      ['POST', WEBHOOK_PATHS.resume], ['GET', WEBHOOK_PATHS.deliveries], ['POST', WEBHOOK_PATHS.replayDead]] as const) {
      const unknown = await owner.admin(api(server, template, { endpointId: 'whe_nope' }), { method, ...(method === 'GET' || method === 'DELETE' ? {} : { json: method === 'PATCH' ? { enabled: false } : {} }) });
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'PARLEY_ERR_WEBHOOK_NOT_FOUND'], `${method} ${template}`);
    }
    const noSite = await owner.admin(path(WEBHOOK_PATHS.endpoints, { siteId: 's_nope' }).replace(/^\/v1\/admin/, ''));
    assert.deepEqual([noSite.status, noSite.body.error.code], [404, 'PARLEY_ERR_SITE_NOT_FOUND']);
    const badCursor = await owner.admin(`${api(server, WEBHOOK_PATHS.deliveries, { endpointId: id })}?cursor=abc`);
    assert.equal(badCursor.body.error.code, 'PARLEY_ERR_BAD_REQUEST');

    const alice = await loginAgent(server, 'alice@test.local');
    for (const [method, template] of [['GET', WEBHOOK_PATHS.endpoints], ['POST', WEBHOOK_PATHS.endpoints], ['GET', WEBHOOK_PATHS.deliveries]] as const) {
      const forbidden = await alice.admin(api(server, template, { endpointId: id }), { method, ...(method === 'POST' ? { json: { url: 'https://x.example/h', events: ['message.visitor'] } } : {}) });
      assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'PARLEY_ERR_FORBIDDEN'], `${method} ${template}`);
    }
    const noCsrf = await owner.admin(endpoints, { method: 'POST', json: { url: 'https://x.example/h', events: ['message.visitor'] }, headers: { 'x-parley-csrf': 'wrong' } });
    assert.equal(noCsrf.body.error.code, 'PARLEY_ERR_CSRF');

    for (let i = 1; i < 10; i++) assert.equal((await owner.admin(endpoints, { method: 'POST', json: { url: `https://hooks.example.com/${i}`, events: ['message.agent'] } })).status, 200);
    const tooMany = await owner.admin(endpoints, { method: 'POST', json: { url: 'https://hooks.example.com/11', events: ['message.agent'] } });
    assert.deepEqual([tooMany.status, tooMany.body.error.code], [409, 'PARLEY_ERR_LIMIT_REACHED']);
    assert.equal((await owner.admin(endpoints)).body.endpoints.length, 10);
  });
});
