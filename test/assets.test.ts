/**
 * How the built browser code is served: compressed when the browser accepts it (the widget's
 * budgets are compressed sizes), cached for a year when the name has a content hash, readable from
 * any origin for the widget, and the dashboard's client-side routes all load its page.
 * Needs `npm run build` (npm test runs it first).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { DEMO_SITE_KEY } from '../server/first-run.ts';
import { startServer, type TestServer } from './harness.ts';

/** The bytes as sent (fetch would decompress them). */
function raw(url: string, encoding: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers, bytes: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}

describe('built assets', () => {
  let server: TestServer;
  before(async () => { server = await startServer(); });
  after(() => server?.close());

  const panel = () => readdirSync('dist/widget').find((f) => /^panel-[\w-]{8}\.js$/.test(f))!;

  it('serves the widget panel brotli- or gzip-compressed, immutable, to any origin', async () => {
    const br = await raw(`${server.url}/widget/${panel()}`, 'br');
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.match(br.headers.get('cache-control')!, /immutable/);
    assert.equal(br.headers.get('access-control-allow-origin'), '*');
    assert.match(br.headers.get('vary') ?? '', /accept-encoding/i);
    const gz = await raw(`${server.url}/widget/${panel()}`, 'gzip');
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    const plain = await raw(`${server.url}/widget/${panel()}`, 'identity');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.ok(br.bytes.length < plain.bytes.length / 2, 'compressed is much smaller');
    assert.deepEqual(gunzipSync(gz.bytes), plain.bytes, 'the same file');
  });

  it('keeps the loader fresh (short cache), since the snippet always asks for the same name', async () => {
    const loader = await raw(`${server.url}/widget/loader.js`, 'gzip');
    assert.equal(loader.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(loader.headers.get('content-encoding'), 'gzip');
  });

  it('protects the dashboard with a CSP that still works over plain http, and keeps JSON answers light', async () => {
    const page = await fetch(`${server.url}/app/`);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'a LAN install on http must keep working');
    const api = await fetch(`${server.url}/v1/agent/me`);
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(api.headers.get('content-security-policy'), null);
  });

  it('gives the demo and preview pages a CSP that allows exactly their own inline scripts, and no HSTS over plain http', async () => {
    await server.store.setMeta(DEMO_SITE_KEY, server.site.id);
    for (const path of ['/', `/preview/${server.site.id}`]) {
      const page = await fetch(`${server.url}${path}`);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline'[^;]*;?\s*$|script-src[^;]*unsafe-inline/, path);
      const html = await page.text();
      for (const [, script] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
        assert.ok(csp.includes(`'sha256-${createHash('sha256').update(script!).digest('base64')}'`), `${path}: an inline script the policy does not allow`);
      }
      assert.equal(page.headers.get('strict-transport-security'), null, path);
    }
    assert.equal((await fetch(`${server.url}/app/`)).headers.get('strict-transport-security'), null);
  });

  it('answers the dashboard page for /app/ and its client-side routes', async () => {
    for (const path of ['/app/', '/app/settings', '/app/redeem']) {
      const page = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'br' } });
      assert.equal(page.status, 200, path);
      assert.match(await page.text(), /<!doctype html>/i);
    }
  });
});
