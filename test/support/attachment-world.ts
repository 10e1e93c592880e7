/**
 * A real Parley server for the attachment tests (issue 13), on either engine with either file
 * storage: SQLite with files on disk (one process), or PostgreSQL with files in the database (the
 * cluster's), each on a fresh database or schema. `second()` starts another process's app on the
 * same PostgreSQL schema, as a second node of a cluster. Clients upload the way the widget and the
 * dashboard do: the file's bytes as the request body, its clientId and name in the query.
 * Everything started is closed by close(), even after a failed start.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nanoid } from 'nanoid';
import pg from 'pg';
import type { Site, User } from '../../protocol/protocol.ts';
import { buildApp, type App } from '../../server/app.ts';
import { hashPassword } from '../../server/auth/secrets.ts';
import type { Clock } from '../../server/clock.ts';
import { defaultConfig, type Config } from '../../server/config.ts';
import { createDiskFiles } from '../../server/files/disk-files.ts';
import type { FileStorage } from '../../server/files/file-storage.ts';
import { defaultWidgetConfig } from '../../server/site-defaults.ts';
import { createPgFiles } from '../../server/store/pg-files.ts';
import { createPgStore } from '../../server/store/pg-store.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';
import type { Store } from '../../server/store/store.ts';
import { freePort, http, PASSWORD } from '../harness.ts';

export const ORIGIN = 'http://localhost:5555';
export type Backend = 'sqlite+disk' | 'postgres+database';

export interface AttachmentWorld {
  backend: Backend;
  url: string;
  app: App;
  store: Store;
  files: FileStorage;
  site: Site;
  owner: User;
  alice: User;
  dataDir: string;
  /** Another node on the same database (PostgreSQL only). */
  second(): Promise<{ url: string; app: App }>;
  /** How many files the storage holds (complete or not). */
  storedFiles(): Promise<number>;
  close(): Promise<void>;
}

export async function startAttachmentWorld(backend: Backend, overrides: Partial<Config> & { clock?: Clock } = {}): Promise<AttachmentWorld> {
  const { clock, ...configOverrides } = overrides;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-attach-'));
  const closers: Array<() => Promise<unknown>> = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => { for (const step of closers.splice(0).reverse()) await step().catch(() => {}); };
  try {
    const now = clock ? { now: () => clock.now() } : {};
    let open: () => { store: Store; files: FileStorage };
    let databaseUrl: string;
    if (backend === 'sqlite+disk') {
      databaseUrl = `sqlite:${join(dataDir, 'parley.db')}`;
      open = () => ({ store: createSqliteStore({ path: join(dataDir, 'parley.db'), synchronous: 'NORMAL', ...now }), files: createDiskFiles(join(dataDir, 'attachments')) });
    } else {
      const url = process.env.TEST_DATABASE_URL;
      if (!url) throw new Error('postgres+database needs TEST_DATABASE_URL');
      const schema = `parley_test_${randomBytes(5).toString('hex')}`;
      closers.push(async () => {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try { await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await admin.end(); }
      });
      databaseUrl = url;
      open = () => ({ store: createPgStore({ url, schema, ...now }), files: createPgFiles({ url, schema, ...now }) });
    }

    async function node(): Promise<{ url: string; app: App; store: Store; files: FileStorage }> {
      const { store, files } = open();
      closers.push(() => store.close(), () => files.close());
      await store.migrate();
      const port = await freePort();
      const config = defaultConfig({ port, publicUrl: `http://127.0.0.1:${port}`, dataDir, databaseUrl, distDir: resolve('dist'), ...configOverrides });
      const app = await buildApp({ config, store, files, clock });
      closers.push(() => app.close());
      await app.listen({ port, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${port}`, app, store, files };
    }

    const first = await node();
    const { store } = first;
    const site = await store.createSite({ name: 'Shop', allowedOrigins: [ORIGIN], widget: defaultWidgetConfig('Shop team'), secret: 'test-site-secret-0123456789' });
    const passwordHash = await hashPassword(PASSWORD);
    const owner = await store.createUser({ email: 'owner@test.local', name: 'Olivia Owner', role: 'owner', passwordHash, siteIds: [site.id] });
    const alice = await store.createUser({ email: 'alice@test.local', name: 'Alice', role: 'agent', passwordHash, siteIds: [site.id] });

    return {
      backend, url: first.url, app: first.app, store, files: first.files, site, owner, alice, dataDir,
      async second() {
        if (backend !== 'postgres+database') throw new Error('a second node needs PostgreSQL');
        const other = await node();
        return { url: other.url, app: other.app };
      },
      async storedFiles() {
        if (backend === 'sqlite+disk') return readdirSync(join(dataDir, 'attachments')).length;
        return (await first.files.keysBefore(Date.now() + 3600_000, null, 10_000)).length;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A visitor of the world's site, with uploads. */
export async function visitorOf(world: Pick<AttachmentWorld, 'url' | 'site'>) {
  const base = `${world.url}/v1/sites/${world.site.id}`;
  const session = await http(`${base}/session`, { method: 'POST', json: {}, headers: { origin: ORIGIN } });
  if (session.status !== 200) throw new Error(`session failed: ${session.status} ${JSON.stringify(session.body)}`);
  const auth = { authorization: `Bearer ${session.body.token}`, origin: ORIGIN };
  const visitor = {
    id: session.body.visitor.id as string,
    auth,
    call: (path: string, init: RequestInit & { json?: unknown } = {}) => http(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as object) } }),
    async start() {
      const result = await visitor.call('/conversations', { method: 'POST', json: { clientId: nanoid() } });
      return result.body.conversation.id as string;
    },
    upload: (conversationId: string, body: Buffer | Uint8Array, name: string, clientId = nanoid(), headers: Record<string, string> = {}) =>
      visitor.call(`/conversations/${conversationId}/attachments?clientId=${clientId}&name=${encodeURIComponent(name)}`, {
        method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream', ...headers },
      }),
    send: (conversationId: string, json: { body?: string; attachmentIds?: string[]; clientId?: string }) =>
      visitor.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), ...json } }),
    files: (conversationId: string) => visitor.call(`/conversations/${conversationId}/attachments`),
  };
  return visitor;
}

/** An agent (or owner) logged in through the real login endpoint, with uploads. */
export async function agentOf(world: Pick<AttachmentWorld, 'url'>, email: string) {
  const login = await http(`${world.url}/v1/agent/login`, { method: 'POST', json: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const headers = { cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), 'x-parley-csrf': login.body.csrfToken as string };
  const agent = {
    headers,
    call: (path: string, init: RequestInit & { json?: unknown } = {}) => http(`${world.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as object) } }),
    upload: (conversationId: string, body: Buffer, name: string, clientId = nanoid()) =>
      agent.call(`/v1/agent/conversations/${conversationId}/attachments?clientId=${clientId}&name=${encodeURIComponent(name)}`, {
        method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' },
      }),
    send: (conversationId: string, json: { body?: string; attachmentIds?: string[]; internal?: boolean }) =>
      agent.call(`/v1/agent/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), ...json } }),
    files: (conversationId: string) => agent.call(`/v1/agent/conversations/${conversationId}/attachments`),
  };
  return agent;
}

/** A file by its signed link, as a browser would fetch it: no credentials. */
export async function download(world: Pick<AttachmentWorld, 'url'>, link: string) {
  const response = await fetch(`${world.url}${link}`);
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
