/**
 * Cluster mode (issue 10): three real Parley processes on one PostgreSQL database keep every
 * promise of the single node. Runs when TEST_DATABASE_URL is set (.ci/run sets it); each test
 * file gets a database of its own, dropped afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { nanoid } from 'nanoid';
import { parseEventId } from '../protocol/protocol.ts';
import { ORIGIN, clusterVisitor, startCluster, type Cluster, type ClusterNode } from './cluster-world.ts';
import { freePort, http, PASSWORD } from './harness.ts';
import { openSse, type SseConnection, type SseEvent } from './sse-client.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const adminUrl = process.env.TEST_DATABASE_URL;

/** A stream that survives its node: its segments' events in order, each reopened from the last id seen. */
class FollowedStream {
  private segments: SseConnection[] = [];
  private path: (node: ClusterNode) => string;
  private headers: Record<string, string>;
  constructor(path: (node: ClusterNode) => string, headers: Record<string, string>) {
    this.path = path;
    this.headers = headers;
  }
  get events(): SseEvent[] {
    return this.segments.flatMap((segment) => segment.events);
  }
  async open(node: ClusterNode, cursor?: string): Promise<void> {
    this.segments.at(-1)?.close();
    const from = this.events.filter((e) => e.id !== undefined).at(-1)?.id ?? cursor;
    const connection = await openSse(this.path(node), { ...this.headers, ...(from ? { 'last-event-id': from } : {}) });
    assert.equal(connection.status, 200, `stream on ${node.name}: ${connection.body}`);
    this.segments.push(connection);
  }
  /** The chat messages received (system lines such as "joined" left out). */
  messages(): Array<{ id: string; seq: number; body: string }> {
    return this.events.filter((e) => e.event === 'message' && e.data.message.author !== 'system')
      .map((e) => ({ id: e.data.message.id, seq: e.data.message.seq, body: e.data.message.body }));
  }
  close(): void {
    this.segments.at(-1)?.close();
  }
}

async function login(node: ClusterNode, email: string) {
  const result = await http(`${node.url}/v1/agent/login`, { method: 'POST', json: { email, password: PASSWORD } });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return { cookie: result.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: result.body.csrfToken as string, cursor: result.body.cursor as string };
}

/** Sends until acknowledged, on the first node that answers: a client retrying the same clientId after a failure. */
async function sendUntilStored(nodes: () => ClusterNode[], path: string, headers: Record<string, string>, body: { clientId: string; body: string }) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const live = nodes();
    const node = live[attempt % live.length]!;
    try {
      const result = await http(`${node.url}${path}`, { method: 'POST', json: body, headers });
      if (result.status === 200) return result.body.message;
      assert.ok([503, 502].includes(result.status), `unexpected ${result.status} ${JSON.stringify(result.body)}`);
    } catch {
      // Connection refused: the node was killed. Try another.
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
  throw new Error(`not stored after 40 attempts: ${body.clientId}`);
}

describe('cluster mode', () => {
  if (!adminUrl) return; // No PostgreSQL configured: the SQLite suites cover the single node.
  const teardown = new Teardown();
  let cluster: Cluster;
  let a: ClusterNode, b: ClusterNode, c: ClusterNode;

  before(async () => {
    cluster = teardown.add(await startCluster(adminUrl), (it) => it.close());
    [a, b, c] = await Promise.all([cluster.start('node-a'), cluster.start('node-b'), cluster.start('node-c')]);
  });
  after(() => teardown.run());

  const live = () => cluster.nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  const visitorPath = (id: string) => `/v1/sites/${cluster.site.id}${id}`;

  it('delivers a 300-message burst in both directions exactly once and in order, while a node is killed, Redis restarts and the LISTEN connections are cut', async () => {
    const alice = await login(a, 'alice@test.local');
    const bob = await login(b, 'bob@test.local');
    const agentHeaders = (agent: { cookie: string; csrf: string }) => ({ cookie: agent.cookie, 'x-parley-csrf': agent.csrf });
    const aliceStream = new FollowedStream((node) => `${node.url}/v1/agent/stream`, { cookie: alice.cookie });
    await aliceStream.open(a, alice.cursor);

    // Six visitors, two on each node, each with a conversation and a stream on its own node.
    const homes = [a, a, b, b, c, c];
    const visitors = await Promise.all(homes.map(async (home) => {
      const visitor = await clusterVisitor(home, cluster.site);
      const auth = { authorization: `Bearer ${visitor.token}`, origin: ORIGIN };
      const started = await http(`${home.url}${visitorPath('/conversations')}`, { method: 'POST', json: { clientId: nanoid() }, headers: auth });
      const stream = new FollowedStream((node) => `${node.url}${visitorPath('/stream')}`, auth);
      await stream.open(home, visitor.cursor);
      return { ...visitor, auth, home, conversationId: started.body.conversation.id as string, stream };
    }));

    // 25 messages from each visitor and 25 replies to each, sent concurrently: 300 in all.
    const sent: Array<{ conversationId: string; clientId: string; body: string }> = [];
    let acknowledged = 0;
    const sends = visitors.flatMap((visitor, v) => Array.from({ length: 25 }, (_, i) => [
      { conversationId: visitor.conversationId, path: visitorPath(`/conversations/${visitor.conversationId}/messages`), headers: visitor.auth, body: `v${v} says ${i}`, nodes: () => (live().includes(visitor.home) ? [visitor.home] : live()) },
      { conversationId: visitor.conversationId, path: `/v1/agent/conversations/${visitor.conversationId}/messages`, headers: agentHeaders(v % 2 ? bob : alice), body: `reply ${i} to v${v}`, nodes: () => live() },
    ]).flat());
    const burst = Promise.all(sends.map(async (send, n) => {
      await new Promise((resolve) => setTimeout(resolve, n * 3)); // spread over about a second
      const clientId = nanoid();
      sent.push({ conversationId: send.conversationId, clientId, body: send.body });
      const stored = await sendUntilStored(send.nodes, send.path, send.headers, { clientId, body: send.body });
      acknowledged++;
      return stored;
    }));

    await waitFor(() => acknowledged >= 100, { timeoutMs: 30_000, message: 'a third of the burst acknowledged' });
    await cluster.kill(c);
    // Its visitors' streams end; they come back on another node, from their last id.
    for (const visitor of visitors.filter((v) => v.home === c)) await visitor.stream.open(a);
    await cluster.redis.restart(); // rate-limit counters gone: requests go on, nothing is lost
    await waitFor(() => acknowledged >= 200, { timeoutMs: 30_000, message: 'two thirds of the burst acknowledged' });
    const cut = await cluster.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'parley-%'`);
    assert.ok(cut.rowCount! > 0, 'LISTEN connections were cut');
    await burst;
    assert.equal(acknowledged, 300);

    // History: every message once, positions 1…n per conversation (with the "joined" line).
    for (const visitor of visitors) {
      const page = await http(`${a.url}${visitorPath(`/conversations/${visitor.conversationId}/messages`)}?limit=100`, { headers: visitor.auth });
      const mine = sent.filter((s) => s.conversationId === visitor.conversationId);
      const chat = page.body.messages.filter((m: { author: string }) => m.author !== 'system');
      assert.deepEqual(chat.map((m: { clientId: string }) => m.clientId).sort(), mine.map((s) => s.clientId).sort());
      assert.deepEqual(page.body.messages.map((m: { seq: number }) => m.seq), page.body.messages.map((_: unknown, i: number) => i + 1));
    }
    // Streams: each got every event of its scope exactly once, in log order.
    await waitFor(() => aliceStream.messages().length >= sent.length, { timeoutMs: 20_000, message: () => `alice's stream has ${aliceStream.messages().length} of ${sent.length}` });
    for (const visitor of visitors) {
      await waitFor(() => visitor.stream.messages().length >= 50, { timeoutMs: 20_000, message: () => `a visitor stream has ${visitor.stream.messages().length} of 50` });
    }
    for (const stream of [aliceStream, ...visitors.map((v) => v.stream)]) {
      const seqs = stream.events.filter((e) => e.id !== undefined && e.event !== 'reset').map((e) => parseEventId(e.id)!.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in log order');
      assert.equal(new Set(seqs).size, seqs.length, 'nothing twice');
    }
    assert.equal(aliceStream.messages().length, sent.length, 'the agent saw all 300, once each');
    assert.equal(new Set(aliceStream.messages().map((m) => m.id)).size, sent.length);
    for (const visitor of visitors) {
      const seqs = visitor.stream.messages().map((m) => m.seq);
      assert.equal(seqs.length, 50, 'the visitor saw their 50, once each');
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in order');
    }
    aliceStream.close();
    for (const visitor of visitors) visitor.stream.close();
  });

  it('stores one message when the same clientId is sent through two nodes at once', async () => {
    const visitor = await clusterVisitor(a, cluster.site);
    const auth = { authorization: `Bearer ${visitor.token}`, origin: ORIGIN };
    const conversation = (await http(`${a.url}${visitorPath('/conversations')}`, { method: 'POST', json: { clientId: nanoid() }, headers: auth })).body.conversation;
    const clientId = nanoid();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => http(`${(i % 2 ? a : b).url}${visitorPath(`/conversations/${conversation.id}/messages`)}`,
      { method: 'POST', json: { clientId, body: 'twice at once' }, headers: auth })));
    assert.deepEqual(results.map((r) => r.status), Array(10).fill(200));
    assert.equal(new Set(results.map((r) => r.body.message.id)).size, 1);
    const page = await http(`${b.url}${visitorPath(`/conversations/${conversation.id}/messages`)}`, { headers: auth });
    assert.equal(page.body.messages.length, 1);
  });

  it('answers a conversation id with a NUL in it as not found, and the requests arriving with it as usual', async () => {
    const visitor = await clusterVisitor(a, cluster.site);
    const auth = { authorization: `Bearer ${visitor.token}`, origin: ORIGIN };
    const conversation = (await http(`${a.url}${visitorPath('/conversations')}`, { method: 'POST', json: { clientId: nanoid() }, headers: auth })).body.conversation;
    // Together, so that the node looks the conversations up in one statement (pg-batched-read.ts).
    const [bad, ...good] = await Promise.all([
      http(`${a.url}${visitorPath('/conversations/c%00x/messages')}`, { headers: auth }),
      ...Array.from({ length: 4 }, () => http(`${a.url}${visitorPath(`/conversations/${conversation.id}/messages`)}`, { headers: auth })),
    ]);
    assert.equal(bad!.status, 404, JSON.stringify(bad!.body));
    assert.equal(bad!.body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');
    assert.deepEqual(good.map((r) => r.status), [200, 200, 200, 200], JSON.stringify(good.map((r) => r.body)));
    // The site id, read before any route's own work (its widget settings are public).
    for (const id of ['%00', 's%2500']) {
      const site = await http(`${a.url}/v1/sites/${id}/config`);
      assert.equal(site.status, 404, `site id ${id}: ${JSON.stringify(site.body)}`);
      assert.equal(site.body.error.code, 'PARLEY_ERR_SITE_NOT_FOUND');
    }
  });

  it('lets exactly one of two agents on two nodes claim a conversation at once', async () => {
    const visitor = await clusterVisitor(a, cluster.site);
    const auth = { authorization: `Bearer ${visitor.token}`, origin: ORIGIN };
    const conversation = (await http(`${a.url}${visitorPath('/conversations')}`, { method: 'POST', json: { clientId: nanoid() }, headers: auth })).body.conversation;
    const [alice, bob] = await Promise.all([login(a, 'alice@test.local'), login(b, 'bob@test.local')]);
    const claims = await Promise.all([[a, alice], [b, bob]].map(([node, agent]) => http(`${(node as ClusterNode).url}/v1/agent/conversations/${conversation.id}/claim`,
      { method: 'POST', json: {}, headers: { cookie: (agent as typeof alice).cookie, 'x-parley-csrf': (agent as typeof alice).csrf } })));
    assert.deepEqual(claims.map((r) => r.status).sort(), [200, 409]);
    assert.equal(claims.find((r) => r.status === 409)!.body.error.code, 'PARLEY_ERR_ALREADY_CLAIMED');
  });

  it('ends an agent\'s stream on one node within moments of logging out on another', async () => {
    const session = await login(a, 'bob@test.local');
    const stream = await openSse(`${b.url}/v1/agent/stream`, { cookie: session.cookie });
    assert.equal(stream.status, 200);
    const out = await http(`${a.url}/v1/agent/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-parley-csrf': session.csrf } });
    assert.equal(out.status, 204);
    const goodbye = await stream.until((e) => e.event === 'goodbye', 2000);
    assert.equal(goodbye.data.reason, 'revoked');
    await stream.ended;
  });

  it('shows a visitor on one node that an agent on another is online, and offline within the grace period after that node dies', async () => {
    const node = await cluster.start('node-d');
    const agent = await login(node, 'alice@test.local');
    const agentStream = await openSse(`${node.url}/v1/agent/stream`, { cookie: agent.cookie });
    const visitor = await clusterVisitor(a, cluster.site);
    const auth = { authorization: `Bearer ${visitor.token}`, origin: ORIGIN };
    const stream = await openSse(`${a.url}${visitorPath('/stream')}`, auth);
    const first = await stream.until((e) => e.event === 'availability');
    assert.equal(first.data.online, true, 'online: an agent is connected, on another node');
    await cluster.kill(node); // with Alice's stream on it: no goodbye, the process is simply gone
    agentStream.close();
    const offline = await stream.until((e) => e.event === 'availability' && e.data.online === false, 10_000);
    assert.equal(offline.data.online, false);
    stream.close();
  });

  it('counts rate limits for the whole cluster: requests on one node use up the budget on another', async () => {
    const [x, y] = await Promise.all([cluster.start('limit-x', { IP_RATE_LIMIT: '4' }), cluster.start('limit-y', { IP_RATE_LIMIT: '4' })]);
    const from = { origin: ORIGIN, 'x-forwarded-for': '203.0.113.77' }; // one address of its own
    const config = (node: ClusterNode) => http(`${node.url}${visitorPath('/session')}`, { method: 'POST', json: {}, headers: from });
    const statuses = [];
    for (const node of [x, x, y, y, x, y]) statuses.push((await config(node)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    await Promise.all([cluster.kill(x), cluster.kill(y)]);
  });

  it('refuses to start, in one line naming the host, when PostgreSQL cannot be reached', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['server/main.ts'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: 'postgres://parley:secret-password@127.0.0.1:1/parley', LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /^Parley cannot start: .*127\.0\.0\.1:1/);
    assert.doesNotMatch(stderr, /secret-password/, 'the password stays secret');
  });
});
