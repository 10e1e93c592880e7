/** @jsxRuntime classic */
/** @jsx h */
/**
 * The email form while nobody can answer (`whenAway: 'email'`): a chunk of its own, loaded by the
 * panel only when the site is away, so visitors with agents online never download it. It promises
 * a reply by email only when the server can send one (`emailReplies`, issue 12); otherwise the team
 * answers here when back, and the email is optional, for the team to have.
 */
import type { h } from 'preact';
import type { Chat } from './chat.ts';
import { updateVisitor } from './visitor.ts';

/** The form's own CSS (same as prechat.tsx's), so the panel's stylesheet does not carry it; 16 px inputs where iOS would zoom on focus. */
const E = '.e{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--l);font-size:12px}.e label{flex:1;display:flex;flex-direction:column;gap:4px}.e input{border:1px solid var(--l);border-radius:10px;padding:0 10px;height:40px;background:var(--b)}.e input:focus{outline:0;border-color:var(--c)}@media (pointer:coarse){.e input{font-size:16px}}';

/** [emailReplies false, true] for each line. */
const words = {
  en: {
    ask: ['We’ll answer here when we’re back. Your email (optional):', 'Leave your email and we’ll get back to you:'],
    save: 'Save',
    saved: ['Thanks! We’ll answer here when we’re back. Email saved:', 'Thanks! We will reply to'],
  },
  zh: {
    ask: ['我们回来后会在这里回复您。您的邮箱（选填）：', '留下您的邮箱，我们会回复您：'],
    save: '保存',
    saved: ['谢谢！我们回来后会在这里回复您。已保存邮箱：', '谢谢！我们会回复至'],
  },
};

/** Takes the panel's `h`, so this chunk carries no copy of Preact (nor makes it a chunk of its own). */
export const Away = (h: typeof import('preact').h) => function Away({ chat, zh }: { chat: Chat; zh: boolean }) {
  const email = chat.visitor.value?.email;
  const t = zh ? words.zh : words.en;
  const promise = +!!chat.config.value?.emailReplies;
  return [<style>{E}</style>, email ? <div class="e" role="status">{t.saved[promise]} {email}</div> : (
    <form class="e" onSubmit={(e) => {
      e.preventDefault();
      const value = (e.currentTarget.elements[0] as HTMLInputElement).value;
      if (value) void updateVisitor(chat, { email: value });
    }}>
      <label>{t.ask[promise]}<input type="email" required={!!promise} autocomplete="email" /></label>
      <button class="s" type="submit">{t.save}</button>
    </form>
  )];
};
