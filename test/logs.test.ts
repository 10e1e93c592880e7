import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/secrets.ts';
import { defaultConfig } from '../server/config.ts';
import { loggerOptions } from '../server/logger.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { http } from './harness.ts';
import { openSse } from './sse-client.ts';
import { waitFor } from './wait-for.ts';

test('never writes visitor tokens, stream tickets, cookies or passwords to the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-logs-'));
  const store = createSqliteStore({ path: join(dir, 'db') });
  await store.migrate();
  const site = await store.createSite({ name: 'S', allowedOrigins: [], widget: defaultWidgetConfig('S'), secret: 'x' });
  const log = new PassThrough();
  let written = '';
  log.on('data', (chunk) => (written += chunk));
  const app = await buildApp({ config: defaultConfig({ dataDir: dir }), store, logger: loggerOptions('trace', log) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const session = await http(`${url}/v1/sites/${site.id}/session`, { method: 'POST', json: {} });
    const token: string = session.body.token;
    const ticket = await http(`${url}/v1/sites/${site.id}/stream-ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const stream = await openSse(`${url}/v1/sites/${site.id}/stream?ticket=${encodeURIComponent(ticket.body.ticket)}`);
    stream.close();
    await http(`${url}/v1/agent/login`, { method: 'POST', json: { email: 'nobody@x.y', password: 'hunter2-secret-password' } });
    await store.createUser({ email: 'agent@x.y', name: 'A', role: 'owner', passwordHash: await hashPassword('the real password'), siteIds: [site.id] });
    const login = await http(`${url}/v1/agent/login`, { method: 'POST', json: { email: 'agent@x.y', password: 'the real password' } });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    await http(`${url}/v1/agent/me`, { headers: { cookie, 'x-parley-csrf': login.body.csrfToken } });
    // Once the last request is in the log, so is everything before it.
    await waitFor(() => written.includes('/v1/agent/me'), { message: 'the last request in the log' });
    assert.ok(written.includes('/stream'), 'requests are logged');
    for (const secret of [token, ticket.body.ticket, 'hunter2-secret-password', 'the real password', cookie.split('=')[1]!, login.body.csrfToken]) {
      assert.ok(!written.includes(secret), 'secret in log');
    }
    assert.ok(!/authorization|cookie/i.test(written), 'no credential headers in the log');
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
