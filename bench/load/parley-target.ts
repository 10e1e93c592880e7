/**
 * Parley as the load generator sees it: visitor sessions with bearer tokens, visitor streams
 * opened from the session's cursor (as the widget does), one agent logged in with a cookie and a
 * CSRF token, and messages by POST that answer 200 once stored. Against a cluster (info.ports),
 * every request and every stream (re)open goes to the next node round-robin, as behind a load
 * balancer without sticky sessions: a visitor's session, sends and stream land on different
 * processes, so most deliveries cross processes through the shared log.
 */
import { httpJson, newAgent, pool } from './http-json.ts';
import { reopenAll } from './reconnect.ts';
import { SseClient, type SseFrame } from './sse-client.ts';
import { AGENT, CLIENT_ID, messageBody, type DeliveryHandler, type LoadTarget, type OpenResult, type TargetInfo } from './target.ts';

interface VisitorIdentity {
  token: string;
  cursor: string;
  conversationId: string | null;
  stream: SseClient | null;
}

export function createParleyTarget(info: TargetInfo): LoadTarget {
  const ports = info.ports?.length ? info.ports : [info.port];
  // Two turns, so where requests go does not decide where streams go.
  let requestTurn = 0;
  let streamTurn = 0;
  const requestPort = () => ports[requestTurn++ % ports.length]!;
  const streamPort = () => ports[streamTurn++ % ports.length]!;
  const siteId = info.siteId!;
  const http = newAgent(256);
  const streamsAgent = newAgent(Infinity);
  const visitors: VisitorIdentity[] = [];
  let agentStream: SseClient | null = null;
  let cookie = '';
  let csrf = '';

  const target: LoadTarget = {
    onDelivery: (() => {}) as DeliveryHandler,

    async prepare(count, active) {
      const result = await pool(count, 32, async (i) => {
        const session = await httpJson(http, requestPort(), 'POST', `/v1/sites/${siteId}/session`, {});
        if (session.status !== 200) throw new Error(`session answered ${session.status}: ${session.text.slice(0, 200)}`);
        const body = session.body as { token: string; cursor: string };
        const visitor: VisitorIdentity = { token: body.token, cursor: body.cursor, conversationId: null, stream: null };
        if (i < active) {
          const started = await httpJson(http, requestPort(), 'POST', `/v1/sites/${siteId}/conversations`,
            { clientId: `${info.prefix}-conv-${i}` }, { authorization: `Bearer ${body.token}` });
          if (started.status !== 200) throw new Error(`conversation answered ${started.status}: ${started.text.slice(0, 200)}`);
          visitor.conversationId = (started.body as { conversation: { id: string } }).conversation.id;
        }
        visitors[i] = visitor;
      });
      return { opened: count - result.failed, ...result };
    },

    async openAgent() {
      const login = await httpJson(http, requestPort(), 'POST', '/v1/agent/login', { email: info.email, password: info.password });
      if (login.status !== 200) throw new Error(`agent login answered ${login.status}: ${login.text.slice(0, 200)}`);
      const setCookie = login.headers['set-cookie'];
      cookie = (Array.isArray(setCookie) ? setCookie : [String(setCookie)]).map((c) => c.split(';')[0]).join('; ');
      const me = login.body as { csrfToken: string; cursor: string };
      csrf = me.csrfToken;
      agentStream = new SseClient({ port: streamPort, path: '/v1/agent/stream', agent: streamsAgent, headers: { cookie }, onFrame: (frame) => deliver(AGENT, frame) });
      agentStream.lastEventId = me.cursor;
      await agentStream.open();
    },

    async openVisitors(upTo) {
      const from = visitors.findIndex((v) => v && v.stream === null);
      const start = from === -1 ? visitors.length : from;
      const end = Math.min(upTo, visitors.length);
      const result = await pool(Math.max(0, end - start), 64, async (k) => {
        const i = start + k;
        const visitor = visitors[i]!;
        const stream = new SseClient({
          port: streamPort, path: `/v1/sites/${siteId}/stream`, agent: streamsAgent,
          headers: { authorization: `Bearer ${visitor.token}` }, onFrame: (frame) => deliver(i, frame),
        });
        stream.lastEventId = visitor.cursor;
        await stream.open();
        visitor.stream = stream;
      });
      return { opened: Math.max(0, end - start) - result.failed, ...result };
    },

    async closeVisitors(upTo) {
      for (let i = upTo; i < visitors.length; i++) {
        const visitor = visitors[i];
        if (visitor?.stream) {
          visitor.stream.drop();
          // A later open resumes from where this stream was, like a widget coming back.
          visitor.cursor = visitor.stream.lastEventId ?? visitor.cursor;
          visitor.stream = null;
        }
      }
    },

    async sendFromVisitor(i, clientId) {
      const visitor = visitors[i]!;
      const res = await httpJson(http, requestPort(), 'POST', `/v1/sites/${siteId}/conversations/${visitor.conversationId}/messages`,
        { clientId, body: messageBody(clientId) }, { authorization: `Bearer ${visitor.token}` });
      if (res.status !== 200) throw new Error(`visitor send answered ${res.status}: ${res.text.slice(0, 160)}`);
    },

    async sendFromAgent(i, clientId) {
      const visitor = visitors[i]!;
      const res = await httpJson(http, requestPort(), 'POST', `/v1/agent/conversations/${visitor.conversationId}/messages`,
        { clientId, body: messageBody(clientId) }, { cookie, 'x-parley-csrf': csrf });
      if (res.status !== 200) throw new Error(`agent send answered ${res.status}: ${res.text.slice(0, 160)}`);
    },

    dropAll() {
      agentStream?.drop();
      for (const visitor of visitors) visitor?.stream?.drop();
    },

    async reconnectAll(jitterMs, deadlineMs) {
      const clients = [agentStream, ...visitors.map((v) => v?.stream ?? null)].filter((c): c is SseClient => c !== null);
      return reopenAll(clients, jitterMs, deadlineMs);
    },

    openStreams: () => visitors.filter((v) => v?.stream?.connected).length + (agentStream?.connected ? 1 : 0),

    async close() {
      target.dropAll();
      http.destroy();
      streamsAgent.destroy();
    },
  };

  function deliver(receiver: number, frame: SseFrame): void {
    if (frame.event !== 'message') return;
    const match = CLIENT_ID.exec(frame.data);
    if (match) target.onDelivery(receiver, match[1]!);
  }
  return target;
}
