/** @jsxRuntime classic */
/** @jsx h */
/**
 * Satisfaction (issue 15; docs/widget.md "Ratings"): when a conversation is resolved and the site
 * asks, the end of the conversation asks the visitor for a rating — five stars or a thumb, as the
 * owner chose, in the owner's words or ours — and an optional comment. A chunk of its own, loaded
 * only then.
 *
 * Offline-safe like messages: the rating is kept in localStorage with its client id before any
 * request, sent until the server answers (rating-send.ts: after a backoff, at once when the panel
 * sees the connection back, and on the next page that shows the conversation), and stored once
 * however often it arrives (the server deduplicates by client id). Not client/outbox.ts: its
 * signals and IndexedDB would be split into a chunk every opened panel downloads (see files.tsx),
 * for one small record that localStorage keeps as well. No signals here either: the panel
 * re-renders when told (`redraw`).
 */
import type { h } from 'preact';
import type { RatingResponse } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';
import { flush, keep, known, newId, pending } from './rating-send.ts';

const CSS = '.rt{align-self:stretch;margin:6px 0;padding:12px;border:1px solid var(--l);border-radius:12px;text-align:center;display:flex;flex-direction:column;gap:8px;font-size:13px}'
  + '.rt .b{all:unset;cursor:pointer;font-size:26px;line-height:1;padding:0 3px;color:var(--m)}.rt .k{color:#f59e0b}.rt .u{padding:0 8px}.rt .u.k{color:var(--c)}'
  + '.rt textarea{border:1px solid var(--l);border-radius:10px;padding:8px 10px;background:var(--b);resize:none;outline:0}.rt textarea:focus{border-color:var(--c)}'
  + '.rt .s{align-self:center}.rt small{color:var(--m)}@media (pointer:coarse){.rt textarea{font-size:16px}}';

/** A thumb (Feather's thumbs-up), drawn: emoji depend on the visitor's fonts. Turned over for down. */
const thumb = (h: typeof import('preact').h, down: boolean) => (
  <svg viewBox="0 0 24 24" width="30" height="30" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
    <path transform={down ? 'rotate(180 12 12)' : undefined} d="M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3" />
  </svg>
);

const words = {
  en: { ask: 'How would you rate this conversation?', more: 'Anything to add? (optional)', send: 'Send rating', thanks: 'Thank you for your feedback!', wait: 'Sending when the connection returns…', star: (n: number) => `${n} star${n > 1 ? 's' : ''}`, up: 'Good', down: 'Not good' },
  zh: { ask: '您对这次对话满意吗？', more: '还有什么想告诉我们的吗？（选填）', send: '提交', thanks: '感谢您的反馈！', wait: '恢复连接后将自动提交…', star: (n: number) => `${n} 星`, up: '满意', down: '不满意' },
};

/** Takes the panel's `h` (no copy of Preact in this chunk) and how to make it render again. */
export const Rate = (h: typeof import('preact').h, redraw: () => void) => {
  let started = false;
  let wasUp = false;
  return function Rate({ chat, zh }: { chat: Chat; zh: boolean }) {
    const t = zh ? words.zh : words.en;
    const settings = chat.config.value!.rating;
    const id = chat.conversation.value!.id;
    const mine = pending(chat)[id];
    const here = (known[id] ??= {});
    const up = chat.status.value === 'live' || chat.status.value === 'polling';
    // Ratings left by an earlier page go out as soon as this chunk is here; a connection back sends
    // at once. Only when it comes back: every render while it is up would send again without the
    // backoff (the redraw after each failed round is a render).
    const back = up && !wasUp;
    wasUp = up;
    if (!started || (back && Object.keys(pending(chat)).length)) {
      started = true;
      void flush(chat, redraw);
    }
    if (here.given === undefined && !mine && !here.asking) {
      here.asking = true;
      void chat.ready.then(() => chat.api('GET', chat.siteUrl(`/conversations/${encodeURIComponent(id)}/rating`))).then((result) => {
        if (result.status === 200) here.given = (result.body as RatingResponse).rating;
      }, () => {}).finally(() => {
        here.asking = false;
        redraw();
      });
    }
    const score = mine?.score ?? here.given?.score ?? here.picked;
    const done = !!mine || !!here.given;
    const scale = done ? (mine ?? here.given)!.scale : settings.scale;
    const choices = scale === 'thumbs' ? [[5, thumb(h, false), t.up], [1, thumb(h, true), t.down]] as const : ([1, 2, 3, 4, 5] as const).map((n) => [n, '★', t.star(n)] as const);
    const question = settings.question.trim() || t.ask;
    let comment: HTMLTextAreaElement | null = null;
    return (
      // In view when it appears: it comes after the resolved line the panel scrolled to.
      <div class="rt" role="group" aria-label={question} ref={(el) => void (el && !here.shown && (here.shown = true, el.parentElement!.scrollTop = 1e9))}>
        <style>{CSS}</style>
        <div dir="auto">{done ? t.thanks : question}</div>
        <div>
          {choices.map(([n, icon, label]) => (
            <button
              class={`b${scale === 'thumbs' ? ' u' : ''}${score !== undefined && (scale === 'thumbs' ? n === score : n <= score) ? ' k' : ''}`}
              aria-label={label}
              aria-pressed={score === n}
              disabled={done}
              onClick={() => { here.picked = n; redraw(); }}
            >{icon}</button>
          ))}
        </div>
        {done ? (mine && !up ? <small role="status">{t.wait}</small> : null) : here.picked !== undefined ? [
          <textarea ref={(el) => void (comment = el)} rows={2} dir="auto" maxLength={1000} placeholder={t.more} aria-label={t.more} />,
          <button class="s" onClick={() => {
            const text = comment?.value.trim();
            keep(chat, { ...pending(chat), [id]: { clientId: newId(), score: here.picked!, scale, ...(text ? { comment: text } : {}) } });
            void flush(chat, redraw);
          }}>{t.send}</button>,
        ] : null}
      </div>
    );
  };
};
