/** @jsxRuntime classic */
/** @jsx h */
/**
 * The pre-chat form: a chunk of its own, loaded by the panel only when the site's `preChat` asks
 * for a field this visitor has not given yet (most sites and returning visitors never load it).
 */
import type { h } from 'preact';
import type { WidgetConfig } from '../protocol/protocol.ts';
import type { Chat } from './chat.ts';
import { updateVisitor } from './visitor.ts';

const words = {
  en: { intro: 'Before we start, tell us who you are.', name: 'Name', email: 'Email', start: 'Start chat' },
  zh: { intro: '开始之前，请告诉我们您是谁。', name: '姓名', email: '邮箱', start: '开始聊天' },
};

/** The form's own CSS (same as away.tsx's), so the panel's stylesheet does not carry it; 16 px inputs where iOS would zoom on focus. */
const E = '.e{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--l);font-size:12px}.e label{flex:1;display:flex;flex-direction:column;gap:4px}.e input{border:1px solid var(--l);border-radius:10px;padding:0 10px;height:40px;background:var(--b)}.e input:focus{outline:0;border-color:var(--c)}@media (pointer:coarse){.e input{font-size:16px}}';

/** Stable, so Preact calls it once, when the form appears: focus goes to the first field. */
const grab = (el: HTMLInputElement | null) => el?.focus();

/** Takes the panel's `h`, so this chunk carries no copy of Preact (nor makes it a chunk of its own). */
export const PreChat = (h: typeof import('preact').h) => function PreChat({ chat, zh, fields, config }: { chat: Chat; zh: boolean; fields: Array<'name' | 'email'>; config: WidgetConfig }) {
  const t = zh ? words.zh : words.en;
  return (
    <form
      class="e"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        // Taken now: the render that introduced sets off replaces the form at once, and a form out
        // of the document is its own root, with no composer in it (issue 14: focus was lost).
        const root = form.getRootNode() as ShadowRoot;
        const patch: Record<string, string> = {};
        for (const f of fields) {
          const value = (form.elements.namedItem(f) as HTMLInputElement).value.trim();
          if (value) patch[f] = value;
        }
        // Done on this browser: the form is not asked again (chat.ts reads 'intro' when it starts).
        // Here, not in chat.ts, so the panel chunk does not carry what only this form does.
        chat.storage.set('intro', '1');
        chat.introduced.value = true;
        if (Object.keys(patch).length) void updateVisitor(chat, patch);
        root.querySelector('textarea')?.focus();
      }}
    >
      <style>{E + '.e{flex-direction:column;align-items:stretch;font-size:13px}.e .s{text-align:center}'}</style>
      <p>{t.intro}</p>
      {fields.map((f, i) => (
        <label key={f}>
          {t[f]}{config.preChat[f] === 'required' ? ' *' : ''}
          <input ref={i ? null : grab} name={f} type={(f === 'email' ? 'email' : 'text') as 'text'} autocomplete={f} required={config.preChat[f] === 'required'} maxLength={200} />
        </label>
      ))}
      <button class="s" type="submit">{t.start}</button>
    </form>
  );
};
