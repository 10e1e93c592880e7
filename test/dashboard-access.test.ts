/**
 * Getting in, as a person meets it in Chromium: a disabled agent who knows their password is told
 * the account is disabled (PARLEY_ERR_ACCOUNT_DISABLED), while a wrong password says no more than
 * it ever did; and an invitation or reset link that cannot work says so as soon as it is opened —
 * used, expired, for an email that has an account by now, or for a disabled account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { http, loginAgent, PASSWORD, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { randomToken, sha256 } from '../server/auth/secrets.ts';

describe('dashboard access', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let owner: Awaited<ReturnType<typeof loginAgent>>;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    owner = await loginAgent(server, server.owner.email);
  });
  after(() => teardown.run());

  async function page(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const opened = await context.newPage();
    pages.push(opened);
    return opened;
  }

  const login = (email: string, password: string) => http(`${server.url}/v1/agent/login`, { method: 'POST', json: { email, password } });

  it('tells a disabled agent who knows the password that the account is disabled, and anyone else only that the login is wrong', () =>
    withScreenshotsOnFailure('access-disabled', () => pages, async () => {
      assert.equal((await owner.admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
      const right = await login(server.bob.email, PASSWORD);
      assert.deepEqual([right.status, right.body.error.code], [403, 'PARLEY_ERR_ACCOUNT_DISABLED']);
      assert.ok(!right.headers.getSetCookie().some((cookie) => cookie.startsWith('parley_session=')), 'no session for a disabled account');
      // A wrong password, or an email nobody has, answers exactly as for an enabled account.
      for (const [email, password] of [[server.bob.email, 'not the password'], [server.alice.email, 'not the password'], ['nobody@test.local', PASSWORD]] as const) {
        const wrong = await login(email, password);
        assert.deepEqual([wrong.status, wrong.body.error], [401, { code: 'PARLEY_ERR_INVALID_CREDENTIALS', message: 'Wrong email or password.' }], email);
      }

      const bob = await page();
      await bob.goto(`${server.url}/app/`);
      await bob.getByLabel('Email').fill(server.bob.email);
      await bob.getByLabel('Password').fill('not the password');
      await bob.getByRole('button', { name: 'Sign in' }).click();
      await bob.getByRole('alert').getByText('Wrong email or password.').waitFor();
      await bob.getByLabel('Password').fill(PASSWORD);
      await bob.getByRole('button', { name: 'Sign in' }).click();
      await bob.getByRole('alert').getByText(/This account is disabled\. Ask an owner/).waitFor();
      await screenshot(bob, 'access-disabled-login-1280');
      assert.equal(await bob.locator('[data-state]').count(), 0, 'still on the login form');
      await owner.admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { disabled: false } });
    }));

  it('says a used, expired or no longer usable link cannot be used as soon as it is opened, with no form to fill in', () =>
    withScreenshotsOnFailure('access-links', () => pages, async () => {
      const opened = await page();
      const refusal = opened.getByRole('alert');
      const open = async (url: string) => {
        await opened.goto('about:blank');
        await opened.goto(url);
      };

      // Used: an invitation redeemed once.
      const invite = (await owner.admin('/invites', { method: 'POST', json: { email: 'erin@test.local', name: 'Erin', role: 'agent', siteIds: [server.site.id] } })).body;
      const token = new URL(invite.url).hash.match(/token=([^&]+)/)![1]!;
      assert.equal((await http(`${server.url}/v1/agent/redeem`, { method: 'POST', json: { token, password: 'erin has a password' } })).status, 200);
      await open(invite.url);
      await refusal.getByText('This link has already been used or has expired. Ask your site owner for a new one.').waitFor();
      assert.equal(await opened.getByLabel(/^New password/).count(), 0);
      await screenshot(opened, 'access-link-used-1280');

      // Expired: still stored, past its time.
      const stale = randomToken();
      await server.store.createInvite(sha256(stale), { kind: 'invite', email: 'fred@test.local', name: 'Fred', role: 'agent', siteIds: [server.site.id], userId: null, expiresAt: Date.now() - 60_000 });
      await open(`${server.url}/app/redeem#token=${stale}&kind=invite`);
      await refusal.getByText(/already been used or has expired/).waitFor();
      const asked = await http(`${server.url}/v1/agent/link`, { method: 'POST', json: { token: stale } });
      assert.deepEqual([asked.status, asked.body.error.code], [410, 'PARLEY_ERR_LINK_INVALID']);

      // An invitation whose email has an account by now.
      const taken = randomToken();
      await server.store.createInvite(sha256(taken), { kind: 'invite', email: server.alice.email, name: 'Alice', role: 'agent', siteIds: [], userId: null, expiresAt: Date.now() + 60_000 });
      await open(`${server.url}/app/redeem#token=${taken}&kind=invite`);
      await refusal.getByText(/An account with this email already exists/).waitFor();

      // A reset for an account disabled since.
      const reset = (await owner.admin(`/users/${server.bob.id}/password-reset`, { method: 'POST', json: {} })).body;
      await owner.admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { disabled: true } });
      await open(reset.url);
      await refusal.getByText(/This account is disabled/).waitFor();
      await owner.admin(`/users/${server.bob.id}`, { method: 'PATCH', json: { disabled: false } });

      // A link that works still shows its form, saying whose account it is for; looking used nothing up.
      const fresh = (await owner.admin('/invites', { method: 'POST', json: { email: 'gina@test.local', name: 'Gina', role: 'agent', siteIds: [server.site.id] } })).body;
      await open(fresh.url);
      await opened.getByText('For gina@test.local').waitFor();
      await opened.getByLabel(/^New password/).fill('gina has a password');
      await opened.getByLabel('Repeat the password').fill('gina has a password');
      await opened.getByRole('button', { name: 'Set password and sign in' }).click();
      await opened.locator('[data-state="live"]').waitFor();
      assert.equal(await opened.locator('.me').textContent(), 'Gina');
    }));
});
