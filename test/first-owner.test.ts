/**
 * The first owner, as `npm start` makes them: a real server process on an empty database (SQLite,
 * and PostgreSQL when TEST_DATABASE_URL is set). At the first sign-in the dashboard asks for the
 * name visitors will see, so replies never go out as "Owner"; and an owner who lost the printed
 * password gets back in with `npm run login-link -- --email …`, which works on either engine.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { freePort, http } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

interface Started { url: string; env: Record<string, string>; email: string; password: string; siteId: string }

/** `node server/main.ts` on an empty database; resolves once it printed the first owner's login. */
async function firstStart(teardown: Teardown, database: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'warn', ...database };
  const child = spawn(process.execPath, ['server/main.ts'], { env: { ...process.env, ...env } });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  teardown.add(child, async (running) => { running.kill('SIGKILL'); await exited; });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await waitFor(() => output.includes('Parley is running'), { timeoutMs: 30_000, message: () => `the server to start:\n${output}` });
  const email = /email: +(\S+)/.exec(output)?.[1];
  const password = /password: +(\S+)/.exec(output)?.[1];
  assert.ok(email && password, `the first start printed a login:\n${output}`);
  assert.match(output, new RegExp(`npm run login-link -- --email ${email.replace(/[.]/g, '\\.')}`), 'and says how to recover it');
  const siteId = /data-site="([^"]+)"/.exec(await (await fetch(`${url}/`)).text())![1]!;
  return { url, env, email, password, siteId };
}

/** The command, as an operator runs it beside the server (same environment). */
function loginLink(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, ['server/login-link.ts', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function engineCases(engine: string, database: (teardown: Teardown) => Promise<Record<string, string>>) {
  describe(`the first owner on ${engine}`, () => {
    const teardown = new Teardown();
    let browser: Browser;
    let started: Started;
    const pages: Page[] = [];

    before(async () => {
      ensureDashboardBuilt();
      started = await firstStart(teardown, await database(teardown));
      browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    });
    after(() => teardown.run());

    it('is asked for their name at the first sign-in, and visitors see that name beside the reply, never "Owner"', () =>
      withScreenshotsOnFailure(`first-owner-name-${engine}`, () => pages, async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        context.setDefaultTimeout(15_000);
        const page = await context.newPage();
        pages.push(page);
        await signIn(page, started.url, started.email, started.password);
        await page.getByRole('heading', { name: /Welcome to Parley/ }).waitFor();
        assert.equal(await page.getByRole('navigation', { name: 'Sections' }).count(), 0, 'nothing else until there is a name');
        assert.equal(await page.getByLabel('Your name').inputValue(), '');
        await screenshot(page, `first-owner-welcome-${engine}-1280`);
        await page.getByLabel('Your name').fill('Olga Marsh');
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.locator('[data-state="live"]').waitFor();
        assert.equal(await page.locator('.me').textContent(), 'Olga Marsh');

        // A visitor of the demo site writes; the owner answers from the dashboard.
        const base = `${started.url}/v1/sites/${started.siteId}`;
        const origin = { origin: started.url };
        const session = await http(`${base}/session`, { method: 'POST', json: {}, headers: origin });
        const auth = { ...origin, authorization: `Bearer ${session.body.token}` };
        const { conversation } = (await http(`${base}/conversations`, { method: 'POST', json: { clientId: 'c1' }, headers: auth })).body;
        await http(`${base}/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId: 'm1', body: 'Who am I talking to?' }, headers: auth });
        await page.locator(`[data-conversation-id="${conversation.id}"]`).click();
        await page.getByLabel('Reply to the visitor').fill('Olga here, hello!');
        await page.getByLabel('Reply to the visitor').press('Enter');
        const reply = await waitFor(async () => {
          const history = await http(`${base}/conversations/${conversation.id}/messages`, { headers: auth });
          return history.body.messages.find((m: { author: string }) => m.author === 'agent');
        }, { message: 'the reply in the visitor\'s history' });
        assert.equal(reply.agent.name, 'Olga Marsh');
        const joined = (await http(`${base}/conversations/${conversation.id}/messages`, { headers: auth })).body.messages
          .find((m: { system: { kind: string } | null }) => m.system?.kind === 'joined');
        assert.equal(joined.system.agentName, 'Olga Marsh');
        await context.close();
        pages.pop();
      }));

    it('gets back in with `npm run login-link` after losing the password: a one-time link that sets a new one', () =>
      withScreenshotsOnFailure(`first-owner-link-${engine}`, () => pages, async () => {
        const unknown = loginLink(started.env, '--email', 'nobody@example.com');
        assert.equal(unknown.code, 1);
        assert.match(unknown.err, new RegExp(`no account has the email nobody@example\\.com\\. Owners: ${started.email.replace(/[.]/g, '\\.')}\\.`));
        assert.equal(loginLink(started.env).code, 2, 'no --email: a usage error');

        const made = loginLink(started.env, '--email', started.email.toUpperCase());
        assert.equal(made.code, 0, made.err);
        const link = /(http:\/\/\S+\/app\/redeem#token=\S+&kind=reset)/.exec(made.out)?.[1];
        if (!link?.startsWith(started.url)) assert.fail(`a link to this server:\n${made.out}`);

        const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
        context.setDefaultTimeout(15_000);
        const page = await context.newPage();
        pages.push(page);
        await page.goto(link);
        await page.getByRole('heading', { name: /Choose a new password/ }).waitFor();
        await page.getByText(`For ${started.email}`).waitFor();
        await screenshot(page, `login-link-${engine}-1024`);
        await page.getByLabel(/^New password/).fill('a brand new password');
        await page.getByLabel('Repeat the password').fill('a brand new password');
        await page.getByRole('button', { name: 'Set password and sign in' }).click();
        await page.locator('[data-state="live"]').waitFor();
        assert.equal(await page.locator('.me').textContent(), 'Olga Marsh');
        await context.close();
        pages.pop();

        const login = (password: string) => http(`${started.url}/v1/agent/login`, { method: 'POST', json: { email: started.email, password } });
        assert.equal((await login(started.password)).status, 401, 'the lost password no longer works');
        assert.equal((await login('a brand new password')).status, 200);
        // The link worked once.
        const again = await browser.newPage();
        pages.push(again);
        await again.goto(link);
        await again.getByRole('alert').getByText(/This link has already been used or has expired/).waitFor({ timeout: 15_000 });
        await again.close();
        pages.pop();
      }));
  });
}

engineCases('SQLite', async (teardown) => {
  const dataDir = teardown.add(mkdtempSync(join(tmpdir(), 'parley-first-owner-')), (dir) => rmSync(dir, { recursive: true, force: true }));
  return { DATA_DIR: dataDir };
});

const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) {
  engineCases('PostgreSQL', async (teardown) => {
    const database = `parley_first_owner_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    teardown.add(admin, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
    });
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    // A data directory all the same: the server keeps nothing there on PostgreSQL, but must not use ./data.
    const dataDir = teardown.add(mkdtempSync(join(tmpdir(), 'parley-first-owner-pg-')), (dir) => rmSync(dir, { recursive: true, force: true }));
    return { DATABASE_URL: url.toString(), DATA_DIR: dataDir };
  });
}
