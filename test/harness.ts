/**
 * Starts a real Parley server for a test: a fresh SQLite file in a temp dir, a random port, a
 * seeded site with an owner and two agents, and small clients for the visitor and agent APIs.
 * `restart()` stops the server and starts it again on the same port and database.
 *
 * With `inject: true` the same app is built but never listens: `http()`, and every client here
 * built on it, hand requests to it through Fastify's app.inject() — no socket, no port to share
 * with test files running at the same time. For API tests that open no stream (SSE needs a real
 * socket: openSse() cannot go through inject).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nanoid } from 'nanoid';
import { buildApp, type App } from '../server/app.ts';
import type { Clock } from '../server/clock.ts';
import { hashPassword } from '../server/auth/secrets.ts';
import { defaultConfig, type Config } from '../server/config.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { createThreadedSqliteStore } from '../server/store/sqlite-thread.ts';
import type { Store } from '../server/store/store.ts';
import type { Site, User } from '../protocol/protocol.ts';
import { openSse, type SseConnection } from './sse-client.ts';

export const PASSWORD = 'correct horse battery staple';
export const SITE_SECRET = 'test-site-secret-0123456789';

export interface TestServer {
  url: string;
  port: number;
  app: App;
  store: Store;
  site: Site;
  owner: User;
  alice: User;
  bob: User;
  config: Config;
  dataDir: string;
  /** True when requests go through app.inject() and nothing listens (see the header). */
  inject: boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The apps started with `inject: true`, by the origin their `url` names. */
const injected = new Map<string, App>();

/**
 * `clock`: the server's clock (timers and the store's time). A manual clock lets a test move time
 * — session expiry, long-poll holds — instead of waiting for it; heartbeats then only beat when
 * the test advances it. `inject`: no socket, requests through app.inject() (see the header).
 */
export async function startServer(overrides: Partial<Config> & { allowedOrigins?: string[]; clock?: Clock; inject?: boolean } = {}): Promise<TestServer> {
  const { allowedOrigins = ['http://localhost:5555', 'http://127.0.0.1:5555'], clock, inject = false, ...configOverrides } = overrides;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const dbPath = join(dataDir, 'parley.db');
  const seedStore = createSqliteStore({ path: dbPath, synchronous: 'NORMAL' });
  await seedStore.migrate();
  const site = await seedStore.createSite({ name: 'Test site', allowedOrigins, widget: defaultWidgetConfig('Test team'), secret: SITE_SECRET });
  const passwordHash = await hashPassword(PASSWORD);
  const owner = await seedStore.createUser({ email: 'owner@test.local', name: 'Olivia Owner', role: 'owner', passwordHash, siteIds: [site.id] });
  const alice = await seedStore.createUser({ email: 'alice@test.local', name: 'Alice', role: 'agent', passwordHash, siteIds: [site.id] });
  const bob = await seedStore.createUser({ email: 'bob@test.local', name: 'Bob', role: 'agent', passwordHash, siteIds: [site.id] });
  await seedStore.close();

  const server: TestServer = {
    url: '', port: 0, app: null as unknown as App, store: null as unknown as Store, site, owner, alice, bob, dataDir, inject,
    config: null as unknown as Config,
    async restart() {
      await server.stop();
      await listen(server.port);
    },
    async stop() {
      injected.delete(server.url);
      await server.app.close();
      await server.store.close();
    },
    async close() {
      await server.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  async function listen(requested: number) {
    for (let attempt = 1; ; attempt++) {
      // A known port before building, so PUBLIC_URL (links, the server's own origin) is right.
      // Between freePort() and listen() another process (a test file running beside this one)
      // may take it: then try another. A restart keeps its port, whatever happens.
      let port = requested || (await freePort());
      // Injected apps are found by their URL, so no two may share one (freePort may repeat itself).
      while (inject && !requested && injected.has(`http://127.0.0.1:${port}`)) port = await freePort();
      try {
        return await listenOn(port);
      } catch (error) {
        if (requested || attempt === 5 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
  }

  async function listenOn(port: number) {
    const config = defaultConfig({ port, publicUrl: `http://127.0.0.1:${port}`, dataDir, databaseUrl: `sqlite:${dbPath}`, distDir: resolve('dist'), ...configOverrides });
    // The store as the server runs it (server/store/open-store.ts): SQLite in its worker thread.
    const store = await createThreadedSqliteStore({ path: dbPath, synchronous: 'NORMAL', ...(clock ? { now: () => clock.now() } : {}) });
    let app: App | undefined;
    try {
      await store.migrate();
      app = await buildApp({ config, store, clock });
      if (inject) await app.ready();
      else await app.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      // Nothing half-started may outlive a failed start (its timers would keep the test file running).
      await app?.close().catch(() => {});
      await store.close().catch(() => {});
      throw error;
    }
    const address = inject ? null : app.server.address();
    server.port = typeof address === 'object' && address ? address.port : port;
    server.url = `http://127.0.0.1:${server.port}`;
    // Nothing listens on an injected app's port: a request that bypassed http() finds no server.
    if (inject) injected.set(server.url, app);
    Object.assign(server, { app, store, config: { ...config, port: server.port } });
  }
  try {
    await listen(0);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return server;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A request by fetch, or through app.inject() when `url` names a server started with `inject: true`. */
export async function http<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<HttpResult<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const payload = json !== undefined ? JSON.stringify(json) : rest.body;
  const target = new URL(url);
  const app = injected.get(target.origin);
  const response = app
    ? await injectRequest(app, target, rest.method ?? 'GET', headers, payload)
    : await fetch(url, { ...rest, headers, body: payload }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
  let body: any = response.text;
  try { body = response.text ? JSON.parse(response.text) : null; } catch { /* not JSON */ }
  return { status: response.status, body, headers: response.headers };
}

/** What fetch would have answered, from app.inject(). Redirects are not followed. */
async function injectRequest(app: App, url: URL, method: string, headers: Headers, payload: RequestInit['body'] | undefined) {
  if (payload != null && typeof payload !== 'string') throw new Error('http() through app.inject() takes string bodies only');
  const response = await app.inject({ method: method as 'GET', url: url.pathname + url.search, headers: Object.fromEntries(headers), payload: payload ?? undefined });
  const answered = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) answered.append(name, String(one));
  }
  return { status: response.statusCode, headers: answered, text: response.body };
}

/** A visitor of the test site, talking to the widget API the way the widget does. */
export async function newVisitor(server: TestServer, origin = 'http://localhost:5555') {
  const base = `${server.url}/v1/sites/${server.site.id}`;
  const session = await http(`${base}/session`, { method: 'POST', json: { context: { url: 'http://localhost:5555/pricing', title: 'Pricing' } }, headers: { origin } });
  if (session.status !== 200) throw new Error(`session failed: ${session.status} ${JSON.stringify(session.body)}`);
  const token: string = session.body.token;
  const auth = { authorization: `Bearer ${token}`, origin };
  const visitor = {
    token,
    id: session.body.visitor.id as string,
    cursor: session.body.cursor as string,
    base,
    auth,
    call: (path: string, init: RequestInit & { json?: unknown } = {}) => http(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as object) } }),
    async start(clientId = nanoid()) {
      const result = await visitor.call('/conversations', { method: 'POST', json: { clientId } });
      if (result.status !== 200) throw new Error(`start failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body.conversation as { id: string };
    },
    send: (conversationId: string, body: string, clientId = nanoid()) =>
      visitor.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId, body } }),
    stream: (lastEventId?: string): Promise<SseConnection> =>
      openSse(`${base}/stream`, { ...auth, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }),
  };
  return visitor;
}

/** An agent logged in to the test server through the real login endpoint. */
export async function loginAgent(server: TestServer, email: string, password = PASSWORD) {
  const login = await http(`${server.url}/v1/agent/login`, { method: 'POST', json: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf: string = login.body.csrfToken;
  const agent = {
    cookie,
    csrf,
    me: login.body,
    call: (path: string, init: RequestInit & { json?: unknown } = {}) =>
      http(`${server.url}/v1/agent${path}`, { ...init, headers: { cookie, 'x-parley-csrf': csrf, ...(init.headers as object) } }),
    /** The owner API, with this agent's session. */
    admin: (path: string, init: RequestInit & { json?: unknown } = {}) =>
      http(`${server.url}/v1/admin${path}`, { ...init, headers: { cookie, 'x-parley-csrf': csrf, ...(init.headers as object) } }),
    send: (conversationId: string, body: string, clientId = nanoid(), internal = false) =>
      agent.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId, body, internal } }),
    stream: (lastEventId?: string) => openSse(`${server.url}/v1/agent/stream`, { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }),
  };
  return agent;
}
