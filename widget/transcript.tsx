/** @jsxRuntime classic */
/** @jsx h */
/**
 * The transcript offer (issue 12; docs/protocol.md "Transcripts"): when a conversation is resolved
 * on a site whose server sends email, the visitor may have it emailed — to the address they gave
 * (prefilled), or one they type. A chunk of its own, loaded only then. Each send carries a client
 * id kept per conversation and address, so pressing again after an answer that was lost (a
 * timeout, the network) sends one email. Said plainly when sent, or why not. Sent or declined, it
 * is not offered again for that conversation on this browser.
 *
 * No signals here: importing them would split signals-core into a chunk every panel loads (as in
 * files.tsx); the panel re-renders when told (`redraw`).
 */
import type { h } from 'preact';
import type { ErrorBody, TranscriptResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';

/** The forms' CSS (as away.tsx's), and this offer's own: its close button and its line of trouble. */
const E = '.e{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--l);font-size:12px}.e label{flex:1;display:flex;flex-direction:column;gap:4px}.e input{border:1px solid var(--l);border-radius:10px;padding:0 10px;height:40px;background:var(--b)}.e input:focus{outline:0;border-color:var(--c)}@media (pointer:coarse){.e input{font-size:16px}}'
  + '.e .x{width:24px;height:40px;font-size:18px;color:var(--m)}.e.bad{padding-top:0;border:0}';

const words = {
  en: {
    ask: 'Email me a copy of this conversation:',
    send: 'Send copy',
    no: 'No, thanks',
    sent: 'Sent. A copy of this conversation is on its way to',
    fail: 'It could not be sent just now. Please try again.',
    unsubscribed: 'This address unsubscribed from our emails, so we cannot send it there.',
    limit: 'This conversation has been emailed as often as it can be.',
  },
  zh: {
    ask: '把这次对话的副本发送到我的邮箱：',
    send: '发送副本',
    no: '不用了',
    sent: '已发送。本次对话的副本正在发往',
    fail: '暂时无法发送，请重试。',
    unsubscribed: '此邮箱已退订我们的邮件，无法发送到这里。',
    limit: '这次对话的发送次数已达上限。',
  },
};
type Trouble = 'fail' | 'unsubscribed' | 'limit';

/** What was asked for each conversation, while this page lives. */
const asked: Record<string, { clientId: string; to: string; state: 'sending' | 'sent' | 'failed'; why?: Trouble }> = {};
const newId = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
/** The conversations sent or declined on this browser (localStorage, per site). */
const done = (chat: Chat) => (chat.storage.get('transcript') ?? '').split(' ');

async function send(chat: Chat, conversationId: string, to: string, redraw: () => void): Promise<void> {
  let ask = asked[conversationId];
  // The same address again (after a failure): the same client id, so the server sends it once.
  if (!ask || ask.to !== to) ask = asked[conversationId] = { clientId: newId(), to, state: 'sending' };
  ask.state = 'sending';
  redraw();
  const result = await chat.api('POST', chat.siteUrl(`/conversations/${encodeURIComponent(conversationId)}/transcript`), { clientId: ask.clientId, email: to })
    .catch(() => null);
  if (result?.status === 202) {
    ask.state = 'sent';
    ask.to = (result.body as TranscriptResponse).to;
    remember(chat, conversationId);
  } else {
    const code = (result?.body as ErrorBody | null)?.error?.code;
    ask.state = 'failed';
    ask.why = code === 'PARLEY_ERR_EMAIL_UNSUBSCRIBED' ? 'unsubscribed' : code === 'PARLEY_ERR_RATE_LIMITED' ? 'limit' : 'fail';
  }
  redraw();
}

function remember(chat: Chat, conversationId: string): void {
  chat.storage.set('transcript', [...done(chat).slice(-19), conversationId].join(' '));
}

/** Takes the panel's `h` (no copy of Preact in this chunk) and how to make it render again. */
export const Transcript = (h: typeof import('preact').h, redraw: () => void) => function Transcript({ chat, zh }: { chat: Chat; zh: boolean }) {
  const id = chat.conversation.value!.id;
  const t = zh ? words.zh : words.en;
  const ask = asked[id];
  if (ask?.state === 'sent') return <div class="e" role="status"><style>{E}</style>{t.sent} {ask.to}</div>;
  if (done(chat).includes(id)) return null;
  return (
    <div>
      <style>{E}</style>
      <form class="e" onSubmit={(e) => {
        e.preventDefault();
        if (ask?.state !== 'sending') void send(chat, id, (e.currentTarget.elements[0] as HTMLInputElement).value.trim(), redraw);
      }}>
        {/* defaultValue, not value: a re-render of the panel must not undo what the visitor typed. */}
        <label>{t.ask}<input type="email" required maxLength={320} autocomplete="email" defaultValue={ask?.to ?? chat.visitor.value?.email ?? ''} /></label>
        <button class="s" type="submit" disabled={ask?.state === 'sending'}>{t.send}</button>
        <button class="x" type="button" aria-label={t.no} title={t.no} onClick={() => { remember(chat, id); redraw(); }}>×</button>
      </form>
      {ask?.why && ask.state === 'failed' ? <div class="e bad" role="alert">{t[ask.why]}</div> : null}
    </div>
  );
};
