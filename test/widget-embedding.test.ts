/**
 * How the widget sits in a customer's page: immune to hostile CSS, full-screen on phones, usable
 * by keyboard alone, absent (with a clear console message) on a disallowed origin, and a public
 * API whose method list is locked here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { screenshot, startHostSite, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import type { TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { waitFor } from './wait-for.ts';
import { startWidgetWorld, type WidgetWorld } from './widget-world.ts';
import { EVENTS, METHODS } from '../widget/commands.ts';

let server: TestServer;
let host: HostSite;
let browser: Browser;
let world: WidgetWorld;

const HOSTILE = '<style>* { font: 30px serif !important; color: red; box-sizing: content-box } button { display: none } div { all: unset }</style>';
const page = (head = '') => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${head}</head><body>${widgetSnippet(server.url, server.site.id)}</body></html>`;

async function widgetShot(p: Page, name: string): Promise<Buffer> {
  await p.getByRole('button', { name: /chat with us/i }).click();
  await p.getByRole('textbox', { name: 'Message' }).waitFor();
  await p.evaluate(() => document.fonts.ready);
  await screenshot(p, name);
  return p.screenshot({ clip: { x: 700, y: 0, width: 500, height: 800 } });
}

describe('widget embedding', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server, browser } = world);
  });
  after(() => world?.close());

  it('looks the same on a page with hostile CSS as on a plain page', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const p = await context.newPage();
    await withScreenshotsOnFailure('widget-hostile', () => [p], async () => {
      host.setHtml(page());
      await p.goto(host.url('/plain'));
      const plain = await widgetShot(p, 'widget-plain-page');
      await context.clearCookies();
      const hostile = await context.newPage();
      host.setHtml(page(HOSTILE));
      await hostile.goto(host.url('/hostile'));
      const ugly = await widgetShot(hostile, 'widget-hostile-page');
      assert.ok(plain.equals(ugly), 'the widget area is pixel-identical (see test-results/screenshots/widget-*-page.png)');
    });
    await context.close();
  });

  it('fills the screen on a phone and hides the launcher while open', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await context.newPage();
    host.setHtml(page());
    await withScreenshotsOnFailure('widget-phone', () => [p], async () => {
      await p.goto(host.url('/'));
      await screenshot(p, 'widget-launcher-phone');
      await p.getByRole('button', { name: /chat with us/i }).tap();
      const dialog = p.getByRole('dialog');
      await dialog.waitFor();
      const box = (await dialog.boundingBox())!;
      assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 390, 844]);
      await screenshot(p, 'widget-open-phone');
    });
    await context.close();
  });

  it('works by keyboard alone: focus moves into the panel, Enter sends, Shift+Enter breaks lines, Esc closes and focus returns', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    host.setHtml(page());
    await withScreenshotsOnFailure('widget-keyboard', () => [p], async () => {
      await p.goto(host.url('/'));
      const launcher = p.getByRole('button', { name: /chat with us/i });
      await launcher.waitFor();
      await p.keyboard.press('Tab');
      assert.equal(await launcher.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el), true);
      await p.keyboard.press('Enter');
      const box = p.getByRole('textbox', { name: 'Message' });
      await box.waitFor();
      assert.equal(await box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), true, 'focus is in the composer');
      await p.keyboard.type('line one');
      await p.keyboard.press('Shift+Enter');
      await p.keyboard.type('line two');
      assert.equal(await box.inputValue(), 'line one\nline two');
      await p.keyboard.press('Enter');
      await p.getByText('line one').waitFor();
      assert.equal(await box.inputValue(), '');
      await p.keyboard.press('Escape');
      await p.getByRole('dialog').waitFor({ state: 'detached' });
      assert.equal(await launcher.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), true, 'focus is back on the launcher');
    });
    await context.close();
  });

  it('renders nothing on a disallowed origin and says why in the console', async (t) => {
    const other = await startHostSite();
    // Closed even when an assertion fails: a host left listening would keep this file running.
    t.after(() => other.close());
    other.setHtml(page());
    const context = await browser.newContext();
    const p = await context.newPage();
    const warnings: string[] = [];
    p.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    await p.goto(other.url('/'));
    await p.waitForFunction(() => document.readyState === 'complete');
    await waitFor(() => warnings.length > 0, { message: 'a console warning from the widget' });
    assert.match(warnings.join('\n'), /PARLEY_ERR_ORIGIN_NOT_ALLOWED/);
    assert.match(warnings.join('\n'), /is not allowed to use the chat/);
    assert.equal(await p.locator('parley-widget').count(), 0);
    await context.close();
  });

  it('still shows the launcher when the config check fails for another reason than a refusal (503, not JSON)', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (error) => errors.push(error.message));
    await p.route(`${server.url}/v1/sites/*/config`, (route) => route.fulfill({ status: 503, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    host.setHtml(page());
    await p.goto(host.url('/'));
    await p.getByRole('button', { name: /chat/i }).waitFor();
    assert.equal(await p.evaluate(() => typeof (window as any).Parley.l), 'number', 'the widget is still running');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('has exactly the documented public API, queues calls made before load, and leaves no trace after shutdown', async () => {
    assert.deepEqual([...METHODS], ['open', 'close', 'toggle', 'show', 'hide', 'identify', 'setAttributes', 'setLocale', 'on', 'off', 'shutdown']);
    assert.deepEqual([...EVENTS], ['ready', 'open', 'close', 'message', 'sent', 'unread']);
    const documented = readFileSync('docs/widget.md', 'utf8');
    for (const method of METHODS) assert.ok(documented.includes(`Parley('${method}'`), `docs/widget.md documents ${method}`);

    const context = await browser.newContext();
    const p = await context.newPage();
    host.setHtml('<!doctype html><title>Shop</title>');
    await p.goto(host.url('/baseline'));
    const before = await p.evaluate(() => Object.keys(window));
    host.setHtml(page().replace('</script>\n<script async', `Parley('on', 'open', () => { window.__opened = true }); Parley('setLocale', 'zh-CN'); Parley('open');</script>\n<script async`));
    await p.goto(host.url('/'));
    await p.getByRole('textbox', { name: '消息' }).waitFor();
    assert.equal(await p.evaluate(() => (window as any).__opened), true);
    const globals = await p.evaluate(() => Object.keys(window));
    assert.deepEqual(globals.filter((k) => !before.includes(k) && k !== '__opened'), ['Parley']);
    // Whose streams to count: the visitor this browser is (resuming its session answers with it).
    const visitorId = await p.evaluate(async ([base, site]) => {
      const token = localStorage.getItem(`parley:${site}:token`);
      const response = await fetch(`${base}/v1/sites/${site}/session`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
      return ((await response.json()) as { visitor: { id: string } }).visitor.id;
    }, [server.url, server.site.id]);
    const streams = () => server.app.services.hub.count(`visitor:${visitorId}`);
    await waitFor(() => streams() > 0, { message: 'the widget to open its stream' });
    assert.equal(streams(), 1, 'the widget held one stream');
    await p.evaluate(() => (window as any).Parley('shutdown'));
    assert.equal(await p.locator('parley-widget').count(), 0);
    assert.equal(await p.evaluate(() => 'Parley' in window), false);
    await waitFor(() => streams() === 0, { message: 'the server to let go of this visitor\'s stream' });
    await context.close();
  });
});
