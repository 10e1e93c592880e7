/**
 * Attachments end to end in Chromium (issue 13): a visitor on a customer's site pastes a
 * screenshot and drops a PDF; the agent, in the dashboard, sees the thumbnail and downloads the
 * PDF byte for byte, and sends a picture back, which the visitor sees; a file attached while the
 * server is unreachable survives a reload and is delivered once; a file too large and a page
 * dressed up as a .png are refused; a stored SVG or HTML file never runs in the server's origin.
 * Screenshots at desktop and phone sizes under test-results/screenshots (attachments-*).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure } from './browser.ts';
import { PASSWORD } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { signLink } from '../server/attachments/signed-link.ts';
import { htmlAsPng, pdf, svg } from './support/sample-files.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';
import { openWidget, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 900 };
const PHONE = { width: 390, height: 844 };

function ensureBuilt(): void {
  for (const [app, marker] of [['widget', 'dist/widget/loader.js'], ['dashboard', 'dist/dashboard/index.html']] as const) {
    if (existsSync(marker)) continue;
    const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', `${app}/vite.config.ts`], { stdio: 'inherit', timeout: 120_000 });
    assert.equal(result.status, 0, `building the ${app} failed`);
  }
}

const hostPage = (world: WidgetWorld) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Customer site</h1><p>Checkout is broken for me.</p>${widgetSnippet(world.server.url, world.server.site.id)}</body></html>`;

/** Hands files to the widget as a paste (a screenshot from the clipboard) or a drop, the way the browser would. */
async function give(page: Page, how: 'paste' | 'drop', files: Array<{ name: string; type: string; base64: string }>): Promise<void> {
  await page.evaluate(({ how, files }) => {
    const root = document.querySelector('parley-widget')!.shadowRoot!;
    const data = new DataTransfer();
    for (const f of files) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const target = how === 'paste' ? root.querySelector('textarea')! : root.querySelector('[role="log"]')!;
    const event = how === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true });
    target.dispatchEvent(event);
  }, { how, files });
}

/** Waits for an <img> (in the widget's shadow root or the page) with this alt to have really loaded. */
async function pictureLoaded(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().waitFor();
  await waitFor(() => page.locator(selector).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { message: `${selector} to load` });
}

async function signIn(page: Page, world: WidgetWorld, email: string): Promise<void> {
  await page.goto(`${world.server.url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-state="live"]').waitFor();
}

describe('attachments in the browser', () => {
  const teardown = new Teardown();
  let world: WidgetWorld;
  const contexts: BrowserContext[] = [];
  const newContext = async (viewport = DESKTOP) => {
    const context = await world.browser.newContext({ viewport, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };
  before(async () => {
    ensureBuilt();
    world = teardown.add(await startWidgetWorld(), (w) => w.close());
    world.host.setHtml(hostPage(world));
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await teardown.run();
  });

  it('takes a pasted screenshot and a dropped PDF to the agent, byte for byte, and the agent\'s picture back to the visitor', async () => {
    const visitorContext = await newContext(DESKTOP);
    const visitor = await visitorContext.newPage();
    const agentContext = await newContext(DESKTOP);
    const agent = await agentContext.newPage();
    await withScreenshotsOnFailure('attachments-flow', () => [visitor, agent], async () => {
      await visitor.goto(world.host.url('/'));
      await openWidget(visitor);
      const shot = await visitor.screenshot();
      const invoice = pdf('Invoice 42 for order 1001');
      await give(visitor, 'paste', [{ name: 'image.png', type: 'image/png', base64: shot.toString('base64') }]);
      await give(visitor, 'drop', [{ name: 'invoice.pdf', type: 'application/pdf', base64: invoice.toString('base64') }]);
      await visitor.getByText('invoice.pdf').waitFor();
      await visitor.getByRole('button', { name: 'Remove image.png' }).waitFor();
      await screenshot(visitor, 'attachments-widget-tray-desktop');
      const box = visitor.getByRole('textbox', { name: 'Message' });
      await box.fill('The checkout fails, see the screenshot. Here is my invoice.');
      await box.press('Enter');
      await visitor.locator('parley-widget >> .st').getByText(/Sent$/).waitFor();

      const conversations = await waitFor(async () => (await world.server.store.listConversations({ siteIds: [world.server.site.id], view: 'all', userId: '', limit: 10 }))[0]);
      const { messages } = await world.server.store.listMessages(conversations.id, { limit: 10, includeInternal: true });
      assert.deepEqual(messages.at(-1)!.attachments!.map((a) => [a.name, a.type]).sort(), [['image.png', 'image/png'], ['invoice.pdf', 'application/pdf']]);

      // The agent sees the screenshot as a thumbnail and downloads the PDF as it was sent.
      await signIn(agent, world, 'alice@test.local');
      await agent.locator(`[data-conversation-id="${conversations.id}"]`).click();
      await pictureLoaded(agent, '.thumb img[alt="image.png"]');
      const [download] = await Promise.all([agent.waitForEvent('download'), agent.locator('.messages').getByTitle('Download invoice.pdf').click()]);
      assert.equal(download.suggestedFilename(), 'invoice.pdf');
      assert.ok(readFileSync((await download.path())!).equals(invoice), 'the downloaded PDF is byte-identical');
      await screenshot(agent, 'attachments-dashboard-desktop');
      await agent.setViewportSize(TABLET);
      await screenshot(agent, 'attachments-dashboard-768');
      await agent.setViewportSize(DESKTOP);

      // The agent attaches a picture and sends it; the visitor sees it and opens it full size.
      const picture = await agent.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
      await agent.getByLabel('Attach files').setInputFiles({ name: 'how-to.png', mimeType: 'image/png', buffer: picture });
      await agent.getByRole('button', { name: 'Remove how-to.png' }).waitFor();
      await pictureLoaded(agent, '.staged-item img');
      await screenshot(agent, 'attachments-dashboard-composer');
      await agent.locator('#composer-input').fill('Try this:');
      await waitFor(() => agent.getByRole('button', { name: 'Send' }).isEnabled(), { message: 'the upload to finish' });
      await agent.getByRole('button', { name: 'Send' }).click();
      await pictureLoaded(visitor, 'parley-widget >> .th img[alt="how-to.png"]');
      await screenshot(visitor, 'attachments-widget-desktop');
      await visitor.locator('parley-widget >> .th img[alt="how-to.png"]').click();
      await visitor.locator('parley-widget >> .bx img').waitFor();
      await screenshot(visitor, 'attachments-widget-full-size');
      await visitor.keyboard.press('Escape');
      await visitor.locator('parley-widget >> .bx').waitFor({ state: 'detached' });

      // The visitor panel lists the visitor's files.
      await agent.getByRole('heading', { name: 'Files' }).waitFor();
      await agent.locator('.visitor-files').getByText('invoice.pdf').waitFor();

      // On a phone.
      await visitor.setViewportSize(PHONE);
      await screenshot(visitor, 'attachments-widget-phone');
    });
  });

  it('delivers a file attached while the server is unreachable exactly once, after a reload and the connection\'s return', async () => {
    const context = await newContext(PHONE);
    const page = await context.newPage();
    await withScreenshotsOnFailure('attachments-offline', () => [page], async () => {
      await page.goto(world.host.url('/'));
      await openWidget(page);
      // The API is unreachable (the scripts still load: a server restarting behind a CDN, say).
      const api = `${world.server.url}/v1/**`;
      await context.route(api, (route) => route.abort('connectionrefused'));
      const file = pdf('Offline receipt');
      await give(page, 'drop', [{ name: 'receipt.pdf', type: 'application/pdf', base64: file.toString('base64') }]);
      await page.getByText('receipt.pdf').waitFor();
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('Sent while offline, with my receipt');
      await box.press('Enter');
      await page.getByText('Sending…').waitFor();
      await page.reload();
      await openWidget(page);
      await page.locator('parley-widget >> .fc').getByText('receipt.pdf').waitFor();
      await page.getByText('Sent while offline, with my receipt').waitFor();
      await screenshot(page, 'attachments-widget-offline-phone');
      await context.unroute(api);
      await page.locator('parley-widget >> .st').getByText(/Sent$/).waitFor({ timeout: 45_000 });
      const found = await waitFor(async () => {
        for (const c of await world.server.store.listConversations({ siteIds: [world.server.site.id], view: 'all', userId: '', limit: 20 })) {
          const { messages } = await world.server.store.listMessages(c.id, { limit: 50, includeInternal: true });
          const sent = messages.filter((m) => m.body === 'Sent while offline, with my receipt');
          if (sent.length) return { sent, files: await world.server.store.listAttachments({ conversationId: c.id }, true) };
        }
        return null;
      });
      assert.equal(found.sent.length, 1, 'one message');
      assert.deepEqual(found.files.map((f) => f.name), ['receipt.pdf'], 'one file');
      await page.locator('parley-widget >> .fc[href]').getByText('receipt.pdf').waitFor();
    });
  });

  it('refuses a file too large before uploading it, and a page dressed up as a .png with the server\'s reason', async () => {
    const site = world.server.site;
    const usage = async () => (await world.server.store.attachmentUsage(site.id)).files;
    await world.server.store.updateSite(site.id, { widget: { attachments: { ...site.widget.attachments, maxBytes: 100 * 1024 } } });
    world.server.app.services.sites.invalidate(site.id);
    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    await withScreenshotsOnFailure('attachments-refused', () => [page], async () => {
      await page.goto(world.host.url('/'));
      await openWidget(page);
      const before = await usage();
      await give(page, 'drop', [{ name: 'huge.pdf', type: 'application/pdf', base64: Buffer.concat([pdf(), Buffer.alloc(200 * 1024)]).toString('base64') }]);
      await page.getByRole('alert').getByText('huge.pdf is too large: the most is 0.1 MB.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Remove huge.pdf' }).count(), 0, 'not kept for sending');

      await give(page, 'drop', [{ name: 'cat.png', type: 'image/png', base64: htmlAsPng().toString('base64') }]);
      await page.getByRole('button', { name: 'Remove cat.png' }).waitFor();
      await page.getByRole('textbox', { name: 'Message' }).press('Enter');
      await page.getByRole('alert').getByText('This site does not accept files of this kind (the content is text/html, whatever its name says).').waitFor();
      await page.getByText('Not sent.').waitFor();
      await screenshot(page, 'attachments-widget-refused');
      assert.equal(await usage(), before, 'nothing stored');
    });
    await world.server.store.updateSite(site.id, { widget: { attachments: site.widget.attachments } });
    world.server.app.services.sites.invalidate(site.id);
  });

  it('lets the owner turn visitors\' files off and limit them in Settings, with the storage used, and the widget follows', async () => {
    const context = await newContext(DESKTOP);
    const owner = await context.newPage();
    const visitorContext = await newContext(DESKTOP);
    const visitor = await visitorContext.newPage();
    await withScreenshotsOnFailure('attachments-settings', () => [owner, visitor], async () => {
      await visitor.goto(world.host.url('/'));
      await openWidget(visitor);
      await visitor.getByRole('button', { name: 'Attach files' }).waitFor();
      await signIn(owner, world, 'owner@test.local');
      await owner.goto(`${world.server.url}/app/settings/files`);
      await owner.getByRole('heading', { name: 'Files' }).waitFor();
      await owner.getByText(/Stored for this site: \d+ files?, /).waitFor();
      await screenshot(owner, 'attachments-settings-desktop');
      await owner.setViewportSize(TABLET);
      await screenshot(owner, 'attachments-settings-768');
      await owner.getByLabel('Visitors may attach files').uncheck();
      await owner.getByLabel('Largest file (MB)').fill('2');
      await owner.getByLabel('ZIP (its content cannot be checked)').check();
      await owner.getByRole('button', { name: 'Save file settings' }).click();
      await waitFor(async () => (await world.server.store.getSite(world.server.site.id))!.widget.attachments.visitors === false, { message: 'the settings to be saved' });
      const saved = (await world.server.store.getSite(world.server.site.id))!.widget.attachments;
      assert.equal(saved.maxBytes, 2 * 1048576);
      assert.ok(saved.types.includes('application/zip'));
      // Open widgets follow at once (the config event): no attach button any more.
      await visitor.getByRole('button', { name: 'Attach files' }).waitFor({ state: 'detached' });
      await owner.getByLabel('Visitors may attach files').check();
      await owner.getByRole('button', { name: 'Save file settings' }).click();
      await visitor.getByRole('button', { name: 'Attach files' }).waitFor();
    });
  });

  it('never runs an SVG or HTML file in the server\'s origin, whichever way it is opened', async () => {
    const { store, app, site } = world.server;
    const visitor = await store.createVisitor({ siteId: site.id, tokenHash: 'e2e-svg', context: {} });
    const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'svg' });
    // Stored as if it had slipped past the upload checks (they refuse both): the serving alone must hold.
    const links: string[] = [];
    for (const [id, type, bytes] of [['f_e2esvgfile00001', 'image/svg+xml', svg()], ['f_e2ehtmlfile0001', 'text/html', htmlAsPng()]] as const) {
      await app.services.attachments.files.put(id, (async function* () { yield bytes; })());
      await store.createAttachment({ id, siteId: site.id, conversationId: conversation.id, clientId: id, author: 'visitor', agentId: null, name: `evil.${type === 'text/html' ? 'html' : 'svg'}`, type: type as never, size: bytes.length });
      links.push(`${world.server.url}${signLink(app.services.serverSecret, id, Date.now()).url}`);
    }
    // And a legitimate text file whose content is a script further down.
    const text = Buffer.from('notes\n<script>pwned()</script>\n<svg onload="pwned()"></svg>');
    const upload = await fetch(`${world.server.url}/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@test.local', password: PASSWORD }) });
    const cookie = upload.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = (await upload.json()).csrfToken;
    const up = await fetch(`${world.server.url}/v1/agent/conversations/${conversation.id}/attachments?clientId=txt&name=notes.txt`, { method: 'POST', headers: { cookie, 'x-parley-csrf': csrf, 'content-type': 'application/octet-stream' }, body: text });
    assert.equal(up.status, 201);
    links.push(`${world.server.url}${signLink(app.services.serverSecret, (await up.json()).attachment.id, Date.now()).url}`);

    const context = await newContext(DESKTOP);
    let ran = 0;
    await context.exposeBinding('pwned', () => void ran++);
    const page = await context.newPage();
    await withScreenshotsOnFailure('attachments-no-script', () => [page], async () => {
      // A page of the server's own origin, as the dashboard is.
      await page.goto(`${world.server.url}/app/`);
      for (const link of links) {
        const response = await fetch(link);
        assert.match(response.headers.get('content-security-policy')!, /sandbox/);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.match(response.headers.get('content-disposition')!, /^attachment;/, 'SVG, HTML and text are downloads, never pages');
        // Opened directly: a download, not a page.
        const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate((href) => { window.open(href, '_blank'); }, link)]);
        await download.cancel().catch(() => {});
        // Framed, as a picture and as an object on a page of the server's origin.
        await page.evaluate(async (href) => {
          const wait = (el: HTMLElement) => new Promise((resolve) => { el.addEventListener('load', resolve); el.addEventListener('error', resolve); setTimeout(resolve, 3000); });
          const frame = Object.assign(document.createElement('iframe'), { src: href });
          const img = Object.assign(document.createElement('img'), { src: href });
          const object = Object.assign(document.createElement('object'), { data: href });
          document.body.append(frame, img, object);
          await Promise.all([wait(frame), wait(img), wait(object)]);
        }, link);
      }
      // Every frame, picture and object above has loaded (or failed) by now: a script in any of them would have called.
      assert.equal(ran, 0, 'no script of a stored file ran');
    });
  });
});
