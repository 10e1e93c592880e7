/**
 * The owner's Settings as the outside walk-through met them (issue 14), in Chromium with a real
 * server: no settings page scrolls sideways, at 1280 px or 768 px; the appearance preview follows
 * edits before they are saved while visitors see nothing until Save; and a canned shortcut that is
 * taken is refused (409 PARLEY_ERR_SHORTCUT_TAKEN) with the form saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

/** The preview is the real widget: it must be built (npm run build does; this is the same step). */
function ensureWidgetBuilt(): void {
  if (existsSync('dist/widget/loader.js')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'widget/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the widget failed');
}

/** What scrolls sideways on the page: the document itself, or any box of it but a code sample or a text field. */
const sidewaysScrollers = (page: Page) => page.evaluate(() => {
  const found: string[] = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) found.push(`the page (${root.scrollWidth} px in ${root.clientWidth} px)`);
  for (const element of document.querySelectorAll<HTMLElement>('body *')) {
    if (element.closest('pre, code, textarea, select, iframe')) continue;
    const { overflowX } = getComputedStyle(element);
    if ((overflowX === 'auto' || overflowX === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
      found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} (${element.scrollWidth} px in ${element.clientWidth} px)`);
    }
  }
  return found;
});

describe('settings walk-through', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    ensureWidgetBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });
  after(() => teardown.run());

  const settingsNav = (page: Page) => page.getByRole('navigation', { name: 'Settings pages' });

  it('scrolls no settings page sideways, at 1280 px or at 768 px', () =>
    withScreenshotsOnFailure('settings-sideways', () => pages, async () => {
      const offenders: string[] = [];
      for (const viewport of [{ width: 1280, height: 860 }, { width: 768, height: 1024 }]) {
        const context = await browser.newContext({ viewport, hasTouch: viewport.width < 1000 });
        context.setDefaultTimeout(15_000);
        const page = await context.newPage();
        pages.push(page);
        await signIn(page, server, server.owner.email, '/app/settings/install');
        // Every page the navigation lists, so a page added later is checked too.
        const names = await settingsNav(page).getByRole('link').allTextContents();
        assert.ok(names.includes('Availability') && names.length >= 9, `the settings pages: ${names.join(', ')}`);
        for (const name of names) {
          await settingsNav(page).getByRole('link', { name, exact: true }).click();
          await page.locator('.settings-body h1').first().waitFor();
          if (name === 'Availability') {
            // With business hours on, the week's table is on the page too.
            const hours = page.getByLabel(/Only during business hours/);
            if (!(await hours.isChecked())) await hours.check();
            await page.getByLabel('Monday opens').waitFor();
            await screenshot(page, `settings-availability-${viewport.width}`);
          }
          for (const what of await sidewaysScrollers(page)) offenders.push(`${name} at ${viewport.width} px: ${what}`);
        }
        await context.close();
        pages.pop();
      }
      assert.deepEqual(offenders, []);
    }));

  it('shows unsaved appearance edits in the preview at once, publishes nothing to visitors until Save, then publishes them', () =>
    withScreenshotsOnFailure('settings-preview-draft', () => pages, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      context.setDefaultTimeout(15_000);
      const owner = await context.newPage();
      pages.push(owner);
      const visitor = await newVisitor(server);
      const stream = await visitor.stream(visitor.cursor);
      try {
        await signIn(owner, server, server.owner.email, '/app/settings/appearance');
        await owner.getByRole('heading', { name: 'Appearance' }).waitFor();
        const frame: Frame = await waitFor(() => owner.frames().find((f) => f.url().endsWith(`/preview/${server.site.id}`)), { message: 'the preview frame' });
        const saved = (await server.store.getSite(server.site.id))!.widget;
        await frame.getByText(saved.greeting).waitFor();

        await owner.getByLabel('Greeting').fill('Trying a new greeting');
        await owner.getByLabel('Team name').fill('Draft team');
        await owner.getByLabel('Primary colour (hex)').fill('#7c3aed');
        await frame.getByText('Trying a new greeting').waitFor();
        await frame.getByText('Draft team').first().waitFor();
        await owner.getByText('Unsaved changes').waitFor();
        await screenshot(owner, 'settings-preview-unsaved-1280');
        // Nothing left the page: the database and visitors' widgets still have the saved look.
        assert.equal((await server.store.getSite(server.site.id))!.widget.greeting, saved.greeting);
        assert.equal(stream.events.filter((event) => event.event === 'config').length, 0, 'no config event reached a visitor');

        // Back to the saved text: the preview follows that too.
        await owner.getByLabel('Greeting').fill(saved.greeting);
        await frame.getByText(saved.greeting).waitFor();
        await owner.getByLabel('Greeting').fill('Published greeting');
        await owner.getByRole('button', { name: 'Save appearance' }).click();
        await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
        const published = await stream.until((event) => event.event === 'config');
        assert.deepEqual([published.data.config.greeting, published.data.config.teamName, published.data.config.color], ['Published greeting', 'Draft team', '#7c3aed']);
        await frame.getByText('Published greeting').waitFor();
        assert.equal(await owner.getByText('Unsaved changes').count(), 0);
      } finally {
        stream.close();
        await context.close();
        pages.pop();
      }
    }));

  it('refuses a canned shortcut the site already has: the form says so as it is typed, and the server answers 409 for a list that was out of date', () =>
    withScreenshotsOnFailure('settings-canned-duplicate', () => pages, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      context.setDefaultTimeout(15_000);
      const owner = await context.newPage();
      pages.push(owner);
      await signIn(owner, server, server.owner.email, '/app/settings/canned');
      await owner.getByRole('heading', { name: 'Canned responses' }).waitFor();
      await owner.getByLabel(/^Shortcut/).fill('returns');
      await owner.getByLabel('Text').fill('Returns are free within 30 days.');
      await owner.getByRole('button', { name: 'Add response' }).click();
      await owner.getByRole('list', { name: 'Canned responses' }).getByText('/returns').waitFor();

      await owner.getByLabel(/^Shortcut/).fill('returns');
      await owner.getByLabel('Text').fill('Something else entirely.');
      await owner.getByRole('alert').getByText('There is already a /returns response for this site. Delete it first, or choose another shortcut.').waitFor();
      assert.ok(await owner.getByRole('button', { name: 'Add response' }).isDisabled());

      // Another owner adds /gift meanwhile: this page's list does not know, the server does.
      const other = await loginAgent(server, server.owner.email);
      const first = await other.admin(`/sites/${server.site.id}/canned`, { method: 'POST', json: { shortcut: 'gift', body: 'Gift wrapping is free.' } });
      assert.equal(first.status, 200);
      const again = await other.admin(`/sites/${server.site.id}/canned`, { method: 'POST', json: { shortcut: 'gift', body: 'Overwritten?' } });
      assert.deepEqual([again.status, again.body.error.code], [409, 'PARLEY_ERR_SHORTCUT_TAKEN']);
      await owner.getByLabel(/^Shortcut/).fill('gift');
      await owner.getByRole('button', { name: 'Add response' }).click();
      // Refused, and the list catches up to show the response that has the shortcut.
      await owner.getByRole('alert').getByText('There is already a /gift response for this site. Delete it first, or choose another shortcut.').waitFor();
      await owner.getByRole('list', { name: 'Canned responses' }).getByText('Gift wrapping is free.').waitFor();
      assert.equal(await owner.getByRole('alert').count(), 1, 'said once');
      await screenshot(owner, 'settings-canned-duplicate-1280');
      const bodies = (await server.store.listCanned([server.site.id])).map((c) => [c.shortcut, c.body]);
      assert.deepEqual(bodies, [['gift', 'Gift wrapping is free.'], ['returns', 'Returns are free within 30 days.']], 'nothing was overwritten');
      await context.close();
      pages.pop();
    }));
});
