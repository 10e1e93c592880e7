/**
 * Every kind of bad input gets the documented status and stable code, and writes nothing: each
 * case watches the app's Store for any call that may write (test/support/store-writes.ts), and
 * the event log's head, through the Store interface — on whichever engine the server runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { LIMITS } from '../protocol/protocol.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { openSse } from './sse-client.ts';
import { recordStoreWrites, type StoreWrites } from './support/store-writes.ts';

describe('bad input', () => {
  let server: TestServer;
  let writes: StoreWrites;
  let visitor: Awaited<ReturnType<typeof newVisitor>>;
  let conversationId: string;
  let agent: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    server = await startServer({ maxStreamsPerVisitor: 2 });
    visitor = await newVisitor(server);
    conversationId = (await visitor.start()).id;
    await visitor.send(conversationId, 'existing', 'fixed-client-id');
    agent = await loginAgent(server, 'alice@test.local');
    writes = recordStoreWrites(server.app.services.store);
  });
  after(async () => { writes?.restore(); await server?.close(); });

  async function rejects(name: string, status: number, code: string, call: () => Promise<{ status: number; body: any }>) {
    const head = await server.store.headCursor();
    writes.clear();
    const response = await call();
    assert.equal(response.status, status, `${name}: status (body ${JSON.stringify(response.body)})`);
    assert.equal(response.body?.error?.code, code, `${name}: code`);
    assert.equal(typeof response.body.error.message, 'string');
    assert.ok(response.body.error.message.length > 10, `${name}: a message a person can act on`);
    // A read that shows up here belongs in READS (test/support/store-writes.ts).
    assert.deepEqual(writes.calls(), [], `${name}: nothing written`);
    assert.equal(await server.store.headCursor(), head, `${name}: no event logged`);
  }

  it('sees the writes of a request that is accepted, so "nothing written" above means something', async () => {
    writes.clear();
    const head = await server.store.headCursor();
    assert.equal((await visitor.send(conversationId, 'an accepted message')).status, 200);
    assert.ok(writes.calls().includes('appendMessage'), `saw ${JSON.stringify(writes.calls())}`);
    assert.notEqual(await server.store.headCursor(), head);
    writes.clear();
    await newVisitor(server);
    assert.ok(writes.calls().includes('createVisitor'), `a new session is seen writing: ${JSON.stringify(writes.calls())}`);
  });

  const messages = () => `${visitor.base}/conversations/${conversationId}/messages`;

  it('rejects malformed bodies', async () => {
    await rejects('invalid JSON', 400, 'PARLEY_ERR_INVALID_JSON', () =>
      http(messages(), { method: 'POST', headers: { ...visitor.auth, 'content-type': 'application/json' }, body: '{"clientId": "x", "body": ' }));
    await rejects('oversized body', 413, 'PARLEY_ERR_BODY_TOO_LARGE', () =>
      visitor.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), body: 'x'.repeat(LIMITS.requestBodyMaxBytes + 10) } }));
    await rejects('message over the length limit', 400, 'PARLEY_ERR_BAD_REQUEST', () =>
      visitor.send(conversationId, 'x'.repeat(LIMITS.messageBodyMax + 1)));
    await rejects('blank message', 400, 'PARLEY_ERR_BAD_REQUEST', () => visitor.send(conversationId, '   \n '));
    await rejects('missing clientId', 400, 'PARLEY_ERR_BAD_REQUEST', () =>
      visitor.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { body: 'hi' } }));
    await rejects('clientId with odd characters', 400, 'PARLEY_ERR_BAD_REQUEST', () => visitor.send(conversationId, 'hi', 'id with spaces'));
    await rejects('text/plain body', 415, 'PARLEY_ERR_UNSUPPORTED_MEDIA_TYPE', () =>
      http(messages(), { method: 'POST', headers: { ...visitor.auth, 'content-type': 'text/plain' }, body: 'hello' }));
  });

  it('ignores fields it does not know, so a visitor cannot pose as an agent', async () => {
    const forged = await visitor.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), body: 'trust me', author: 'agent', internal: true } });
    assert.equal(forged.status, 200);
    assert.equal(forged.body.message.author, 'visitor');
    assert.equal(forged.body.message.internal, false);
  });

  it('rejects unknown ids and other people\'s conversations', async () => {
    await rejects('unknown conversation', 404, 'PARLEY_ERR_CONVERSATION_NOT_FOUND', () => visitor.send('c_doesnotexist', 'hi'));
    const stranger = await newVisitor(server);
    await rejects('someone else\'s conversation', 404, 'PARLEY_ERR_CONVERSATION_NOT_FOUND', () => stranger.send(conversationId, 'hi'));
    await rejects('unknown site', 404, 'PARLEY_ERR_SITE_NOT_FOUND', () =>
      http(`${server.url}/v1/sites/s_nope/session`, { method: 'POST', json: {} }));
    await rejects('unknown route', 404, 'PARLEY_ERR_NOT_FOUND', () => http(`${server.url}/v1/nothing-here`));
    await rejects('malformed URL', 400, 'PARLEY_ERR_BAD_REQUEST', () => http(`${server.url}/v1/sites/%E0%A4%A/config`));
    // Decoded once by the router, never again: "%25E0" is the site id "%E0", which is nobody's.
    for (const id of ['%2500', '%25E0', 's%00x']) {
      await rejects(`site id ${id}`, 404, 'PARLEY_ERR_SITE_NOT_FOUND', () => http(`${server.url}/v1/sites/${id}/config`));
    }
    const preflight = await http(`${server.url}/v1/sites/%E0/session`, {
      method: 'OPTIONS', headers: { origin: 'http://localhost:5555', 'access-control-request-method': 'POST' } });
    assert.ok(preflight.status < 500, `a preflight with a malformed site id: ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'and no site allows it');
    await rejects('transfer to unknown agent', 404, 'PARLEY_ERR_USER_NOT_FOUND', () =>
      agent.call(`/conversations/${conversationId}/transfer`, { method: 'POST', json: { agentId: 'u_nobody' } }));
  });

  it('rejects missing and wrong credentials', async () => {
    await rejects('no visitor token', 401, 'PARLEY_ERR_UNAUTHENTICATED', () =>
      http(messages(), { method: 'POST', json: { clientId: nanoid(), body: 'hi' }, headers: { origin: 'http://localhost:5555' } }));
    await rejects('unknown visitor token (deleted, or never issued)', 401, 'PARLEY_ERR_VISITOR_UNKNOWN', () =>
      http(messages(), { method: 'POST', json: { clientId: nanoid(), body: 'hi' }, headers: { authorization: 'Bearer wrongwrongwrongwrongwrong' } }));
    await rejects('wrong password', 401, 'PARLEY_ERR_INVALID_CREDENTIALS', () =>
      http(`${server.url}/v1/agent/login`, { method: 'POST', json: { email: 'alice@test.local', password: 'nope' } }));
    await rejects('unknown email', 401, 'PARLEY_ERR_INVALID_CREDENTIALS', () =>
      http(`${server.url}/v1/agent/login`, { method: 'POST', json: { email: 'mallory@test.local', password: 'nope' } }));
    await rejects('no agent session', 401, 'PARLEY_ERR_UNAUTHENTICATED', () => http(`${server.url}/v1/agent/conversations`));
    await rejects('missing CSRF token', 403, 'PARLEY_ERR_CSRF', () =>
      http(`${server.url}/v1/agent/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), body: 'hi' }, headers: { cookie: agent.cookie } }));
    await rejects('wrong identity hash', 403, 'PARLEY_ERR_IDENTITY_INVALID', () =>
      http(`${visitor.base}/visitor`, { method: 'PATCH', json: { identity: { id: 'user-1', hash: 'deadbeef' } }, headers: visitor.auth }));
  });

  it('refuses pages on origins the site does not allow, before doing anything', async () => {
    await rejects('foreign origin', 403, 'PARLEY_ERR_ORIGIN_NOT_ALLOWED', () =>
      http(messages(), { method: 'POST', json: { clientId: nanoid(), body: 'hi' }, headers: { ...visitor.auth, origin: 'https://evil.example' } }));
    await rejects('foreign origin session', 403, 'PARLEY_ERR_ORIGIN_NOT_ALLOWED', () =>
      http(`${visitor.base}/session`, { method: 'POST', json: {}, headers: { origin: 'https://evil.example' } }));
    const preflight = await fetch(messages(), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const allowed = await fetch(messages(), { method: 'OPTIONS', headers: { origin: 'http://localhost:5555', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:5555');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), null, 'never credentials');
    const own = await http(`${visitor.base}/session`, { method: 'POST', json: {}, headers: { origin: server.url } });
    assert.equal(own.status, 200, 'the server\'s own pages (demo, settings preview) may always use the widget');
    const preview = await fetch(`${server.url}/preview/${server.site.id}`);
    assert.match(await preview.text(), new RegExp(`data-site="${server.site.id}"`));
    // The public config explains itself to a foreign page, so the widget can say why it does not start.
    const config = await http(`${visitor.base}/config`, { headers: { origin: 'https://evil.example' } });
    assert.equal(config.status, 403);
    assert.equal(config.body.error.code, 'PARLEY_ERR_ORIGIN_NOT_ALLOWED');
    assert.equal(config.headers.get('access-control-allow-origin'), 'https://evil.example');
  });

  it('rejects a reused clientId with a different body or sender, and conflicting actions', async () => {
    await rejects('clientId reused', 409, 'PARLEY_ERR_CLIENT_ID_REUSED', () => visitor.send(conversationId, 'something else', 'fixed-client-id'));
    // The same words under the visitor's id must not pass for an agent's reply…
    await rejects('agent reusing the visitor\'s clientId', 409, 'PARLEY_ERR_CLIENT_ID_REUSED', () => agent.send(conversationId, 'existing', 'fixed-client-id'));
    // …nor claim the conversation on the way (it is still waiting).
    assert.equal((await server.store.getConversation(conversationId))!.status, 'waiting');
    await agent.send(conversationId, 'a note', 'note-id', true);
    await rejects('a note retried as a reply', 409, 'PARLEY_ERR_CLIENT_ID_REUSED', () => agent.send(conversationId, 'a note', 'note-id', false));
    const other = await newVisitor(server);
    const resolved = (await other.start()).id;
    await agent.call(`/conversations/${resolved}/resolve`, { method: 'POST' });
    await rejects('claiming a resolved conversation', 409, 'PARLEY_ERR_NOT_CLAIMABLE', () => agent.call(`/conversations/${resolved}/claim`, { method: 'POST' }));
  });

  it('stores a message with a cut-off emoji (a lone surrogate) once, and its retries get the same message, not a conflict', async () => {
    const clientId = nanoid();
    const body = 'broken emoji \ud83d at the end';
    const first = await visitor.send(conversationId, body, clientId);
    assert.equal(first.status, 200);
    assert.equal(first.body.message.body, 'broken emoji \ufffd at the end');
    for (let i = 0; i < 3; i++) {
      const retry = await visitor.send(conversationId, body, clientId);
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.body.message.id, first.body.message.id);
    }
    const page = await visitor.call(`/conversations/${conversationId}/messages?limit=100`);
    assert.equal(page.body.messages.filter((m: { clientId: string }) => m.clientId === clientId).length, 1);
    // NUL, which PostgreSQL's text cannot hold, is stored the same way on either engine.
    const nul = await visitor.send(conversationId, 'a\u0000b');
    assert.equal(nul.status, 200);
    assert.equal(nul.body.message.body, 'a\ufffdb');
  });

  it('caps streams per visitor with 429', async () => {
    const streams = [await visitor.stream(), await visitor.stream()];
    const third = await openSse(`${visitor.base}/stream`, visitor.auth);
    await third.ended;
    assert.equal(third.status, 429);
    assert.equal(JSON.parse(third.body).error.code, 'PARLEY_ERR_TOO_MANY_STREAMS');
    for (const stream of streams) stream.close();
  });

  it('answers floods with 429 and a Retry-After, and writes nothing for them', async () => {
    const limited = await startServer({ visitorRateLimit: 5 });
    try {
      const flooder = await newVisitor(limited);
      const id = (await flooder.start()).id;
      const responses = [];
      for (let i = 0; i < 8; i++) responses.push(await flooder.send(id, `flood ${i}`));
      const refused = responses.filter((r) => r.status === 429);
      assert.ok(refused.length >= 3);
      assert.equal(refused[0]!.body.error.code, 'PARLEY_ERR_RATE_LIMITED');
      assert.ok(Number(refused[0]!.headers.get('retry-after')) > 0);
      const history = await limited.store.listMessages(id, { limit: 50, includeInternal: true });
      assert.equal(history.messages.length, responses.filter((r) => r.status === 200).length);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 when the server holds as many streams as it may', async () => {
    const full = await startServer({ maxStreams: 1 });
    try {
      const a = await newVisitor(full);
      const b = await newVisitor(full);
      const first = await a.stream();
      const second = await openSse(`${b.base}/stream`, b.auth);
      await second.ended;
      assert.equal(second.status, 503);
      assert.equal(JSON.parse(second.body).error.code, 'PARLEY_ERR_SERVER_BUSY');
      assert.ok(Number(second.headers['retry-after']) > 0);
      first.close();
    } finally {
      await full.close();
    }
  });
});
