/**
 * Satisfaction ratings end to end in Chromium (issue 15): an agent resolves a conversation in the
 * dashboard, the visitor's widget asks for a rating at once, the visitor rates and comments, and
 * the agent sees it live under the conversation and in the visitor panel; a rating given while the
 * server cannot be reached — kept across a reload — is delivered exactly once when it is back; the
 * owner's question and thumbs scale reach an open widget, and turning ratings off stops the asking.
 * Screenshots (phone for the widget, 1280 and 768 px for the dashboard) go to /tmp/shots-Q/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, PASSWORD, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { openWidget, say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

const SHOTS = '/tmp/shots-Q';
const PHONE = { viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true };
const ASK = 'How would you rate this conversation?';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await screenshot(page, `csat-${name}`);
}

describe('satisfaction ratings in the browser', () => {
  let world: WidgetWorld;
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    world = await startWidgetWorld();
    ({ server, host, browser } = world);
    host.setHtml(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Shop</title><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}`);
  });
  after(() => world?.close());

  async function newPage(options: Parameters<Browser['newContext']>[0]): Promise<Page> {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    pages.push(page);
    return page;
  }
  async function dashboard(email: string, viewport = { width: 1280, height: 860 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await newPage({ viewport, colorScheme });
    await page.goto(`${server.url}/app/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-state="live"]').waitFor();
    return page;
  }
  /** A visitor who wrote in the widget, on a phone; answers the conversation's id (the first message's). */
  async function visitorWrites(text: string): Promise<{ page: Page; conversationId: string }> {
    const page = await newPage(PHONE);
    await page.goto(host.url('/'));
    await openWidget(page);
    const stored = page.waitForResponse((r) => r.url().endsWith('/messages') && r.request().method() === 'POST' && r.ok());
    await say(page, text);
    const { message } = await (await stored).json();
    return { page, conversationId: message.conversationId };
  }
  const question = (page: Page, name = ASK) => page.getByRole('group', { name });

  it('asks the visitor when the agent resolves, and shows the agent the rating live, under the conversation and in the visitor panel', () =>
    withScreenshotsOnFailure('csat-live', () => pages, async () => {
      const { page: widget, conversationId } = await visitorWrites('My parcel has not arrived');
      const alice = await loginAgent(server, server.alice.email);
      await alice.send(conversationId, 'Sorry about that — it ships today, tracking is on its way.');
      const agent = await dashboard(server.alice.email);
      await agent.goto(`${server.url}/app/c/${conversationId}`);
      await agent.getByRole('log').getByText('it ships today').waitFor();
      assert.equal(await question(widget).count(), 0, 'nothing is asked before the conversation is resolved');

      await agent.getByRole('button', { name: 'Resolve' }).click();
      await question(widget).waitFor();
      await widget.getByRole('button', { name: '4 stars' }).waitFor();
      await shot(widget, 'widget-asks-phone');
      await widget.getByRole('button', { name: '4 stars' }).click();
      await question(widget).getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Quick and friendly, thank you');
      await shot(widget, 'widget-comment-phone');
      await question(widget).getByRole('button', { name: 'Send rating' }).click();
      await question(widget).getByText('Thank you for your feedback!').waitFor();
      assert.equal(await widget.getByRole('button', { name: '4 stars' }).getAttribute('aria-pressed'), 'true');
      await shot(widget, 'widget-thanks-phone');

      // Live in the dashboard, without a reload.
      const card = agent.locator('.rating-card');
      await card.getByText('“Quick and friendly, thank you”').waitFor();
      assert.match(await card.innerText(), /Visitor’s rating\s+★★★★☆ 4\/5/);
      assert.match(await card.innerText(), /for Alice/);
      const panel = agent.getByRole('complementary', { name: 'Visitor details' });
      await panel.getByRole('heading', { name: 'Ratings (1)' }).waitFor();
      await panel.getByRole('img', { name: '4 out of 5' }).waitFor();
      await shot(agent, 'dashboard-rating-1280');
      await agent.setViewportSize({ width: 768, height: 900 });
      await agent.locator('.rating-card').waitFor();
      await shot(agent, 'dashboard-rating-768');
      const dark = await dashboard(server.alice.email, { width: 1280, height: 860 }, 'dark');
      await dark.goto(`${server.url}/app/c/${conversationId}`);
      await dark.locator('.rating-card').getByText('4/5').waitFor();
      await shot(dark, 'dashboard-rating-1280-dark');

      // A reload shows what was given, not the question again.
      await widget.reload();
      await openWidget(widget);
      await question(widget).getByText('Thank you for your feedback!').waitFor();
      assert.equal(await question(widget).getByRole('button', { name: 'Send rating' }).count(), 0);
      const stored = await alice.call(`/conversations/${conversationId}/rating`);
      assert.deepEqual([stored.body.rating.score, stored.body.rating.comment], [4, 'Quick and friendly, thank you']);
    }));

  it('delivers a rating given while the server is unreachable exactly once, after a reload, when it is back', () =>
    withScreenshotsOnFailure('csat-offline', () => pages, async () => {
      const { page: widget, conversationId } = await visitorWrites('Can I change my address?');
      const bob = await loginAgent(server, server.bob.email);
      const stream = await bob.stream(bob.me.cursor);
      try {
        await bob.send(conversationId, 'Done — it is changed.');
        await bob.call(`/conversations/${conversationId}/resolve`, { method: 'POST', json: {} });
        await question(widget).waitFor();

        // The page and the widget's scripts still load; only the API is gone (as in widget-resilience).
        await widget.context().route(`${server.url}/v1/**`, (route) => route.abort('internetdisconnected'));
        // Each attempt the widget makes, and when: it waits between them (at least half a second).
        const attempts: number[] = [];
        const ratingPost = (request: { url(): string; method(): string }) => request.method() === 'POST' && request.url().endsWith('/rating');
        widget.on('requestfailed', (request) => { if (ratingPost(request)) attempts.push(Date.now()); });
        const firstFailed = widget.waitForEvent('requestfailed', ratingPost);
        await widget.getByRole('button', { name: '5 stars' }).click();
        await question(widget).getByRole('button', { name: 'Send rating' }).click();
        await question(widget).getByText('Thank you for your feedback!').waitFor();
        await firstFailed;
        await widget.reload();
        const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
        assert.ok(gaps.every((gap) => gap >= 400), `the widget waits between attempts, not ${JSON.stringify(gaps)} ms`);
        await openWidget(widget);
        await shot(widget, 'widget-offline-phone');
        assert.equal((await bob.call(`/conversations/${conversationId}/rating`)).body.rating, null, 'nothing reached the server yet');

        await widget.context().unroute(`${server.url}/v1/**`);
        const heard = await stream.until((e) => e.event === 'rating.submitted' && e.data.conversationId === conversationId, 60_000);
        assert.equal(heard.data.rating.score, 5);
        await question(widget).getByText('Thank you for your feedback!').waitFor();
        // Once: the log holds one rating event for it, however many times the widget tried.
        const events = await bob.call(`/events?cursor=${encodeURIComponent(bob.me.cursor)}&wait=0`);
        const ratings = (events.body.events as Array<{ type: string; data: { conversationId?: string } }>)
          .filter((e) => e.type === 'rating.submitted' && e.data.conversationId === conversationId);
        assert.equal(ratings.length, 1);
        assert.equal((await bob.call(`/conversations/${conversationId}/rating`)).body.rating.score, 5);
      } finally {
        stream.close();
      }
    }));

  it('asks in the owner\'s words on the owner\'s scale, at once, and stops asking when the owner turns it off', () =>
    withScreenshotsOnFailure('csat-settings', () => pages, async () => {
      const { page: widget, conversationId } = await visitorWrites('Is there a student discount?');
      const alice = await loginAgent(server, server.alice.email);
      await alice.send(conversationId, 'Yes: 20 % with a student card.');
      await alice.call(`/conversations/${conversationId}/resolve`, { method: 'POST', json: {} });
      await question(widget).waitFor();

      const owner = await dashboard('owner@test.local');
      await owner.goto(`${server.url}/app/settings/satisfaction`);
      await owner.getByRole('heading', { name: 'Satisfaction', level: 1 }).waitFor();
      await owner.getByRole('radio', { name: /Thumbs up or down/ }).check();
      await owner.getByLabel('Question').fill('Did we solve your problem?');
      await owner.getByRole('button', { name: 'Save satisfaction settings' }).click();
      await owner.getByRole('status').getByText('Saved').waitFor();
      await shot(owner, 'settings-satisfaction-1280');

      // The open widget follows without a reload (the config event).
      const asked = question(widget, 'Did we solve your problem?');
      await asked.getByText('Did we solve your problem?').waitFor();
      await asked.getByRole('button', { name: 'Good', exact: true }).click();
      await shot(widget, 'widget-thumbs-phone');
      await asked.getByRole('button', { name: 'Send rating' }).click();
      await asked.getByText('Thank you for your feedback!').waitFor();
      const stored = await alice.call(`/conversations/${conversationId}/rating`);
      assert.deepEqual([stored.body.rating.score, stored.body.rating.scale], [5, 'thumbs']);

      await owner.getByRole('checkbox', { name: /Ask visitors for a rating/ }).uncheck();
      await owner.getByRole('button', { name: 'Save satisfaction settings' }).click();
      await owner.getByRole('status').getByText('Saved').waitFor();
      await asked.waitFor({ state: 'detached' });
      const next = await visitorWrites('One more question');
      await alice.send(next.conversationId, 'Sure.');
      await alice.call(`/conversations/${next.conversationId}/resolve`, { method: 'POST', json: {} });
      await next.page.getByText('The conversation was marked as resolved').waitFor();
      assert.equal(await next.page.getByRole('group').count(), 0, 'no rating asked while turned off');
      await server.store.updateSite(server.site.id, { widget: { rating: { enabled: true, scale: 'five', question: '' } } });
    }));
});
