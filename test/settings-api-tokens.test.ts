/**
 * Settings → API tokens (issue 15) in Chromium with a real server: an owner creates a token, sees
 * it once with a copy button, a server uses it, the list says when it was last used, and revoking
 * it stops it at once. Screenshots at 1280 px and 768 px go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { http, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';

describe('Settings → API tokens', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  after(() => teardown.run());

  const asServer = (secret: string) => http(`${server.url}/v1/agent/conversations?view=all`, { headers: { authorization: `Bearer ${secret}` } });

  it('creates a token shown once with a copy button, lists its use, and revokes it at once', () =>
    withScreenshotsOnFailure('settings-api-tokens', () => [page], async () => {
      await signIn(page, server, 'owner@test.local', '/app/settings/api-tokens');
      await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
      await page.getByText('No tokens yet').waitFor();

      await page.getByLabel(/^Name/).fill('CRM sync');
      assert.ok(await page.getByRole('radio', { name: /Read only/ }).isChecked(), 'read-only unless asked for more');
      assert.ok(await page.getByRole('checkbox', { name: 'Test site' }).isChecked(), 'the site being edited is chosen');
      await page.getByRole('button', { name: 'Create token' }).click();

      const shown = page.getByRole('region', { name: 'API token “CRM sync”' });
      await shown.waitFor();
      const secret = await shown.getByRole('textbox').inputValue();
      assert.match(secret, /^parley_pat_[A-Za-z0-9_-]{43}$/);
      await shown.getByRole('button', { name: /^Copy/ }).click();
      await shown.getByRole('button', { name: /^Copy/ }).filter({ hasText: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the copy button copies the token');
      const row = page.locator('tr[data-token="CRM sync"]');
      await row.getByText('Read only').waitFor();
      await row.getByText('Test site').waitFor();
      await row.getByText('never').waitFor();
      await screenshot(page, 'settings-api-tokens-created-1280');

      // A server uses it; the page, reloaded, says so — and no longer has the token to show.
      assert.equal((await asServer(secret)).status, 200);
      await shown.getByRole('button', { name: 'I have saved it — hide' }).click();
      await shown.waitFor({ state: 'detached' });
      await page.reload();
      await page.locator('tr[data-token="CRM sync"]').getByText('just now').waitFor();
      assert.ok(!(await page.content()).includes(secret), 'shown once: not on the page again');
      assert.ok(await page.locator('tr[data-token="CRM sync"]').getByText(`parley_pat_…${secret.slice(-4)}`).isVisible(), 'told apart by its last four characters');

      await page.getByLabel(/^Name/).fill('Nightly export');
      await page.getByRole('radio', { name: /Read and write/ }).check();
      await page.getByRole('radio', { name: /All sites, including ones added later/ }).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByRole('region', { name: 'API token “Nightly export”' }).waitFor();
      const everywhere = page.locator('tr[data-token="Nightly export"]');
      await everywhere.getByText('Read and write').waitFor();
      await everywhere.getByText('All sites').waitFor();
      await page.getByRole('button', { name: 'I have saved it — hide' }).click();
      await screenshot(page, 'settings-api-tokens-list-1280');

      await page.getByRole('button', { name: 'Revoke CRM sync', exact: true }).click();
      await page.getByText('Servers using it are refused from the next request.').waitFor();
      await page.getByRole('button', { name: 'Revoke CRM sync now' }).click();
      await page.locator('tr[data-token="CRM sync"]').waitFor({ state: 'detached' });
      await page.getByText('Revoked tokens (1)').waitFor();
      const refused = await asServer(secret);
      assert.deepEqual([refused.status, refused.body.error.code], [401, 'PARLEY_ERR_TOKEN_REVOKED'], 'revoked at once');

      await page.getByText('Revoked tokens (1)').click();
      await page.setViewportSize({ width: 768, height: 1000 });
      await page.getByRole('button', { name: 'Revoke Nightly export', exact: true }).click();
      await screenshot(page, 'settings-api-tokens-768');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scroll at 768 px (${overflow} px too wide)`);
      await page.getByRole('button', { name: 'Keep' }).click();
      assert.equal((await http(`${server.url}/v1/agent/me`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);
    }));
});
