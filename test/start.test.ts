/**
 * The product as `npm start` runs it: a real process on an empty data directory. First start
 * prints how to log in, the demo page embeds the snippet, SIGTERM shuts down gracefully, and a
 * kill -9 loses no message whose send was acknowledged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, http } from './harness.ts';
import { openSse } from './sse-client.ts';
import { waitFor } from './wait-for.ts';

/** What `npm start` runs: the production build of the server (npm test builds it first). */
const SERVER = 'dist/server/main.js';

test('first start prints a one-time login, serves the demo page with the snippet, and stops cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => /password: +\S+/.test(output), { timeoutMs: 20_000, message: () => `a login to be printed:\n${output}` });
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
    // A client on the long-poll fallback, held open when the signal comes. While it is held, the
    // owner counts as present, which visitors see as the site being online.
    const polling = http(`${url}/v1/agent/events?cursor=${login.body.cursor}&wait=25`, { headers: { cookie } });
    await waitFor(async () => (await http(`${url}/v1/sites/${siteId}/config`)).body.availability.online, { message: 'the poll to be held' });
    const stream = await openSse(`${url}/v1/agent/stream`, { cookie });
    assert.equal(stream.status, 200);

    child.kill('SIGTERM');
    const goodbye = await stream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'shutdown');
    assert.equal((await polling).status, 200, 'the held poll is answered, not dropped');
    assert.equal(await exited, 0, 'a clean exit, not the forced one (which exits 1)');

    // A second start finds its data and does not create another owner.
    const again = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    let second = '';
    again.stdout.on('data', (chunk) => (second += chunk));
    const secondExit = new Promise<number | null>((resolve) => again.on('exit', resolve));
    await waitFor(() => second.includes('Parley is running'), { timeoutMs: 20_000, message: () => `the second start:\n${second}` });
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

/** The built server (as `npm start` runs it) on a data directory, with its output collected. */
function launch(dataDir: string, port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return {
    child,
    exited,
    output: () => output,
    ready: () => waitFor(() => output.includes('Parley is running'), { timeoutMs: 20_000, message: () => `the server to start:\n${output}` }),
  };
}

test('after a kill -9 in the middle of a burst, every acknowledged message is stored exactly once, and so is every retried one', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-kill-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One visitor sends the whole burst: lift its per-minute budget (the budget is not under test).
  const env = { VISITOR_RATE_LIMIT: '100000', IP_RATE_LIMIT: '100000' };
  const processes: Array<ReturnType<typeof launch>> = [];
  try {
    const first = launch(dataDir, port, env);
    processes.push(first);
    await first.ready();
    const siteId = /data-site="([^"]+)"/.exec(await (await fetch(`${url}/`)).text())![1]!;
    const base = `${url}/v1/sites/${siteId}`;
    const session = await http(`${base}/session`, { method: 'POST', json: { context: { url: 'http://localhost/', title: 'Shop' } } });
    assert.equal(session.status, 200);
    const auth = { authorization: `Bearer ${session.body.token}` };
    const conversation = (await http(`${base}/conversations`, { method: 'POST', json: { clientId: 'start' }, headers: auth })).body.conversation;
    const send = (clientId: string) =>
      http(`${base}/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId, body: `message ${clientId}` }, headers: auth });

    // Four senders at once (so sends share commits), each until its first send without an answer.
    const acknowledged = new Set<string>();
    const unanswered = new Set<string>();
    const senders = Array.from({ length: 4 }, (_, s) => (async () => {
      for (let i = 0; i < 500; i++) {
        const clientId = `s${s}-${i}`;
        const result = await send(clientId).catch(() => null);
        if (result?.status !== 200) { unanswered.add(clientId); return; }
        acknowledged.add(clientId);
      }
    })());
    await waitFor(() => acknowledged.size >= 40);
    first.child.kill('SIGKILL');
    await Promise.all(senders);
    assert.equal(await first.exited, 'SIGKILL');
    assert.equal(unanswered.size, 4, 'every sender was cut off mid-burst');

    const second = launch(dataDir, port, env);
    processes.push(second);
    await second.ready();
    // The outbox retries what got no answer, with the same clientId.
    for (const clientId of unanswered) assert.equal((await send(clientId)).status, 200, clientId);

    const stored: Array<{ seq: number; clientId: string | null; author: string }> = [];
    for (let more = true; more;) {
      const after = stored.at(-1)?.seq ?? 0;
      const page = await http(`${base}/conversations/${conversation.id}/messages?after=${after}&limit=100`, { headers: auth });
      stored.push(...page.body.messages);
      more = page.body.messages.length === 100;
    }
    const clientIds = stored.filter((m) => m.author === 'visitor').map((m) => m.clientId!);
    assert.equal(clientIds.length, new Set(clientIds).size, 'no message stored twice');
    assert.deepEqual(new Set(clientIds), new Set([...acknowledged, ...unanswered]), 'every acknowledged and every retried message, and nothing else');
    assert.deepEqual(stored.map((m) => m.seq), stored.map((_, i) => i + 1), 'positions 1, 2, 3… with no gap or repeat');
  } finally {
    for (const { child } of processes) child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
