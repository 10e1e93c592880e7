/**
 * The widget's keyboard, screen-reader and small-screen details from the outside walk-through
 * (issue 14, defects 6 and 10): focus lands in the composer after the pre-chat form, Esc closes
 * the panel from the launcher too, the message log and the composer are told apart by name, the
 * composer is 16 px where iOS would zoom into it, and a team picture that fails to load leaves the
 * team's initial rather than a broken-image icon.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { WidgetConfig } from '../protocol/protocol.ts';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;
let owner: Awaited<ReturnType<typeof loginAgent>>;

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** A 2×2 PNG, served for the "working" team picture. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DwHwyBNBgy/GdgYAAAnxEL9Ru1z0wAAAAASUVORK5CYII=', 'base64');

async function configure(widget: Partial<Omit<WidgetConfig, 'siteId'>>): Promise<void> {
  const result = await owner.admin(`/sites/${server.site.id}`, { method: 'PATCH', json: { widget } });
  assert.equal(result.status, 200, JSON.stringify(result.body));
}

const launcher = (page: Page) => page.getByRole('button', { name: /chat with us/i });
/** The element focused inside the widget's shadow root, as tag and accessible label. */
const focused = (page: Page) => page.evaluate(() => {
  const active = document.querySelector('parley-widget')?.shadowRoot?.activeElement;
  return active ? `${active.tagName.toLowerCase()} ${active.getAttribute('placeholder') ?? active.getAttribute('name') ?? ''}`.trim() : `outside: ${document.activeElement?.tagName}`;
});
/** The composer, whatever it is named (the naming has a test of its own). */
const composer = (page: Page) => page.locator('parley-widget textarea');
const fontSize = (page: Page) => composer(page).evaluate((el) => getComputedStyle(el).fontSize);

describe('widget accessibility details', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
    owner = await loginAgent(server, server.owner.email);
  });
  after(() => world?.close());

  it('moves focus to the composer when the pre-chat form is sent, by click or by Enter', async () => {
    await configure({ preChat: { name: 'required', email: 'optional' } });
    try {
      for (const how of ['click', 'Enter'] as const) {
        const context = await world!.browser.newContext(DESKTOP);
        const page = await context.newPage();
        await withScreenshotsOnFailure(`widget-prechat-focus-${how}`, () => [page], async () => {
          await page.goto(host.url('/'));
          await launcher(page).click();
          const name = page.getByRole('textbox', { name: /Name/ });
          await name.fill('Nora Visitor');
          if (how === 'click') await page.getByRole('button', { name: 'Start chat' }).click();
          else await name.press('Enter');
          await composer(page).waitFor();
          assert.equal(await focused(page), 'textarea Write a message…');
          // Typing goes where the keyboard user expects.
          await page.keyboard.type('typed straight away');
          assert.equal(await composer(page).inputValue(), 'typed straight away');
        });
        await context.close();
      }
    } finally {
      await configure({ preChat: { name: 'off', email: 'off' } });
    }
  });

  it('closes the open panel with Esc while focus is on the launcher', async () => {
    const context = await world!.browser.newContext(DESKTOP);
    const page = await context.newPage();
    try {
      await withScreenshotsOnFailure('widget-esc-launcher', () => [page], async () => {
        await page.goto(host.url('/'));
        await launcher(page).click();
        await page.getByRole('dialog').waitFor();
        await launcher(page).focus();
        assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
        // And from inside the panel, as before.
        await launcher(page).click();
        await composer(page).press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      });
    } finally {
      await context.close();
    }
  });

  it('names the message log and the composer differently, in English and Chinese', async () => {
    const context = await world!.browser.newContext(DESKTOP);
    const page = await context.newPage();
    try {
      await withScreenshotsOnFailure('widget-names', () => [page], async () => {
        await page.goto(host.url('/'));
        await launcher(page).click();
        await page.getByRole('log', { name: 'Messages', exact: true }).waitFor();
        await page.getByRole('textbox', { name: 'Write a message…', exact: true }).waitFor();
        assert.equal(await page.getByRole('log', { name: 'Message', exact: true }).count(), 0);
        await page.evaluate(() => (window as any).Parley('setLocale', 'zh-CN'));
        await page.getByRole('log', { name: '聊天记录', exact: true }).waitFor();
        await page.getByRole('textbox', { name: '输入消息…', exact: true }).waitFor();
      });
    } finally {
      await context.close();
    }
  });

  it('writes 16 px in the composer on touch screens, where iOS would zoom into smaller text, and 14 px on a desktop', async () => {
    for (const [size, options, expected] of [['phone', PHONE, '16px'], ['1280', DESKTOP, '14px']] as const) {
      const context = await world!.browser.newContext(options);
      const page = await context.newPage();
      try {
        await withScreenshotsOnFailure(`widget-font-${size}`, () => [page], async () => {
          await page.goto(host.url('/'));
          await launcher(page).click();
          assert.equal(await fontSize(page), expected);
          await screenshot(page, `widget-composer-${size}`);
        });
      } finally {
        await context.close();
      }
    }
  });

  it('shows the team\'s initial when its picture cannot be loaded, and the picture when it can', async () => {
    try {
      for (const [picture, loads] of [['https://pictures.test/missing.png', false], ['https://pictures.test/team.png', true]] as const) {
        await configure({ avatarUrl: picture });
        for (const [size, options] of [['1280', DESKTOP], ['phone', PHONE]] as const) {
          const context = await world!.browser.newContext(options);
          const page = await context.newPage();
          await page.route('https://pictures.test/**', (route) => route.request().url().endsWith('/team.png')
            ? route.fulfill({ contentType: 'image/png', body: PNG })
            : route.fulfill({ status: 404, body: 'no such picture' }));
          try {
            await withScreenshotsOnFailure(`widget-avatar-${loads}-${size}`, () => [page], async () => {
              await page.goto(host.url('/'));
              await launcher(page).click();
              const avatar = page.locator('parley-widget .h > .av');
              await avatar.waitFor();
              if (loads) {
                await page.waitForFunction(() => (document.querySelector('parley-widget')!.shadowRoot!.querySelector('.h img') as HTMLImageElement | null)?.naturalWidth === 2);
                const [picture, circle] = [await avatar.locator('img').boundingBox(), await avatar.boundingBox()];
                assert.deepEqual(picture, circle, 'the picture covers the circle');
              } else {
                await avatar.locator('img').waitFor({ state: 'detached' });
                assert.equal(await avatar.textContent(), 'T');
                assert.ok(await avatar.isVisible());
              }
              await screenshot(page, `widget-avatar-${loads ? 'picture' : 'initial'}-${size}`);
            });
          } finally {
            await context.close();
          }
        }
      }
    } finally {
      await configure({ avatarUrl: null });
    }
  });
});
