/**
 * The owner's Settings, end to end with a real server and Chromium: appearance pushed to open
 * widgets (a visitor stream gets the `config` event, the preview frame is the real widget page),
 * agents kept out, disabling an agent logs their open dashboard out, invitations by one-time link,
 * canned responses with `/`, visitor deletion, and an export that matches the database.
 * Screenshots of every settings page at 1280 px and tablet width go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';

const PAGES = ['Install', 'Allowed origins', 'Appearance', 'Availability', 'Pre-chat form', 'Identity verification', 'Agents', 'Canned responses', 'Data'];

describe('owner settings', () => {
  let server: TestServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let owner: Page;
  const pages: Page[] = [];
  const teardown = new Teardown();

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    ownerContext.setDefaultTimeout(10_000);
    owner = await ownerContext.newPage();
    pages.push(owner);
  });

  after(() => teardown.run());

  const settingsPage = async (page: Page, name: string) => {
    if (await page.getByRole('navigation', { name: 'Settings pages' }).count() === 0) {
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    }
    await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${name === 'Install' ? 'Install on' : name}`) }).waitFor();
  };

  it('changes the colour in Settings, warns about poor contrast, and open widgets get the new config on their stream', () =>
    withScreenshotsOnFailure('settings-appearance', () => pages, async () => {
      const visitor = await newVisitor(server);
      const stream = await visitor.stream(visitor.cursor);
      try {
        await signIn(owner, server, 'owner@test.local', '/app/settings/appearance');
        await owner.getByRole('heading', { name: 'Appearance' }).waitFor();

        await owner.getByLabel('Primary colour (hex)').fill('#ffeb3b');
        await owner.getByText(/White text on this colour is hard to read/).waitFor();
        await owner.getByLabel('Primary colour (hex)').fill('#0f766e');
        assert.equal(await owner.locator('.contrast-warning').count(), 0);
        await owner.getByLabel('Greeting').fill('Hello from the settings test');
        await owner.getByRole('button', { name: 'Save appearance' }).click();
        await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

        const config = await stream.until((event) => event.event === 'config' && event.data.config.color === '#0f766e');
        assert.equal(config.data.config.greeting, 'Hello from the settings test');
        assert.equal((await server.store.getSite(server.site.id))!.widget.color, '#0f766e');

        // The preview is the server's page embedding this site's real snippet.
        const frame = owner.frames().find((f) => f.url().endsWith(`/preview/${server.site.id}`));
        assert.ok(frame, 'the preview iframe is loaded');
        await frame.locator(`script[data-site="${server.site.id}"]`).waitFor({ state: 'attached' });
        if (existsSync('dist/widget/loader.js')) {
          // Built by the widget engineer: the real widget mounts its shadow host in the preview.
          await frame.waitForFunction(() => [...document.body.querySelectorAll('*')].some((element) => element.shadowRoot !== null));
          // What the screenshot is for: the preview (which opens the panel) showing what was just
          // saved — the launcher in the new colour and the new greeting, live, without a reload.
          await frame.waitForFunction((color) => {
            const launcher = document.querySelector('parley-widget')?.shadowRoot?.querySelector('button');
            return !!launcher && launcher.getBoundingClientRect().width > 0 && getComputedStyle(launcher).backgroundColor === color;
          }, 'rgb(15, 118, 110)');
          await frame.getByText('Hello from the settings test').waitFor();
        }
        await screenshot(owner, 'settings-preview-1280');
      } finally {
        stream.close();
      }
    }));

  it('shows every settings page at 1280 px and on a tablet', () =>
    withScreenshotsOnFailure('settings-pages', () => pages, async () => {
      for (const name of PAGES) {
        await settingsPage(owner, name);
        await screenshot(owner, `settings-${name.toLowerCase().replace(/[^a-z]+/g, '-')}-1280`);
      }
      const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
      tablet.setDefaultTimeout(10_000);
      const page = await tablet.newPage();
      pages.push(page);
      await signIn(page, server, 'owner@test.local', '/app/settings/install');
      for (const name of PAGES) {
        await settingsPage(page, name);
        await screenshot(page, `settings-${name.toLowerCase().replace(/[^a-z]+/g, '-')}-768`);
      }
      await tablet.close();
      pages.pop();
    }));

  it('rejects an origin the server would reject, saves valid ones, and shows the Open now / Closed now state', () =>
    withScreenshotsOnFailure('settings-origins', () => pages, async () => {
      await settingsPage(owner, 'Allowed origins');
      const field = owner.getByLabel('One origin a line');
      await field.fill('https://shop.example.com/path');
      await owner.getByText('Not an origin:').waitFor();
      assert.ok(await owner.getByRole('button', { name: 'Save origins' }).isDisabled());
      await field.fill('https://shop.example.com\nhttps://*.example.org\nhttp://localhost:5555');
      await owner.getByRole('button', { name: 'Save origins' }).click();
      await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      assert.deepEqual((await server.store.getSite(server.site.id))!.allowedOrigins, ['https://shop.example.com', 'https://*.example.org', 'http://localhost:5555']);

      await settingsPage(owner, 'Availability');
      await owner.getByLabel(/Only during business hours/).check();
      for (const day of ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']) {
        const box = owner.getByRole('row', { name: new RegExp(day) }).getByRole('checkbox');
        if (!(await box.isChecked())) await box.check();
        await owner.getByLabel(`${day} opens`).fill('00:00');
        await owner.getByLabel(`${day} closes`).fill('23:59');
      }
      await owner.getByText('Open now').waitFor();
      await owner.getByLabel('Sunday opens').fill('12:00');
      await owner.getByLabel('Sunday closes').fill('11:00');
      await owner.getByText('Each range must end after it starts.').waitFor();
      await owner.getByLabel('Sunday closes').fill('23:59');
      await owner.getByRole('button', { name: 'Save availability' }).click();
      await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
      assert.equal((await server.store.getSite(server.site.id))!.widget.businessHours!.days[1]![0]![1], '23:59');
    }));

  it('keeps agents out: no Settings link, and the admin API answers 403', () =>
    withScreenshotsOnFailure('settings-agent', () => pages, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(10_000);
      const alice = await context.newPage();
      pages.push(alice);
      await signIn(alice, server, 'alice@test.local', '/app/settings/agents');
      await alice.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inbox' }).waitFor();
      assert.equal(await alice.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).count(), 0);
      assert.equal(await alice.getByRole('heading', { name: 'Agents' }).count(), 0);
      const fromPage = await alice.evaluate(async () => {
        const response = await fetch('/v1/admin/sites');
        return { status: response.status, code: (await response.json()).error.code };
      });
      assert.deepEqual(fromPage, { status: 403, code: 'PARLEY_ERR_FORBIDDEN' });
      const api = await loginAgent(server, 'alice@test.local');
      const patch = await http(`${server.url}/v1/admin/sites/${server.site.id}`, {
        method: 'PATCH', json: { widget: { color: '#000000' } }, headers: { cookie: api.cookie, 'x-parley-csrf': api.csrf },
      });
      assert.equal(patch.status, 403);
      await context.close();
      pages.pop();
    }));

  it('logs a disabled agent’s open dashboard out at once, and refuses to demote the last owner', () =>
    withScreenshotsOnFailure('settings-disable', () => pages, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(10_000);
      const bob = await context.newPage();
      pages.push(bob);
      await signIn(bob, server, 'bob@test.local');

      await settingsPage(owner, 'Agents');
      await owner.getByRole('button', { name: 'Disable Bob (bob@test.local)' }).click();
      await owner.getByRole('button', { name: 'Enable Bob (bob@test.local)' }).waitFor();
      await bob.getByText(/An administrator ended your session/).waitFor();
      await bob.getByRole('button', { name: 'Sign in' }).waitFor();
      await screenshot(bob, 'settings-disabled-agent-login');

      await owner.getByLabel('Role of Olivia Owner (owner@test.local)').selectOption('agent');
      await owner.getByText(/This is the only active owner/).waitFor();
      assert.equal(await owner.getByLabel('Role of Olivia Owner (owner@test.local)').inputValue(), 'owner');
      await owner.getByRole('button', { name: 'Enable Bob (bob@test.local)' }).click();
      await owner.getByRole('button', { name: 'Disable Bob (bob@test.local)' }).waitFor();
      await context.close();
      pages.pop();
    }));

  it('invites someone by a one-time link: they set a password and land in the dashboard; the link then refuses', () =>
    withScreenshotsOnFailure('settings-invite', () => pages, async () => {
      await settingsPage(owner, 'Agents');
      await owner.getByLabel('Email').fill('carol@test.local');
      await owner.getByLabel('Name', { exact: true }).fill('Carol');
      await owner.getByRole('button', { name: 'Create invitation link' }).click();
      const link = await owner.locator('#one-time-link').inputValue();
      assert.match(link, /\/app\/redeem#token=/);
      await screenshot(owner, 'settings-invite-link-1280');

      await owner.getByLabel('Email').fill('alice@test.local');
      await owner.getByLabel('Name', { exact: true }).fill('Alice again');
      await owner.getByRole('button', { name: 'Create invitation link' }).click();
      await owner.getByText(/Someone with this email already has an account/).waitFor();

      const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      context.setDefaultTimeout(10_000);
      const carol = await context.newPage();
      pages.push(carol);
      await carol.goto(link);
      await carol.getByRole('heading', { name: /Welcome to Parley/ }).waitFor();
      await screenshot(carol, 'redeem-page-1024');
      assert.ok(!carol.url().includes('token='), 'the token leaves the address bar as soon as the page has read it');
      await carol.getByLabel(/^New password/).fill('a long enough password');
      await carol.getByLabel('Repeat the password').fill('a long enough password');
      await carol.getByRole('button', { name: 'Set password and sign in' }).click();
      await carol.locator('[data-state="live"]').waitFor();
      assert.equal(await carol.locator('.me').textContent(), 'Carol');
      assert.ok(!carol.url().includes('token='), 'the token leaves the address bar');
      assert.equal(await carol.getByRole('link', { name: 'Settings' }).count(), 0);

      // Carol changes her password on her Account page.
      await carol.getByRole('link', { name: 'Account' }).click();
      await carol.getByLabel('Current password').fill('wrong password!');
      await carol.getByLabel(/^New password/).fill('another long password');
      await carol.getByRole('button', { name: 'Change password' }).click();
      await carol.getByText('The current password is wrong.').waitFor();
      await carol.getByLabel('Current password').fill('a long enough password');
      await carol.getByRole('button', { name: 'Change password' }).click();
      await carol.getByText('Your password is changed.').waitFor();
      await context.close();

      const again = await browser.newContext();
      again.setDefaultTimeout(10_000);
      const late = await again.newPage();
      pages.splice(-1, 1, late);
      // Said as the page opens (issue 14), not after a new password has been typed twice.
      await late.goto(link);
      await late.getByRole('alert').getByText(/This link has already been used or has expired/).waitFor();
      assert.equal(await late.getByLabel(/^New password/).count(), 0, 'no form for a link that cannot work');
      await again.close();
      pages.pop();
      assert.equal((await loginAgent(server, 'carol@test.local', 'another long password')).me.user.name, 'Carol');
    }));

  it('inserts a canned response with / in the composer, names visitors in the queue, and deletes a visitor from the visitor panel', () =>
    withScreenshotsOnFailure('settings-canned', () => pages, async () => {
      await settingsPage(owner, 'Canned responses');
      await owner.getByLabel(/^Shortcut/).fill('shipping');
      await owner.getByLabel('Text').fill('We ship worldwide in 3–5 days.');
      await owner.getByRole('button', { name: 'Add response' }).click();
      await owner.getByRole('list', { name: 'Canned responses' }).getByText('/shipping').waitFor();

      const visitor = await newVisitor(server);
      await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Dana Visitor', email: 'dana@example.com' } });
      const { id } = await visitor.start();
      await visitor.send(id, 'Do you ship to Norway?');

      await owner.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inbox' }).click();
      const row = owner.locator(`[data-conversation-id="${id}"]`);
      await row.getByText('Dana Visitor').waitFor();
      await row.click();
      const composer = owner.getByLabel('Reply to the visitor');
      await composer.click();
      await composer.pressSequentially('/shi');
      await owner.getByRole('listbox', { name: 'Canned responses' }).getByText('/shipping').waitFor();
      await screenshot(owner, 'dashboard-canned-picker-1280');
      await composer.press('Enter');
      assert.equal(await composer.inputValue(), 'We ship worldwide in 3–5 days.');
      await composer.pressSequentially(' /zz');
      await owner.getByText('No canned response matches.').waitFor();
      await composer.press('Escape');
      assert.equal(await owner.getByRole('listbox', { name: 'Canned responses' }).count(), 0);
      await composer.fill('');

      await owner.getByRole('button', { name: "Delete this visitor's data…" }).click();
      await owner.getByRole('button', { name: 'Delete for good' }).click();
      await row.waitFor({ state: 'detached' });
      assert.equal(await server.store.getConversation(id), null);
    }));

  it('exports JSON whose conversations are exactly those in the database', () =>
    withScreenshotsOnFailure('settings-export', () => pages, async () => {
      for (const text of ['First export question', 'Second export question']) {
        const visitor = await newVisitor(server);
        const { id } = await visitor.start();
        await visitor.send(id, text);
      }
      await settingsPage(owner, 'Data');
      const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByRole('link', { name: 'Download JSON' }).click()]);
      const file = JSON.parse(readFileSync((await download.path())!, 'utf8'));

      const api = await loginAgent(server, 'owner@test.local');
      const listed = (await api.call('/conversations?view=all&limit=200')).body.conversations as Array<{ id: string; lastSeq: number }>;
      assert.deepEqual(
        file.conversations.map((c: any) => c.conversation.id).sort(),
        listed.map((c) => c.id).sort(),
      );
      for (const entry of file.conversations) {
        const messages = (await api.call(`/conversations/${entry.conversation.id}/messages?limit=100`)).body.messages;
        assert.deepEqual(entry.messages.map((m: any) => [m.id, m.body]), messages.map((m: any) => [m.id, m.body]));
      }
      assert.ok(file.conversations.length >= 2);
    }));
});
