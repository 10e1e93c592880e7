/**
 * The link in a reply email reopens the conversation (issue 12, the widget's side; docs/protocol.md
 * "The email's link"): a visitor leaves their email and the tab, the agent's reply is emailed to a
 * real SMTP sink, and the email's "continue the conversation" link, followed in another browser,
 * opens the widget on that conversation — able to answer, while the first device keeps working.
 * A link that no longer works opens the widget calmly, once; a device that was someone else's
 * forgets them. Screenshots in /tmp/shots-G/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { withScreenshotsOnFailure } from './browser.ts';
import { newVisitor } from './harness.ts';
import { continueLink } from './support/outbound-email.ts';
import { MINUTE, PHONE, startEmailWidgetWorld, type EmailWidgetWorld } from './support/email-widget-world.ts';
import { banners, outboxItems, stored, storedToken, watchBanners } from './widget-device.ts';
import { openWidget, say } from './widget-world.ts';
import { waitFor } from './wait-for.ts';

const SHOTS = '/tmp/shots-G';
const QUESTION = 'Does the Trail 2P fit two people with backpacks inside?';
const REPLY = 'Hi Vera! Two people fit comfortably; the backpacks go in the two vestibules.';
const EXPIRED = 'This link has expired or no longer works. You can still write to us here.';

let world: EmailWidgetWorld | undefined;
/** Vera's first device (her laptop) and the link of the email she got. */
let laptop: Awaited<ReturnType<EmailWidgetWorld['device']>>;
let conversationId = '';
let link = '';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const widget = (page: Page) => page.locator('parley-widget .p');
/** The URLs of the page's resume exchanges, from now on. */
function resumeCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => { if (request.method() === 'POST' && request.url().endsWith('/visitor/resume')) calls.push(request.url()); });
  return calls;
}

describe('the link in a reply email, in the widget', () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await startEmailWidgetWorld();
  });
  after(() => world?.close());

  it('opens the emailed conversation in a browser that never saw it, able to answer, and the first device still works', () =>
    withScreenshotsOnFailure('widget-email-resume', () => world!.pages(), async () => {
      const w = world!;
      // Vera asks while nobody is online, leaves her email (the form promises a reply by email), and leaves.
      laptop = await w.device();
      await laptop.page.goto(w.host.url('/tents/trail-2p'));
      await openWidget(laptop.page);
      await say(laptop.page, QUESTION);
      const email = laptop.page.getByRole('textbox', { name: 'Leave your email and we’ll get back to you:' });
      await email.fill('vera@example.com');
      await laptop.page.getByRole('button', { name: 'Save' }).click();
      await laptop.page.getByText('Thanks! We will reply to vera@example.com').waitFor();
      conversationId = await w.conversationId(laptop.page);
      await w.agentSees(conversationId, QUESTION);
      const laptopToken = await storedToken(laptop.page, w.server.site.id);
      await laptop.page.close();

      // The agent answers; after the site's delay the unread reply is emailed.
      assert.equal((await w.agent.send(conversationId, REPLY)).status, 200);
      await w.pass(3 * MINUTE);
      const [sent] = await w.sink.waitFor(1, { matching: (e) => e.envelope.to.includes('vera@example.com') });
      link = continueLink(sent!)!;
      const url = new URL(link);
      assert.equal(url.origin + url.pathname, w.host.url('/tents/trail-2p'), 'the link goes to the page she was on');
      assert.ok(url.searchParams.get('parley_resume'));

      // On her phone, which has never seen the widget: the link opens the panel on the conversation.
      const phone = await w.device(PHONE);
      const calls = resumeCalls(phone.page);
      await phone.page.goto(link);
      await widget(phone.page).getByText(REPLY).waitFor();
      await widget(phone.page).getByText(QUESTION).waitFor();
      await shot(phone.page, 'widget-resume-390');
      const address = new URL(phone.page.url());
      assert.equal(address.searchParams.has('parley_resume'), false, 'the parameter is gone from the address bar');
      assert.equal(address.pathname, '/tents/trail-2p');
      const phoneToken = await storedToken(phone.page, w.server.site.id);
      assert.ok(phoneToken && phoneToken !== laptopToken, 'a token of its own for this device');

      // She answers from the phone, into the same conversation, and the agent's answer comes back live.
      await say(phone.page, 'Great, I will order the green one.');
      await w.agentSees(conversationId, 'Great, I will order the green one.');
      await w.agent.send(conversationId, 'Lovely — it ships today.');
      await widget(phone.page).getByText('Lovely — it ships today.').waitFor();

      // A reload does not replay the link: no second exchange, and the conversation is still there.
      await phone.page.reload();
      await phone.page.getByRole('button', { name: /chat with us/i }).click();
      await widget(phone.page).getByText('Lovely — it ships today.').waitFor();
      assert.equal(calls.length, 1, 'one exchange in all');

      // The laptop still works as before: it sees what was said on the phone, and can answer.
      const again = await laptop.context.newPage();
      await again.goto(w.host.url('/tents/trail-2p'));
      await openWidget(again);
      await widget(again).getByText('Great, I will order the green one.').waitFor();
      await widget(again).getByText('Lovely — it ships today.').waitFor();
      assert.equal(await storedToken(again, w.server.site.id), laptopToken, 'the laptop keeps its token');
      await say(again, 'And the footprint too, please.');
      await w.agentSees(conversationId, 'And the footprint too, please.');
      await widget(phone.page).getByText('And the footprint too, please.').waitFor();
      await shot(again, 'widget-resume-first-device-1280');

      // The link followed on the laptop itself: the same visitor, who keeps the token and the conversation.
      const exchanged = again.waitForResponse((response) => response.url().endsWith('/visitor/resume'));
      await again.goto(link);
      assert.equal((await exchanged).status(), 200);
      await say(again, 'Same laptop, same me.');
      await w.agentSees(conversationId, 'Same laptop, same me.');
      await widget(again).getByText('And the footprint too, please.').waitFor();
      assert.equal(await storedToken(again, w.server.site.id), laptopToken);
      assert.equal(new URL(again.url()).search, '');
    }));

  it('opens the conversation the email was about, not a newer one of the same visitor', () =>
    withScreenshotsOnFailure('widget-email-resume-older', () => world!.pages(), async () => {
      const w = world!;
      // Vera starts another conversation later (her laptop's token, as the widget would).
      const page = await laptop.context.newPage();
      await page.goto(w.host.url('/'));
      const token = await storedToken(page, w.server.site.id);
      const call = (path: string, json: unknown) => page.evaluate(async ([url, auth, body]) => {
        const response = await fetch(url!, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return response.json();
      }, [`${w.server.url}/v1/sites/${w.server.site.id}${path}`, token, json] as const);
      const newer = (await call('/conversations', { clientId: 'a-newer-conversation' })).conversation.id as string;
      assert.notEqual(newer, conversationId);
      await call(`/conversations/${newer}/messages`, { clientId: 'newer-1', body: 'A different question about sleeping bags.' });
      await page.close();

      const tablet = await w.device();
      await tablet.page.goto(link);
      await widget(tablet.page).getByText(REPLY).waitFor();
      assert.equal(await widget(tablet.page).getByText('A different question about sleeping bags.').count(), 0);
      await say(tablet.page, 'Back to the tent: is it in stock?');
      await w.agentSees(conversationId, 'Back to the tent: is it in stock?');
      assert.equal((await w.bodies(newer)).includes('Back to the tent: is it in stock?'), false);
    }));

  it('forgets another visitor who was on the device, in every tab, and shows the link\'s conversation', () =>
    withScreenshotsOnFailure('widget-email-resume-shared', () => world!.pages(), async () => {
      const w = world!;
      // A shared computer: someone else chatted here, anonymously, and a tab of theirs is still open
      // (the first, which holds the stream: a leader tab that navigates away is another matter).
      const shared = await w.device();
      const other = shared.page;
      await other.goto(w.host.url('/'));
      await openWidget(other);
      await say(other, 'Someone else asking about kayaks');
      await w.agentSees(await w.conversationId(other), 'Someone else asking about kayaks');
      shared.page = await shared.context.newPage();
      await shared.page.goto(w.host.url('/'));
      await openWidget(shared.page);
      await widget(shared.page).getByText('Someone else asking about kayaks').waitFor();
      await watchBanners(other);

      await shared.page.goto(link);
      await widget(shared.page).getByText(REPLY).waitFor();
      assert.equal(await widget(shared.page).getByText('Someone else asking about kayaks').count(), 0);
      // The other tab follows: the previous visitor leaves its screen too, calmly, and it is Vera's now.
      await waitFor(async () => (await widget(other).getByText('Someone else asking about kayaks').count()) === 0, { timeoutMs: 20_000, message: 'the other tab to forget the previous visitor' });
      const token = await storedToken(shared.page, w.server.site.id);
      await waitFor(async () => (await other.evaluate(() => document.querySelector('parley-widget')!.shadowRoot!.textContent)).includes('sleeping bags'), { timeoutMs: 20_000, message: 'the other tab to show Vera\'s newest conversation' });
      assert.equal(await storedToken(other, w.server.site.id), token);
      assert.deepEqual(await banners(other), [], 'no outage shown while starting over');
      assert.doesNotMatch(await stored(shared.page), /kayaks/, 'nothing of the previous visitor kept');
      assert.deepEqual(await outboxItems(shared.page, w.server.site.id), []);
    }));

  it('opens the conversation on Parley\'s hosted page when the visitor\'s own page is not known', () =>
    withScreenshotsOnFailure('widget-email-resume-hosted', () => world!.pages(), async () => {
      const w = world!;
      // A visitor whose page was not one of the site's (another origin): the email links to /c/:siteId.
      const sam = await newVisitor(w.server, w.host.origin);
      assert.equal((await sam.call('/visitor', { method: 'PATCH', json: { email: 'sam@example.com' } })).status, 200);
      const { id } = await sam.start();
      await sam.send(id, 'Where is my order #4821?');
      await w.agent.send(id, 'It left our warehouse this morning, Sam.');
      await w.pass(3 * MINUTE);
      const [sent] = await w.sink.waitFor(1, { matching: (e) => e.envelope.to.includes('sam@example.com') });
      const hosted = continueLink(sent!)!;
      assert.ok(hosted.startsWith(`${w.server.url}/c/${w.server.site.id}?parley_resume=`), hosted);
      const { page } = await w.device(PHONE);
      await page.goto(hosted);
      await widget(page).getByText('It left our warehouse this morning, Sam.').waitFor();
      assert.equal(new URL(page.url()).search, '');
      await shot(page, 'widget-resume-hosted-390');
      await say(page, 'Thank you!');
      await w.agentSees(id, 'Thank you!');
    }));

  it('asks again while the server gives no answer to the exchange, and then opens the conversation', () =>
    withScreenshotsOnFailure('widget-email-resume-retry', () => world!.pages(), async () => {
      const w = world!;
      const { page } = await w.device();
      const calls = resumeCalls(page);
      // The first exchange meets a server in trouble (a deploy, a proxy's 503).
      await page.route('**/visitor/resume', (route) => route.fulfill({ status: 503, json: { error: { code: 'PARLEY_ERR_STORAGE_UNAVAILABLE', message: 'Try again shortly.' } } }), { times: 1 });
      await page.goto(link);
      await widget(page).getByText(REPLY).waitFor();
      assert.equal(calls.length, 2, 'asked twice: the refusal, then the answer');
      assert.equal(await widget(page).getByText(EXPIRED).count(), 0, 'no word of an expired link');
    }));

  it('opens the widget as usual with one calm line when the link no longer works, and asks only once', () =>
    withScreenshotsOnFailure('widget-email-resume-invalid', () => world!.pages(), async () => {
      const w = world!;
      const { page } = await w.device(PHONE);
      const calls = resumeCalls(page);
      const refusals: number[] = [];
      page.on('response', (response) => { if (response.url().endsWith('/visitor/resume')) refusals.push(response.status()); });
      // A link cut short by a mail client, or older than the 14 days a link lasts.
      await page.goto(w.host.url(`/tents/trail-2p?color=green&parley_resume=${encodeURIComponent(link.split('parley_resume=')[1]!.slice(0, 40))}#reviews`));
      await widget(page).getByText(EXPIRED).waitFor();
      await watchBanners(page);
      await shot(page, 'widget-resume-expired-390');
      assert.equal(new URL(page.url()).search, '?color=green', 'only the link\'s parameter leaves the address');
      assert.equal(new URL(page.url()).hash, '#reviews');
      await say(page, 'The link did not work, but here I am.');
      const id = await w.conversationId(page);
      assert.notEqual(id, conversationId, 'a conversation of a new visitor');
      await w.agentSees(id, 'The link did not work, but here I am.');
      await page.evaluate(() => (window as any).Parley('setLocale', 'zh-CN'));
      await widget(page).getByText('此链接已过期或已失效。您仍可以在这里给我们留言。').waitFor();
      await shot(page, 'widget-resume-expired-zh-390');
      assert.deepEqual(refusals, [410]);
      assert.equal(calls.length, 1, 'asked once, never in a loop');
      assert.deepEqual(await banners(page), []);
      await waitFor(async () => (await storedToken(page, w.server.site.id)) !== null);
    }));
});
