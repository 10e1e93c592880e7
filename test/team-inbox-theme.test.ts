/**
 * The dashboard's dark theme (issue 14), in Chromium: it follows the system by default, the
 * Account page's switch overrides it (kept across reloads) and can hand back to the system; and
 * every page — login, inbox with a conversation, its labels and visitor history open, the merge
 * dialog, each settings page, the account page — is readable, measured: every text on screen has
 * at least WCAG's contrast with what it sits on (test/contrast-audit.ts), in dark and in light.
 * Screenshots at 1280 and 768 px, light and dark, go to /tmp/shots-F1/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { contrastFailures, describeFailures } from './contrast-audit.ts';
import { loginAgent, newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { shot } from './team-inbox-shots.ts';

describe('dashboard theme', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let conversationId: string;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    // Something to look at: labels, a returning visitor with a past conversation, a reply and a note.
    const owner = await loginAgent(server, 'owner@test.local');
    const labels = [];
    for (const [name, color] of [['Refund', '#e03131'], ['VIP', '#ffd43b'], ['Bug', '#7048e8']] as const) {
      labels.push((await owner.admin(`/sites/${server.site.id}/labels`, { method: 'POST', json: { name, color } })).body.label.id);
    }
    const visitor = await newVisitor(server);
    await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Dana Dark', email: 'dana@example.com' } });
    const past = await visitor.start();
    await visitor.send(past.id, 'An older question');
    await owner.send(past.id, 'An older answer');
    await owner.call(`/conversations/${past.id}/resolve`, { method: 'POST', json: {} });
    conversationId = (await visitor.start()).id;
    await visitor.send(conversationId, 'Is the night mode readable? https://example.com/order/12');
    await owner.send(conversationId, 'It should be — let me check.');
    await owner.send(conversationId, 'Customer since 2019', undefined, true);
    for (const id of labels.slice(0, 2)) await owner.call(`/conversations/${conversationId}/labels/${id}`, { method: 'PUT' });
    await owner.call(`/conversations/${past.id}/labels/${labels[2]}`, { method: 'PUT' });
    const other = await newVisitor(server);
    await other.send((await other.start()).id, 'Waiting for someone');
  });
  after(() => teardown.run());

  async function open(viewport: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<Page> {
    const context = await browser.newContext({ viewport, colorScheme });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    pages.push(page);
    return page;
  }
  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/app/`);
    await page.getByLabel('Email').fill('owner@test.local');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-state="live"]').waitFor();
  }
  const themeOf = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
  async function readable(page: Page, where: string): Promise<void> {
    // Transitions and the caret settle first: a colour caught mid-change is no colour at all.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const failures = await contrastFailures(page);
    assert.equal(failures.length, 0, `${where} (${await themeOf(page)}): text below WCAG contrast:\n${describeFailures(failures)}`);
  }

  it('follows the system by default, and the Account page switch overrides it for this browser, across reloads', () =>
    withScreenshotsOnFailure('theme-switch', () => pages, async () => {
      const page = await open({ width: 1280, height: 860 }, 'dark');
      await page.goto(`${server.url}/app/`);
      await page.getByLabel('Email').waitFor();
      assert.equal(await themeOf(page), 'dark', 'a dark system gets the dark theme before anyone chooses');
      await readable(page, 'login');
      await shot(page, 'login-1280-dark');
      await signIn(page);
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Account' }).click();
      await page.getByRole('radio', { name: /System/ }).waitFor();
      assert.equal(await page.getByRole('radio', { name: /System/ }).isChecked(), true);
      await page.getByRole('radio', { name: 'Light' }).check();
      assert.equal(await themeOf(page), 'light');
      await page.reload();
      await page.locator('[data-state="live"]').waitFor();
      assert.equal(await themeOf(page), 'light', 'the choice is kept');
      await page.getByRole('radio', { name: 'Dark' }).check();
      assert.equal(await themeOf(page), 'dark');
      await readable(page, 'account');
      await shot(page, 'account-1280-dark');
      await page.getByRole('radio', { name: /System/ }).check();
      await page.emulateMedia({ colorScheme: 'light' });
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      await page.context().close();
    }));

  for (const scheme of ['dark', 'light'] as const) {
    it(`keeps every page readable in the ${scheme} theme, at 1280 and 768 px`, () =>
      withScreenshotsOnFailure(`theme-${scheme}`, () => pages, async () => {
        const page = await open({ width: 1280, height: 860 }, scheme);
        await signIn(page);
        assert.equal(await themeOf(page), scheme);
        await readable(page, 'inbox');
        await page.getByRole('tab', { name: /Mine/ }).click();
        await page.locator(`.queue-list [data-conversation-id="${conversationId}"]`).click();
        await page.getByRole('log').getByText('Customer since 2019').waitFor();
        const panel = page.getByRole('complementary', { name: 'Visitor details' });
        await panel.getByRole('heading', { name: 'Conversations (2)' }).waitFor();
        await panel.locator('.past').nth(1).getByRole('button').first().click();
        await panel.getByText('An older answer').first().waitFor();
        await readable(page, 'conversation');
        await shot(page, `inbox-1280-${scheme}`);
        await page.getByRole('button', { name: '+ Label' }).click();
        await page.getByRole('group', { name: 'Labels for this conversation' }).waitFor();
        await readable(page, 'label menu');
        await shot(page, `label-menu-1280-${scheme}`);
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: /Saved views/ }).click();
        await readable(page, 'saved views');
        await page.keyboard.press('Escape');
        await panel.getByRole('button', { name: 'Merge with another visitor…' }).click();
        await page.getByLabel('Find the other visitor').fill('Waiting for someone');
        await page.getByRole('radio', { name: /Waiting for someone/ }).check();
        await readable(page, 'merge dialog');
        await shot(page, `merge-1280-${scheme}`);
        await page.getByRole('button', { name: 'Cancel' }).click();

        // Every settings page there is, as the navigation lists them (new pages are measured too).
        await page.goto(`${server.url}/app/settings/install`);
        const nav = page.getByRole('navigation', { name: 'Settings pages' });
        const names = await nav.getByRole('link').allTextContents();
        assert.ok(names.includes('Labels') && names.length >= 10, names.join());
        for (const name of names) {
          await nav.getByRole('link', { name, exact: true }).click();
          await nav.locator('a[aria-current="page"]').filter({ hasText: name }).waitFor();
          await page.locator('.settings-body').getByText(/^Loading/).first().waitFor({ state: 'detached' });
          await readable(page, `settings: ${name}`);
          if (name === 'Labels' || name === 'Agents') await shot(page, `settings-${name.toLowerCase()}-1280-${scheme}`);
        }

        await page.setViewportSize({ width: 768, height: 1024 });
        await page.goto(`${server.url}/app/c/${conversationId}`);
        await page.getByRole('log').getByText('Customer since 2019').waitFor();
        await readable(page, 'conversation at 768');
        await shot(page, `conversation-768-${scheme}`);
        await page.getByRole('button', { name: 'Visitor details' }).click();
        await page.getByRole('complementary', { name: 'Visitor details' }).getByRole('heading', { name: 'Conversations (2)' }).waitFor();
        await readable(page, 'visitor drawer at 768');
        await shot(page, `visitor-768-${scheme}`);
        await page.goto(`${server.url}/app/`);
        await page.locator('.queue-list .queue-item').first().waitFor();
        await readable(page, 'queue at 768');
        await shot(page, `queue-768-${scheme}`);
        await page.goto(`${server.url}/app/settings/labels`);
        await page.getByRole('heading', { level: 1, name: 'Labels' }).waitFor();
        await readable(page, 'labels at 768');
        await shot(page, `settings-labels-768-${scheme}`);
        await page.context().close();
      }));
  }
});
