/**
 * API tokens (issue 15) where time and other servers come in: a revoked token is refused at once by
 * another server of the same database and its streams there end (through the bus, as a logout's
 * do); a server's stream makes nobody look online to visitors; the last use is written at most once
 * a minute; and no token, nor its hash, ever reaches the log.
 */
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildApp, type App } from '../server/app.ts';
import { hashPassword, sha256 } from '../server/auth/secrets.ts';
import { defaultConfig } from '../server/config.ts';
import { loggerOptions } from '../server/logger.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { openSse } from './sse-client.ts';
import { createManualClock } from './support/manual-clock.ts';
import { recordStoreWrites } from './support/store-writes.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function createToken(owner: Agent, scope: 'read-only' | 'read-write' = 'read-write') {
  const made = await owner.admin('/api-tokens', { method: 'POST', json: { name: `Integration ${scope}`, scope, siteIds: null } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  return made.body as { token: { id: string }; secret: string };
}

describe('API tokens across servers and streams', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let owner: Agent;
  /** A second server on the same database and bus: another process of the same installation. */
  let second: App;
  let secondUrl: string;

  before(async () => {
    server = teardown.add(await startServer(), (s) => s.close());
    owner = await loginAgent(server, 'owner@test.local');
    const store = teardown.add(createSqliteStore({ path: join(server.dataDir, 'parley.db'), synchronous: 'NORMAL' }), (s) => s.close());
    await store.migrate();
    second = teardown.add(await buildApp({ config: server.config, store, bus: server.app.services.bus }), (app) => app.close());
    await second.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.server.address() as { port: number }).port}`;
  });
  after(() => teardown.run());

  it('refuses a token revoked on one server at once on the other, and ends its streams there but not its owner\'s session', async () => {
    const { token, secret } = await createToken(owner);
    assert.equal((await http(`${secondUrl}/v1/agent/me`, { headers: bearer(secret) })).status, 200);
    const tokenStream = await openSse(`${secondUrl}/v1/agent/stream`, bearer(secret));
    assert.equal(tokenStream.status, 200);
    const sessionStream = await openSse(`${secondUrl}/v1/agent/stream`, { cookie: owner.cookie });
    assert.equal(sessionStream.status, 200);

    assert.equal((await owner.admin(`/api-tokens/${token.id}`, { method: 'DELETE' })).status, 200);
    // No waiting: the very next request, on the other server, is refused.
    const refused = await http(`${secondUrl}/v1/agent/conversations`, { headers: bearer(secret) });
    assert.deepEqual([refused.status, refused.body.error.code], [401, 'PARLEY_ERR_TOKEN_REVOKED']);
    assert.match(refused.body.error.message, /revoked/);
    const goodbye = await tokenStream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'revoked');
    await tokenStream.ended;
    assert.ok(!sessionStream.events.some((e) => e.event === 'goodbye'), 'the owner\'s own stream goes on');
    assert.ok(second.services.hub.streams().some((s) => s.tag === sha256(owner.cookie.split('=')[1]!)), 'and is still open');
    sessionStream.close();
    const reopened = await http(`${secondUrl}/v1/agent/stream`, { headers: bearer(secret) });
    assert.deepEqual([reopened.status, reopened.body.error.code], [401, 'PARLEY_ERR_TOKEN_REVOKED']);
  });

  it('ends a token\'s streams when its owner is disabled, and refuses it from then on', async () => {
    const ottoUser = await server.store.createUser({ email: 'otto@test.local', name: 'Otto', role: 'owner', passwordHash: await hashPassword('otto password 123'), siteIds: [] });
    const otto = await loginAgent(server, 'otto@test.local', 'otto password 123');
    const { secret } = await createToken(otto);
    const stream = await openSse(`${server.url}/v1/agent/stream`, bearer(secret));
    assert.equal(stream.status, 200);
    await owner.admin(`/users/${ottoUser.id}`, { method: 'PATCH', json: { disabled: true } });
    assert.equal((await stream.until((e) => e.event === 'goodbye')).data.reason, 'revoked');
    assert.equal((await http(`${server.url}/v1/agent/me`, { headers: bearer(secret) })).body.error.code, 'PARLEY_ERR_TOKEN_INVALID');
  });

  it('after a bus outage, ends the streams of tokens revoked meanwhile and keeps the others open', async () => {
    const kept = await createToken(owner, 'read-only');
    const lost = await createToken(owner, 'read-only');
    const keptStream = await openSse(`${server.url}/v1/agent/stream`, bearer(kept.secret));
    const lostStream = await openSse(`${server.url}/v1/agent/stream`, bearer(lost.secret));
    assert.deepEqual([keptStream.status, lostStream.status], [200, 200]);
    // Revoked where no bus message reached this process (its link was down), then the link is back.
    await server.store.revokeApiToken(lost.token.id, Date.now());
    server.app.services.bus.broadcast({ kind: 'resync' });
    assert.equal((await lostStream.until((e) => e.event === 'goodbye')).data.reason, 'revoked');
    await lostStream.ended;
    assert.ok(server.app.services.hub.streams().some((s) => s.tag === sha256(kept.secret)), 'the working token\'s stream stays open');
    assert.ok(!keptStream.events.some((e) => e.event === 'goodbye'));
    keptStream.close();
  });

  it('lets a server follow the events without making anyone look online to visitors', async () => {
    const { secret } = await createToken(owner, 'read-only');
    const availability = async () => (await http(`${server.url}/v1/sites/${server.site.id}/config`)).body.availability.online;
    const visitor = await newVisitor(server);
    const stream = await openSse(`${server.url}/v1/agent/stream`, bearer(secret));
    assert.equal(stream.status, 200);
    const polled = await http(`${secondUrl}/v1/agent/events?wait=0`, { headers: bearer(secret) });
    assert.equal(polled.status, 200);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Hello, anyone?');
    const message = await stream.until((e) => e.event === 'message' && e.data.message.body === 'Hello, anyone?');
    assert.equal(message.data.message.conversationId, conversation.id, 'the token\'s stream carries the site\'s events');
    assert.equal(await availability(), false, 'a server\'s stream is nobody to chat with');
    // What would make the site online, to show the check above can see it.
    const person = await openSse(`${server.url}/v1/agent/stream`, { cookie: owner.cookie });
    await waitFor(availability, { message: 'the site online once a person is connected' });
    person.close();
    stream.close();
  });
});

describe('API token last use', () => {
  let server: TestServer;
  const clock = createManualClock();
  before(async () => { server = await startServer({ inject: true, clock }); });
  after(() => server?.close());

  it('records when a token was last used, writing at most once a minute however often it is used', async () => {
    const owner = await loginAgent(server, 'owner@test.local');
    const { token, secret } = await createToken(owner, 'read-only');
    const lastUsed = async () => (await owner.admin('/api-tokens')).body.tokens.find((t: { id: string }) => t.id === token.id).lastUsedAt;
    assert.equal(await lastUsed(), null, 'never used yet');
    const start = clock.now();
    assert.equal((await http(`${server.url}/v1/agent/me`, { headers: bearer(secret) })).status, 200);
    await waitFor(async () => (await lastUsed()) === start, { message: 'the first use recorded' });
    const writes = recordStoreWrites(server.app.services.store);
    try {
      clock.advance(59_999);
      for (let i = 0; i < 5; i++) assert.equal((await http(`${server.url}/v1/agent/conversations`, { headers: bearer(secret) })).status, 200);
      // (The clock also wakes housekeeping; only the token's own writes count here.)
      const touches = () => writes.calls().filter((name) => name === 'touchApiToken');
      assert.deepEqual(touches(), [], 'within the minute: nothing written');
      assert.equal(await lastUsed(), start);
      clock.advance(1);
      assert.equal((await http(`${server.url}/v1/agent/me`, { headers: bearer(secret) })).status, 200);
      await waitFor(async () => (await lastUsed()) === start + 60_000, { message: 'the use a minute later recorded' });
      assert.deepEqual(touches(), ['touchApiToken'], 'one write for the new minute');
    } finally {
      writes.restore();
    }
  });
});

test('never writes an API token or its hash to the log, used, refused, revoked or streaming', async () => {
  const teardown = new Teardown();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'parley-token-logs-'));
    teardown.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
    const store = teardown.add(createSqliteStore({ path: join(dir, 'db') }), (s) => s.close());
    await store.migrate();
    const site = await store.createSite({ name: 'S', allowedOrigins: [], widget: defaultWidgetConfig('S'), secret: 'x' });
    await store.createUser({ email: 'owner@x.y', name: 'O', role: 'owner', passwordHash: await hashPassword('owner password 1'), siteIds: [site.id] });
    let written = '';
    const log = new PassThrough();
    log.on('data', (chunk) => (written += chunk));
    const app = teardown.add(await buildApp({ config: defaultConfig({ dataDir: dir }), store, logger: loggerOptions('trace', log) }), (a) => a.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const login = await http(`${url}/v1/agent/login`, { method: 'POST', json: { email: 'owner@x.y', password: 'owner password 1' } });
    const session = { cookie: login.headers.getSetCookie()[0]!.split(';')[0]!, 'x-parley-csrf': login.body.csrfToken };
    const made = await http(`${url}/v1/admin/api-tokens`, { method: 'POST', json: { name: 'Logged?', scope: 'read-only', siteIds: null }, headers: session });
    const secret: string = made.body.secret;
    assert.match(secret, /^parley_pat_/);
    await http(`${url}/v1/agent/conversations`, { headers: bearer(secret) });
    await http(`${url}/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { name: 'no' }, headers: bearer(secret) });
    await http(`${url}/v1/agent/me`, { headers: bearer(`${secret.slice(0, -1)}x`) });
    const stream = await openSse(`${url}/v1/agent/stream`, bearer(secret));
    await http(`${url}/v1/admin/api-tokens/${made.body.token.id}`, { method: 'DELETE', headers: session });
    await stream.ended;
    await http(`${url}/v1/agent/me`, { headers: bearer(secret) });
    await http(`${url}/v1/agent/me?token=${secret}`, { headers: bearer(secret) });
    await http(`${url}/v1/agent/logout`, { method: 'POST', json: {}, headers: session });
    await waitFor(() => written.includes('/v1/agent/logout'), { message: 'the last request in the log' });
    assert.ok(written.includes('/v1/admin/api-tokens'), 'the requests are logged');
    for (const leaked of [secret, secret.slice(API_PREFIX_LENGTH), sha256(secret), `${secret.slice(0, -1)}x`]) {
      assert.ok(!written.includes(leaked), 'a token (or its hash) in the log');
    }
    assert.ok(!written.includes('parley_pat_'), 'nothing that looks like a token');
  } finally {
    await teardown.run();
  }
});

const API_PREFIX_LENGTH = 'parley_pat_'.length;
