/**
 * The away form promises a reply by email only when the server can send one (issue 12, the
 * widget's part: `emailReplies` in the public widget config, which the server sets). Otherwise it
 * says the team will answer here when back, and the email is optional. In English and Chinese.
 *
 * The server that sets `emailReplies` is another part's (it needs a mail server); here the test
 * server never does, and the "can send email" case is the same server's answers with the flag
 * set on their way to the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { http, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { storedToken } from './widget-device.ts';
import { startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;

/** The server's widget config, with `emailReplies` set, in the config and session answers. */
async function serverSendsEmail(page: Page): Promise<void> {
  await page.route(new RegExp(`/v1/sites/${server.site.id}/(config|session)$`), async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.config = { ...body.config, emailReplies: true };
    await route.fulfill({ response, json: body });
  });
}

const WORDS = {
  en: {
    noPromise: { ask: 'We’ll answer here when we’re back. Your email (optional):', saved: 'Thanks! We’ll answer here when we’re back. Email saved:' },
    promise: { ask: 'Leave your email and we’ll get back to you:', saved: 'Thanks! We will reply to' },
    promiseWords: /by email|get back to you|reply to/,
  },
  zh: {
    noPromise: { ask: '我们回来后会在这里回复您。您的邮箱（选填）：', saved: '谢谢！我们回来后会在这里回复您。已保存邮箱：' },
    promise: { ask: '留下您的邮箱，我们会回复您：', saved: '谢谢！我们会回复至' },
    promiseWords: /邮件|回复至|会回复您：/,
  },
};

describe('widget away form and the email promise', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
  });
  after(() => world?.close());

  // Nobody online (no agent has connected): the site is away.
  for (const language of ['en', 'zh'] as const) {
    for (const sends of [false, true]) {
      it(`${sends ? 'promises' : 'does not promise'} an email reply when the server ${sends ? 'can' : 'cannot'} send one (${language})`, async () => {
        const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        try {
          await withScreenshotsOnFailure(`widget-away-${language}-${sends}`, () => [page], async () => {
            if (sends) await serverSendsEmail(page);
            await page.goto(host.url('/'));
            if (language === 'zh') await page.evaluate(() => (window as any).Parley('setLocale', 'zh-CN'));
            await page.getByRole('button', { name: /chat with us/i }).click();
            const words = WORDS[language];
            const expected = sends ? words.promise : words.noPromise;
            const email = page.getByRole('textbox', { name: expected.ask });
            await email.waitFor();
            if (!sends) {
              // No promise anywhere on the panel, the default away message of a new site included (issue 12).
              const panel = (await page.locator('parley-widget .p').textContent())!;
              assert.match(panel, /We are away right now\./, 'the default away message is shown');
              assert.doesNotMatch(panel, words.promiseWords);
            }
            assert.equal(await email.evaluate((el: HTMLInputElement) => el.required), sends, sends ? 'asked for' : 'optional');
            await screenshot(page, `widget-away-${language}-${sends ? 'email' : 'here'}-1280`);
            await email.fill('nora@example.com');
            await page.getByRole('button', { name: language === 'zh' ? '保存' : 'Save' }).click();
            await page.getByText(`${expected.saved} nora@example.com`).waitFor();
            const token = await storedToken(page, server.site.id);
            const me = await http(`${server.url}/v1/sites/${server.site.id}/visitor`, { headers: { authorization: `Bearer ${token}`, origin: host.origin } });
            assert.equal(me.body.visitor.email, 'nora@example.com');
          });
        } finally {
          await context.close();
        }
      });
    }
  }

  it('saves nothing when the optional email is left empty', async () => {
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await withScreenshotsOnFailure('widget-away-empty', () => [page], async () => {
        const patches: string[] = [];
        page.on('request', (request) => { if (request.method() === 'PATCH') patches.push(request.url()); });
        await page.goto(host.url('/'));
        await page.getByRole('button', { name: /chat with us/i }).click();
        await page.getByRole('textbox', { name: WORDS.en.noPromise.ask }).waitFor();
        await page.getByRole('button', { name: 'Save' }).click();
        // Still the form (nothing saved, nothing to thank for), and the composer is there to write instead.
        await page.getByRole('textbox', { name: 'Message' }).fill('no email, just a question');
        assert.equal(await page.getByText(WORDS.en.noPromise.saved).count(), 0);
        assert.deepEqual(patches, []);
      });
    } finally {
      await context.close();
    }
  });
});
