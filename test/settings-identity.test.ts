/**
 * Settings → Identity verification: with "Require verified identities" on, the owner chooses what
 * anonymous visitors get (issue 14, defect 3) — the launcher and a "sign in" note, or no launcher —
 * and the choice is stored with the site's widget settings, where widgets read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';

describe('identity settings: what anonymous visitors see', () => {
  let server: TestServer;
  let browser: Browser;
  const teardown = new Teardown();

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });
  after(() => teardown.run());

  it('lets the owner hide the launcher from anonymous visitors once verified identities are required', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page: Page = await context.newPage();
    try {
      await withScreenshotsOnFailure('settings-identity-unverified', () => [page], async () => {
        await signIn(page, server, server.owner.email, '/app/settings/identity');
        const choices = page.getByRole('group', { name: 'What visitors who are not signed in see' });
        const note = choices.getByRole('radio', { name: /Sign in to chat with us/ });
        const none = choices.getByRole('radio', { name: 'No chat button at all' });
        // Nothing to choose while anyone may chat.
        assert.equal(await note.isChecked(), true);
        assert.equal(await none.isDisabled(), true);

        // The box shows the click at once (check() fails if it does not turn checked), then saves.
        const required = page.getByRole('checkbox', { name: 'Only visitors identified by your server may chat' });
        await required.check();
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
        assert.equal(await required.isChecked(), true, 'still checked once saved');
        await none.check();
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
        const stored = (await server.store.getSite(server.site.id))!.widget;
        assert.equal(stored.requireVerifiedIdentity, true);
        assert.equal(stored.whenUnverified, 'hide');
        await screenshot(page, 'settings-identity-1280');

        // Stored, not just shown: after a reload the choice is still there.
        await page.reload();
        await none.waitFor();
        assert.equal(await none.isChecked(), true);
        await page.setViewportSize({ width: 768, height: 1000 });
        await screenshot(page, 'settings-identity-768');

        await note.check();
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
        assert.equal((await server.store.getSite(server.site.id))!.widget.whenUnverified, 'message');
      });
    } finally {
      await context.close();
    }
  });
});
