/**
 * The product as `npm start` runs it: a real process on an empty data directory. First start
 * prints how to log in, the demo page embeds the snippet, and SIGTERM shuts down gracefully.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, http } from './harness.ts';
import { openSse } from './sse-client.ts';

test('first start prints a one-time login, serves the demo page with the snippet, and stops cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['server/main.ts'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    while (!/password: +\S+/.test(output)) {
      assert.ok(Date.now() < deadline, `no login printed:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const email = /email: +(\S+)/.exec(output)![1]!;
    const password = /password: +(\S+)/.exec(output)![1]!;
    assert.ok(password.length >= 12, 'a generated password');
    assert.match(output, new RegExp(`Dashboard: +http://localhost:${port}/app/`));

    const url = `http://127.0.0.1:${port}`;
    const demo = await fetch(`${url}/`);
    const html = await demo.text();
    assert.match(html, /window\.Parley = window\.Parley \|\| function/);
    const siteId = /data-site="([^"]+)"/.exec(html)![1]!;

    const login = await http(`${url}/v1/agent/login`, { method: 'POST', json: { email, password } });
    assert.equal(login.status, 200);
    assert.deepEqual(login.body.sites.map((s: { id: string }) => s.id), [siteId]);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const stream = await openSse(`${url}/v1/agent/stream`, { cookie });
    assert.equal(stream.status, 200);
    // A client on the long-poll fallback, held open when the signal comes.
    const polling = http(`${url}/v1/agent/events?cursor=${login.body.cursor}&wait=25`, { headers: { cookie } });
    await new Promise((r) => setTimeout(r, 200));

    child.kill('SIGTERM');
    const goodbye = await stream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'shutdown');
    assert.equal((await polling).status, 200, 'the held poll is answered, not dropped');
    assert.equal(await exited, 0, 'a clean exit, not the forced one (which exits 1)');

    // A second start finds its data and does not create another owner.
    const again = spawn(process.execPath, ['server/main.ts'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    let second = '';
    again.stdout.on('data', (chunk) => (second += chunk));
    const secondExit = new Promise<number | null>((resolve) => again.on('exit', resolve));
    while (!second.includes('Parley is running')) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!second.includes('password:'), 'the password is shown only once');
    const relogin = await http(`${url}/v1/agent/login`, { method: 'POST', json: { email, password } });
    assert.equal(relogin.status, 200, 'data kept across restarts');
    again.kill('SIGTERM');
    assert.equal(await secondExit, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
