/**
 * What the widget is handed that it must survive (issue 9): a malformed locale, from the site's
 * stored settings or from the page's `Parley('setLocale')`, and text cut at the length limit in the
 * middle of an emoji. In each case the visitor can still chat, and the agent gets what was meant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { openWidget, say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;
let browser: Browser;
let agent: Awaited<ReturnType<typeof loginAgent>>;

/** A Chinese browser, so that English on screen is the widget's fallback, not the browser's language. */
async function chinesePage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 800 } });
  return context.newPage();
}

/** The visitor sends a message, it is delivered and shown with its time, and the agent's reply arrives. */
async function chatsInEnglish(page: Page, text: string): Promise<void> {
  await page.getByPlaceholder('Write a message…').waitFor();
  const stream = await agent.stream();
  try {
    await say(page, text);
    const received = await stream.until((e) => e.event === 'message' && e.data.message.body === text, 10_000);
    // "12:34 · Sent" is the line that formats a time with the locale (what threw "Invalid language tag").
    await page.getByText(/· Sent$/).waitFor();
    assert.equal((await agent.send(received.data.message.conversationId, `Re: ${text}`)).status, 200);
    await page.getByText(`Re: ${text}`).waitFor();
  } finally {
    stream.close();
  }
}

describe('widget input it must survive', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server, browser } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
    agent = await loginAgent(server, server.alice.email);
  });
  after(() => world?.close());

  it('opens in English and chats when the site\'s stored locale is not a language tag', async () => {
    // Put in through the store: the admin API refuses such a locale now, but older installs kept one.
    await server.store.updateSite(server.site.id, { widget: { locale: 'en_US!!' } });
    const page = await chinesePage();
    try {
      await withScreenshotsOnFailure('widget-bad-site-locale', () => [page], async () => {
        await page.goto(host.url('/bad-site-locale'));
        await openWidget(page);
        await chatsInEnglish(page, 'Hello from a site with a broken locale');
        assert.equal(await page.getByRole('dialog').getAttribute('lang'), 'en');
      });
    } finally {
      await page.context().close();
      await server.store.updateSite(server.site.id, { widget: { locale: null } });
    }
  });

  it('opens in English and chats when the page sets a locale that is not a language tag', async () => {
    const page = await chinesePage();
    try {
      await withScreenshotsOnFailure('widget-bad-page-locale', () => [page], async () => {
        await page.goto(host.url('/bad-page-locale'));
        await page.evaluate(() => (window as any).Parley('setLocale', 'not a locale!!'));
        await openWidget(page);
        await chatsInEnglish(page, 'Hello from a page that set a broken locale');
      });
    } finally {
      await page.context().close();
    }
  });

  it('cuts an over-long message at the limit without splitting the emoji there', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    const stream = await agent.stream();
    try {
      await withScreenshotsOnFailure('widget-cut-emoji', () => [page], async () => {
        await page.goto(host.url('/long-message'));
        await openWidget(page);
        // Put in by a script (the page, an extension), which the composer's maxLength does not stop:
        // 4,001 characters, the last two emoji, so a cut by UTF-16 units falls inside the first one.
        // Announced with an input event, as such scripts do: the composer is a controlled field, so a
        // value set silently is replaced by the draft at the panel's next render (the connection
        // going live, say), and Enter would then find it empty.
        const text = `${'a'.repeat(3999)}😀😀`;
        await page.getByRole('textbox', { name: 'Message' }).evaluate((box: HTMLTextAreaElement, value) => {
          box.value = value;
          box.dispatchEvent(new Event('input', { bubbles: true }));
        }, text);
        await page.getByRole('textbox', { name: 'Message' }).press('Enter');
        const received = await stream.until((e) => e.event === 'message' && e.data.message.author === 'visitor', 10_000);
        const body: string = received.data.message.body;
        assert.equal(body.slice(-4), 'aa😀', 'the emoji at the limit arrives whole, not as "�"');
        assert.equal([...body].length, 4000, 'the first 4,000 characters');
        await page.getByText(/😀$/).waitFor();
      });
    } finally {
      stream.close();
      await page.context().close();
    }
  });
});
