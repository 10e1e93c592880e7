/**
 * The emails' words and markup (issues 12 and 15): whatever a visitor, an agent or an owner typed is text
 * in the HTML part, never markup; links are the ones given; the language follows the site, then
 * the visitor's browser; the continue link goes to the visitor's page only on an allowed origin.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../protocol/protocol.ts';
import { conversationLink, readResumeToken, readUnsubscribeToken, resumeToken, unsubscribeUrl } from './email-links.ts';
import { emailLang } from './email-words.ts';
import { retryDelay } from './email-worker.ts';
import { avatarHtml, safeUrl, textOn } from './html.ts';
import { renderAlertEmail } from './render-alert.ts';
import { renderReplyEmail } from './render-reply.ts';
import { renderTranscriptEmail } from './render-transcript.ts';
import { renderWebhookPausedEmail, shownUrl, type WebhookPausedEmail } from './render-webhook-paused.ts';

const EVIL = '<img src=x onerror=alert(1)>"\'&';
const AT = Date.UTC(2025, 4, 6, 14, 30);

describe('email rendering', () => {
  it('escapes the site name, agent names and replies in the HTML part, and keeps them as typed in the text', () => {
    const email = renderReplyEmail({
      lang: 'en', siteName: `Shop ${EVIL}`, color: '#4f46e5', followUp: false, replyable: true,
      replies: [{ body: `Line one\n${EVIL}`, createdAt: AT, agent: { name: `Ann ${EVIL}`, avatarUrl: 'javascript:alert(1)' } }],
      continueUrl: 'https://shop.test/?parley_resume=a"b', unsubscribeUrl: 'http://parley.test/email/unsubscribe?token=t',
    });
    assert.ok(!email.html.includes('<img src=x'), 'no markup of theirs');
    assert.ok(!email.html.includes('javascript:'), 'no script URL as an avatar');
    assert.ok(email.html.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;'));
    assert.ok(email.html.includes('Line one<br>'), 'line breaks kept');
    assert.ok(email.html.includes('href="https://shop.test/?parley_resume=a&quot;b"'));
    assert.equal(email.subject, `Your conversation with Shop ${EVIL}`);
    assert.match(email.text, new RegExp(`Ann <img src=x onerror=alert\\(1\\)>"'& replied to your message`));
    assert.match(email.text, /You can also simply reply to this email\./);
  });

  it('names the files a reply carries, a file-only reply too', () => {
    const email = renderReplyEmail({
      lang: 'en', siteName: 'Shop', color: '#4f46e5', followUp: false, replyable: true,
      replies: [{ body: '', createdAt: AT, agent: { name: 'Ann', avatarUrl: null }, attachments: [{ name: `label${EVIL}.pdf` }] }],
      continueUrl: 'https://x.test/', unsubscribeUrl: 'https://x.test/u',
    });
    assert.match(email.text, /Ann · [^\n]+\n📎 label<img src=x onerror=alert\(1\)>"'&\.pdf \(open the conversation to see it\)/);
    assert.ok(email.html.includes('📎 label&lt;img'));
  });

  it('says "Re:", names the team for several agents, and tells a reader without a reply address to use the link', () => {
    const email = renderReplyEmail({
      lang: 'en', siteName: 'Shop', color: '#ffff00', followUp: true, replyable: false,
      replies: [{ body: 'a', createdAt: AT, agent: { name: 'Ann', avatarUrl: null } }, { body: 'b', createdAt: AT, agent: { name: 'Bo', avatarUrl: null } }],
      continueUrl: 'https://x.test/', unsubscribeUrl: 'https://x.test/u',
    });
    assert.equal(email.subject, 'Re: Your conversation with Shop');
    assert.match(email.text, /^Shop replied to your message/);
    assert.match(email.text, /Replies to this email are not read: answer through the button above\./);
    assert.ok(email.html.includes('color:#111827'), 'dark text on a light brand colour');
  });

  it('writes Simplified Chinese for a zh site or browser, with times in the visitor\'s zone', () => {
    assert.equal(emailLang({ widget: { locale: null } as never }, { context: { language: 'zh-CN' } }), 'zh');
    assert.equal(emailLang({ widget: { locale: 'en' } as never }, { context: { language: 'zh-CN' } }), 'en', 'the site\'s locale first, like the widget');
    assert.equal(emailLang({ widget: { locale: 'zh-Hans-SG' } as never }, null), 'zh');
    const email = renderReplyEmail({
      lang: 'zh', siteName: '小店', color: '#4f46e5', followUp: false, replyable: true, timeZone: 'Asia/Shanghai',
      replies: [{ body: '您好', createdAt: AT, agent: { name: '小王', avatarUrl: null } }],
      continueUrl: 'https://x.test/', unsubscribeUrl: 'https://x.test/u',
    });
    assert.equal(email.subject, '您与小店的对话');
    assert.match(email.text, /小王回复了您的消息/);
    assert.match(email.text, /22:30/, '14:30 UTC is 22:30 in Shanghai');
    assert.match(email.html, /<html lang="zh-CN">/);
  });

  it('puts what the visitor saw in a transcript, system lines in their words, and alerts agents in English', () => {
    const message = (author: Message['author'], body: string, extra: Partial<Message> = {}): Message => ({
      id: body, conversationId: 'c', seq: 1, clientId: null, author, agent: author === 'agent' ? { id: 'u', name: 'Ann', avatarUrl: null } : null,
      body, internal: false, system: null, createdAt: AT, ...extra,
    } as Message);
    const transcript = renderTranscriptEmail({
      lang: 'en', siteName: 'Shop', color: '#4f46e5', cut: true, continueUrl: 'https://x.test/', unsubscribeUrl: 'https://x.test/u',
      messages: [message('visitor', EVIL), message('system', '', { system: { kind: 'joined', agentName: 'Ann' } }), message('agent', 'Hi!')],
    });
    assert.match(transcript.text, /You · [^\n]+\n<img src=x/);
    assert.match(transcript.text, /— Ann joined the conversation/);
    assert.match(transcript.text, /Only the last 3 messages are shown\./);
    assert.ok(!transcript.html.includes('<img src=x'));
    const alert = renderAlertEmail({
      siteName: 'Shop', color: '#4f46e5', visitor: { name: EVIL, email: 'v@example.com' }, wrote: [{ body: 'Help', createdAt: AT }],
      waitedMinutes: 1, dashboardUrl: 'https://parley.test/app/c/c1', accountUrl: 'https://parley.test/app/account', unsubscribeUrl: 'https://parley.test/u',
    });
    assert.match(alert.subject, /^Waiting on Shop: <img/);
    assert.match(alert.text, /has waited 1 minute for an answer \(v@example\.com\)/);
    assert.ok(!alert.html.includes('<img src=x'));
  });

  it('draws an avatar only from an https picture, else the initial', () => {
    assert.match(avatarHtml('ann', 'https://cdn.test/a.png', '#4f46e5'), /<img src="https:\/\/cdn\.test\/a\.png"/);
    assert.match(avatarHtml('ann', 'http://cdn.test/a.png', '#4f46e5'), />A<\/div>$/);
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(textOn('#000000'), '#ffffff');
  });
});

describe('email links', () => {
  const site = { id: 's1', allowedOrigins: ['https://shop.test', 'https://*.shop.test'] };

  it('continues on the visitor\'s page when its origin is allowed, else on the hosted page', () => {
    assert.equal(conversationLink('https://parley.test', site, { context: { url: 'https://www.shop.test/cart?x=1#top' } }, 'T'), 'https://www.shop.test/cart?x=1&parley_resume=T#top');
    assert.equal(conversationLink('https://parley.test', site, { context: { url: 'https://evil.test/' } }, 'T'), 'https://parley.test/c/s1?parley_resume=T');
    assert.equal(conversationLink('https://parley.test', site, { context: { url: 'javascript:alert(1)' } }, 'T'), 'https://parley.test/c/s1?parley_resume=T');
    assert.equal(conversationLink('https://parley.test', site, { context: {} }, 'T'), 'https://parley.test/c/s1?parley_resume=T');
  });

  it('signs single-purpose tickets: a resume token is no unsubscribe token, and expires', () => {
    const token = resumeToken('secret', 'v1', 'c1', 1000);
    assert.deepEqual(readResumeToken('secret', token, 2000), { visitorId: 'v1', conversationId: 'c1' });
    assert.equal(readResumeToken('other secret', token, 2000), null);
    assert.equal(readResumeToken('secret', token, 1000 + 15 * 24 * 3600_000), null, 'expired after 14 days');
    const url = unsubscribeUrl('secret', 'https://parley.test', { kind: 'visitor', siteId: 's1', address: 'a@b.test', lang: 'en' }, 1000);
    const unsubscribe = new URL(url).searchParams.get('token')!;
    assert.deepEqual(readUnsubscribeToken('secret', unsubscribe, 2000), { kind: 'visitor', siteId: 's1', address: 'a@b.test', lang: 'en' });
    assert.equal(readResumeToken('secret', unsubscribe, 2000), null);
    assert.equal(readUnsubscribeToken('secret', token, 2000), null);
  });

  it('waits 30 s doubling to an hour between attempts, with jitter', () => {
    assert.equal(retryDelay(1, () => 1), 30_000);
    assert.equal(retryDelay(1, () => 0), 15_000);
    assert.equal(retryDelay(3, () => 1), 120_000);
    assert.equal(retryDelay(20, () => 1), 3600_000);
  });
});

describe('the owner\'s email about a paused webhook endpoint', () => {
  const paused = (overrides: Partial<WebhookPausedEmail> = {}) => renderWebhookPausedEmail({
    lang: 'en', siteName: `Shop ${EVIL}`, color: '#4f46e5', endpoint: { url: 'https://hooks.slack.com/services/T0/B0/secret?token=s', description: `CRM ${EVIL}` },
    failures: 10, statusCode: 502, error: `Answered 502 ${EVIL}.`, probeAt: AT, timeZone: 'Europe/Oslo', settingsUrl: 'https://chat.shop.test/app/settings/webhooks?site=s_1',
    ...overrides,
  });

  it('says which endpoint, why, after how many failures, when it is tried again and how to resume, escaping what came from people and receivers', () => {
    const email = paused();
    assert.equal(email.subject, `Webhooks to hooks.slack.com are paused (Shop ${EVIL})`);
    assert.ok(email.text.includes(`https://hooks.slack.com/services/… (CRM ${EVIL}) after 10 failed attempts in a row`));
    assert.ok(email.text.includes(`The last attempt: Answered 502 ${EVIL}.`));
    assert.ok(email.text.includes('at 6 May 2025, 16:30 (Europe/Oslo)'), 'the probe, in the site\'s time zone');
    assert.ok(email.text.includes('“Resume now”'));
    assert.ok(email.text.includes('Open Settings → Webhooks: https://chat.shop.test/app/settings/webhooks?site=s_1'));
    assert.ok(!email.text.includes('secret') && !email.html.includes('secret'), 'the rest of the URL, often its credential, is left out');
    assert.ok(!email.html.includes('<img src=x'), 'no markup of theirs');
    assert.ok(email.html.includes('href="https://chat.shop.test/app/settings/webhooks?site=s_1"'));
  });

  it('is in Chinese for a Chinese site, and says what it can when the receiver never answered', () => {
    const email = paused({ lang: 'zh', error: null, statusCode: null, probeAt: null, endpoint: { url: 'https://crm.example/hook', description: '' } });
    assert.equal(email.subject, `发往 crm.example 的 Webhook 已暂停（Shop ${EVIL}）`);
    assert.ok(email.text.includes('连续 10 次发送失败后，Parley 已暂停向 https://crm.example/hook 发送事件。'));
    assert.ok(email.text.includes('最后一次尝试：无响应'));
    assert.ok(!email.text.includes('再尝试发送一次'), 'no probe planned, none promised');
    assert.match(email.html, /<html lang="zh-CN">/);
  });

  it('names a URL by its host and the start of its path only', () => {
    assert.equal(shownUrl('https://hooks.slack.com/services/T0/B0/XYZ'), 'https://hooks.slack.com/services/…');
    assert.equal(shownUrl('https://crm.example/hook'), 'https://crm.example/hook');
    assert.equal(shownUrl('https://crm.example/hook?key=k'), 'https://crm.example/hook/…');
    assert.equal(shownUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
  });
});
