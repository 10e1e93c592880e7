/**
 * A site that requires verified identities (issue 14, defect 3) must not strand an anonymous
 * visitor behind a normal-looking composer, "Connecting…" for ever and a console full of 403s. The
 * owner chooses between a calm "sign in" note and no launcher at all; the developer gets one
 * console line saying the page must call identify; the widget asks the server nothing it would
 * refuse; and once the page identifies the visitor, it works at once, without a reload.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, ConsoleMessage, Page, Request, Route } from 'playwright-core';
import type { WidgetConfig } from '../protocol/protocol.ts';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, SITE_SECRET, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { waitFor } from './wait-for.ts';
import { say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;
let owner: Awaited<ReturnType<typeof loginAgent>>;

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function configure(widget: Partial<Omit<WidgetConfig, 'siteId'>>): Promise<void> {
  const result = await owner.admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget } });
  assert.equal(result.status, 200, JSON.stringify(result.body));
}

/** The identity hash the site's own server computes for a signed-in user. */
const hashOf = (id: string) => createHmac('sha256', SITE_SECRET).update(id).digest('hex');

/** What the site's own server renders into the page once the visitor has signed in. */
function identify(page: Page, id: string): Promise<void> {
  return page.evaluate(([id, hash]) => (window as any).Parley('identify', { id, name: `User ${id}`, hash }), [id, hashOf(id)]);
}

/** Everything the page said in its console, and every request it made to the Parley API. */
function watch(page: Page) {
  const consoled: ConsoleMessage[] = [];
  const requests: Request[] = [];
  page.on('console', (message) => consoled.push(message));
  page.on('request', (request) => { if (request.url().startsWith(`${server.url}/v1/`)) requests.push(request); });
  return {
    parleyLines: () => consoled.filter((m) => m.text().startsWith('Parley')).map((m) => m.text()),
    errors: () => consoled.filter((m) => m.type() === 'error').map((m) => m.text()),
    refused: async () => (await Promise.all(requests.map(async (r) => ((await r.response())?.status() ?? 0)))).filter((s) => s === 403).length,
    paths: () => requests.map((r) => `${r.method()} ${new URL(r.url()).pathname.replace(`/v1/sites/${server.site.id}`, '')}`),
  };
}

const shop = (head = '') => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${head}</head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`;
/** The page of a site whose user is signed in: the identify call is queued by the snippet's stub before the widget has loaded. */
const signedInShop = (id: string, name: string) =>
  shop(`<script>window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) }; Parley('identify', { id: '${id}', name: '${name}', hash: '${hashOf(id)}' });</script>`);
const note = (page: Page, text = 'Sign in to chat with us.') => page.getByRole('status').filter({ hasText: text });
const launcher = (page: Page) => page.getByRole('button', { name: /chat with us/i });

describe('widget on a site that requires verified identities', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server } = world);
    host.setHtml(shop());
    owner = await loginAgent(server, server.owner.email);
    await configure({ requireVerifiedIdentity: true });
  });
  after(() => world?.close());

  it('asks an anonymous visitor to sign in, tells the developer once, sends nothing it would be refused, and chats as soon as the page identifies them', async () => {
    const agent = await loginAgent(server, server.alice.email);
    const stream = await agent.stream();
    const context: BrowserContext = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-verified-note', () => [page], async () => {
        // The page's clock, so minutes of retrying (were there any) pass in a moment.
        await page.clock.install();
        const seen = watch(page);
        await page.goto(host.url('/'));
        await launcher(page).click();
        await note(page).waitFor();
        assert.equal(await page.getByRole('textbox', { name: 'Message' }).count(), 0, 'no composer to type into');
        assert.equal(await page.getByText('Connecting…').count(), 0);
        await waitFor(() => seen.parleyLines().length > 0, { message: 'the console line for the developer' });
        await screenshot(page, 'widget-verified-note-1280');

        // Two minutes later: still one line, and not one request the server refused.
        for (let i = 0; i < 6; i++) await page.clock.fastForward(20_000);
        assert.equal(await note(page).count(), 1);

        // The page identifies the visitor (they signed in): the composer replaces the note, no reload.
        await identify(page, 'u-1001');
        const box = page.getByRole('textbox', { name: 'Message' });
        await box.waitFor();
        const lines = seen.parleyLines();
        assert.equal(lines.length, 1, lines.join('\n'));
        assert.match(lines[0]!, /verified.*Parley\('identify'/);
        assert.equal(await seen.refused(), 0, `requests: ${seen.paths().join(', ')}`);
        assert.deepEqual(seen.errors().filter((text) => /403|Forbidden/.test(text)), []);
        const beforeIdentify = seen.paths().slice(0, seen.paths().indexOf('PATCH /visitor'));
        assert.ok(!beforeIdentify.some((p) => /stream|conversations|events/.test(p)), `asked before identify: ${beforeIdentify.join(', ')}`);

        await say(page, 'Signed in now: where is my order?');
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === 'Signed in now: where is my order?', 10_000);
        const { visitor } = (await agent.call(`/conversations/${sent.data.message.conversationId}`)).body;
        assert.equal(visitor.externalId, 'u-1001');
        assert.equal(visitor.verified, true);
        assert.equal((await agent.send(sent.data.message.conversationId, 'It ships today')).status, 200);
        await page.getByText('It ships today').waitFor();
      });
    } finally {
      stream.close();
      await context.close();
    }
  });

  it('says it in Chinese for a Chinese page', async () => {
    for (const [size, options] of [['1280', { viewport: { width: 1280, height: 800 } }], ['phone', PHONE]] as const) {
      const context = await world!.browser.newContext(options);
      try {
        const page = await context.newPage();
        await withScreenshotsOnFailure(`widget-verified-zh-${size}`, () => [page], async () => {
          await page.goto(host.url('/zh'));
          await page.evaluate(() => (window as any).Parley('setLocale', 'zh-CN'));
          await launcher(page).click();
          await note(page, '登录后即可与我们聊天。').waitFor();
          await screenshot(page, `widget-verified-note-zh-${size}`);
        });
      } finally {
        await context.close();
      }
    }
  });

  it('chats at once when the page identifies the visitor as it loads, as a site with signed-in users does', async () => {
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-verified-at-load', () => [page], async () => {
        const seen = watch(page);
        host.setHtml(signedInShop('u-3003', 'Ada'));
        await page.goto(host.url('/signed-in'));
        await launcher(page).click();
        await say(page, 'Signed in from the start');
        await page.getByText('Sent', { exact: false }).waitFor();
        assert.equal(await seen.refused(), 0, `requests: ${seen.paths().join(', ')}`);
      });
    } finally {
      host.setHtml(shop());
      await context.close();
    }
  });

  it('keeps what the visitor typed before the widget knew they must be identified, and sends it once the page identified them', async () => {
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await (await loginAgent(server, server.owner.email)).stream();
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-verified-typed-early', () => [page], async () => {
        host.setHtml(signedInShop('u-3004', 'Grace'));
        // A slow server or network: the session's first answer comes after the visitor typed, and
        // the identify after the widget showed the sign-in note.
        let typed!: () => void;
        let noted!: () => void;
        const hold = (until: Promise<void>) => async (route: Route) => { await until; await route.continue(); };
        await page.route(`${server.url}/v1/sites/*/session`, hold(new Promise((resolve) => (typed = resolve))), { times: 1 });
        await page.route(`${server.url}/v1/sites/*/visitor`, hold(new Promise((resolve) => (noted = resolve))), { times: 1 });
        await page.goto(host.url('/signed-in'));
        await launcher(page).click();
        const box = page.getByRole('textbox', { name: 'Message' });
        await box.fill('Typed while it was connecting');
        typed();
        await note(page).waitFor();
        assert.equal(await box.count(), 0, 'the note instead of the composer');
        noted();
        await box.waitFor();
        assert.equal(await box.inputValue(), 'Typed while it was connecting', 'the composer gives back what was typed');
        await box.press('Enter');
        await agent.until((e) => e.event === 'message' && e.data.message.body === 'Typed while it was connecting', 10_000);
        await page.getByText('Sent', { exact: false }).waitFor();
      });
    } finally {
      agent.close();
      host.setHtml(shop());
      await context.close();
    }
  });

  it('holds an open anonymous widget back as soon as the owner starts to require verified identities', async () => {
    await configure({ requireVerifiedIdentity: false });
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-verified-turned-on', () => [page], async () => {
        await page.goto(host.url('/'));
        await launcher(page).click();
        await page.getByRole('textbox', { name: 'Message' }).waitFor();
        await configure({ requireVerifiedIdentity: true });
        await note(page).waitFor();
        assert.equal(await page.getByRole('textbox', { name: 'Message' }).count(), 0);
        await identify(page, 'u-4004');
        await page.getByRole('textbox', { name: 'Message' }).waitFor();
      });
    } finally {
      await context.close();
      await configure({ requireVerifiedIdentity: true });
    }
  });

  it('shows no launcher to an anonymous visitor when the owner chooses so, and shows it once the page identifies them', async () => {
    await configure({ whenUnverified: 'hide' });
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-verified-hidden', () => [page], async () => {
        const seen = watch(page);
        await page.goto(host.url('/'));
        await page.locator('parley-widget').waitFor({ state: 'attached' });
        await waitFor(() => seen.parleyLines().length > 0, { message: 'the console line for the developer' });
        assert.equal(await launcher(page).isVisible(), false, 'no launcher for an anonymous visitor');
        await screenshot(page, 'widget-verified-hidden-1280');

        await identify(page, 'u-2002');
        await launcher(page).waitFor({ state: 'visible' });
        await launcher(page).click();
        await page.getByRole('textbox', { name: 'Message' }).waitFor();
        assert.equal(await seen.refused(), 0, `requests: ${seen.paths().join(', ')}`);
        assert.equal(seen.parleyLines().length, 1);
      });
    } finally {
      await context.close();
      await configure({ whenUnverified: 'message' });
    }
  });
});
