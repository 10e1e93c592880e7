/** @jsxRuntime classic */
/** @jsx h */
/**
 * Email capture while nobody can answer (`whenAway: 'email'`): a chunk of its own, loaded by the
 * panel only when the site is away, so visitors with agents online never download it.
 */
import type { h } from 'preact';
import type { Chat } from './chat.ts';
import { updateVisitor } from './visitor.ts';

/** The form's own CSS (same as prechat.tsx's), so the panel's stylesheet does not carry it. */
const E = '.e{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--l);font-size:12px}.e label{flex:1;display:flex;flex-direction:column;gap:4px}.e input{border:1px solid var(--l);border-radius:10px;padding:0 10px;height:40px;background:var(--b)}.e input:focus{outline:0;border-color:var(--c)}';

/** Takes the panel's `h`, so this chunk carries no copy of Preact (nor makes it a chunk of its own). */
const words = {
  en: { ask: 'Leave your email so we can reply:', save: 'Save', saved: 'Thanks! We will reply to' },
  zh: { ask: '留下您的邮箱，我们会回复您：', save: '保存', saved: '谢谢！我们会回复至' },
};

export const Away = (h: typeof import('preact').h) => function Away({ chat, zh }: { chat: Chat; zh: boolean }) {
  const email = chat.visitor.value?.email;
  const t = zh ? words.zh : words.en;
  return [<style>{E}</style>, email ? <div class="e" role="status">{t.saved} {email}</div> : (
    <form class="e" onSubmit={(e) => { e.preventDefault(); void updateVisitor(chat, { email: (e.currentTarget.elements[0] as HTMLInputElement).value }); }}>
      <label>{t.ask}<input type="email" required autocomplete="email" /></label>
      <button class="s" type="submit">{t.save}</button>
    </form>
  )];
};
