/** @jsxRuntime classic */
/** @jsx h */
/**
 * The panel chunk, loaded by the loader on idle or first interaction: mounts the Preact UI into the
 * loader's Shadow DOM and answers the public API's commands. All state lives in chat.ts; this file
 * only renders it. User text is rendered as text; links are built as elements. Buttons outside a
 * form need no type="button", and role="log" is polite live region by itself (ARIA).
 *
 * Binding: one signals effect re-renders the panel when anything it read changes. The Preact
 * integration of @preact/signals with preact/hooks costs 2.0 KB gzip more than signals-core
 * (measured; see docs/widget.md "Sizes"), which the 16 KB budget cannot carry, and a tree this
 * small re-renders in well under a millisecond.
 */
import { effect, signal } from '@preact/signals-core';
import { h, render } from 'preact';
import type { Message } from '../protocol/protocol.ts';
import { createChat, type Chat, type Line, type LocalFile } from './chat.ts';
import type { PanelApi, WidgetHost } from './host.ts';
import { clip } from './clip.ts';
import { isRtl, isZh, safeLocale } from './locale.ts';
import type { Strings } from './strings.ts';
import { css } from './styles.ts';
import type { PreChat } from './prechat.tsx';
import type { Away } from './away.tsx';
import type { Files } from './files.tsx';
import type { signin } from './signin.ts';
import type { Transcript } from './email.ts';
import type { Rate } from './rating.tsx';

/**
 * What only some visitors need, as chunks of their own: the words of one language, the pre-chat
 * form, the email form while away, the transcript offer (email.ts). Each is imported the first time a render needs it, and the
 * render that follows its arrival shows it (the signal below is read by the render effect).
 */
const parts = signal<{ en?: Strings; zh?: Strings; pre?: ReturnType<typeof PreChat>; away?: ReturnType<typeof Away>; signin?: typeof signin; files?: FilesPart; mail?: ReturnType<typeof Transcript>; rate?: ReturnType<typeof Rate> }>({});
const asked = new Set<string>();
function need<K extends keyof typeof parts.value>(name: K, load: () => Promise<(typeof parts.value)[K]>): (typeof parts.value)[K] {
  if (!asked.has(name)) {
    asked.add(name);
    void load().then((part) => (parts.value = { ...parts.value, [name]: part }));
  }
  return parts.value[name];
}
/** The words for a locale; undefined until its chunk is here (the panel waits for it). */
const strings = (locale: string) => isZh(locale)
  ? need('zh', () => import('./zh.ts').then((m) => m.zh))
  : need('en', () => import('./strings.ts').then((m) => m.en));

type FilesPart = typeof import('./files.tsx') & ReturnType<typeof Files>;
const CLIP = <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7" /></svg>;

const URL_RE = /(https?:\/\/[^\s<>"]+[^\s<>".,:;'!?)\]])/g;

/** Plain text with http(s) links as anchors; everything else stays text. */
function Text({ body }: { body: string }) {
  return body.split(URL_RE).map((part, i) => (i % 2 ? <a href={part} target="_blank" rel="noopener noreferrer nofollow">{part}</a> : part));
}

const time = (at: number, locale: string) => new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

function day(at: number, locale: string, t: Strings): string {
  const date = new Date(at).toDateString();
  if (date === new Date().toDateString()) return t.today;
  if (date === new Date(Date.now() - 864e5).toDateString()) return t.yesterday;
  return new Date(at).toLocaleDateString(locale, { month: 'short', day: 'numeric', year: 'numeric' });
}

/** Pre-chat fields still to ask for ('optional' | 'required' per field), only before the first message. */
function preChat(chat: Chat): Array<'name' | 'email'> {
  const config = chat.config.value;
  const visitor = chat.visitor.value;
  return chat.introduced.value || chat.conversation.value || chat.lines.value.length ? []
    : (['name', 'email'] as const).filter((f) => config && config.preChat[f] !== 'off' && !visitor?.[f]);
}
const loadAway = () => import('./away.tsx').then((m) => m.Away(h));
const loadPre = () => import('./prechat.tsx').then((m) => m.PreChat(h));
/** For the chunks that keep state of their own (files, transcript): the panel renders again. */
const redraw = () => (parts.value = { ...parts.value });
/** Files (issue 13): only for a visitor who attaches, drops or pastes one, or sees one in the conversation. */
const loadFiles = () => import('./files.tsx').then((m) => ({ ...m, ...m.Files(h, redraw) }));
const withFiles = (then: (m: typeof import('./files.tsx')) => unknown) => {
  need('files', loadFiles);
  void import('./files.tsx').then(then);
};
const loadSignin = () => import('./signin.ts').then((m) => m.signin);
/** The transcript offer of a resolved conversation (issue 12), only where the server sends email. */
const loadTranscript = () => import('./email.ts').then((m) => m.Transcript(h, redraw));
/** Satisfaction (issue 15): the rating asked at the end of a resolved conversation, where the site asks. */
const loadRate = () => import('./rating.tsx').then((m) => m.Rate(h, redraw));

function Panel({ chat, t, locale, close }: { chat: Chat; t: Strings; locale: string; close: () => void }) {
  const config = chat.config.value;
  const lines = chat.lines.value;
  const conversation = chat.conversation.value;
  const status = chat.status.value;
  const locked = chat.locked.value;
  // Availability is news only from a server that answers (issue 14): unreachable is not "away",
  // and gets neither the away form nor its promise. A locked session has no stream but did answer.
  const up = locked || status === 'live' || status === 'polling';
  const away = up && chat.away.value;
  const fields = preChat(chat);
  const intro = fields.length > 0;
  let input: HTMLTextAreaElement | null = null;

  const zh = isZh(locale);
  const submit = () => {
    // Held before take(): emptying the tray re-renders the panel, which resets this render's ref.
    const box = input!;
    const body = box.value.trim();
    const files = parts.value.files && parts.value.files.take();
    if (!body && !files) return;
    box.value = chat.draft = '';
    void chat.send(clip(body, 4000), files);
    chat.typing(false);
  };
  const canAttach = config?.attachments?.visitors;
  /** A file dropped on the panel or pasted (a screenshot from the clipboard) joins the tray. */
  const drop = (e: Event, data: DataTransfer | null) => {
    if (data?.files.length && canAttach) {
      e.preventDefault();
      withFiles((m) => m.add(chat, [...data.files], zh));
    }
  };
  const fileList = (files: { m?: Message; local?: LocalFile[] }) => ((F) => F && <F.List chat={chat} zh={zh} {...files} />)(need('files', loadFiles));
  const dark = config?.theme === 'dark' || (config?.theme === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
  const lastMine = [...lines].reverse().find((l) => l.kind === 'message' && l.message.author === 'visitor');
  const askEmail = away && config?.whenAway === 'email';
  let previousDay = '';

  return (
    <div
      class={`p${dark ? ' dark' : ''}${config?.position === 'left' ? ' left' : ''}`}
      style={{ '--c': config?.color ?? '#4f46e5' }}
      role="dialog"
      aria-label={config?.teamName ?? 'Chat'}
      dir={isRtl(locale) ? 'rtl' : 'ltr'}
      lang={locale}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => drop(e, e.dataTransfer)}
      onPaste={(e) => drop(e, e.clipboardData)}
    >
      <div class="h">
        {/* The initial under the picture: a picture that fails to load removes itself, not a broken-image icon. */}
        <span class="av" aria-hidden="true">{(config?.teamName ?? '?').slice(0, 1)}{config?.avatarUrl ? <img class="av" src={config.avatarUrl} onError={(e) => e.currentTarget.remove()} /> : null}</span>
        <div class="t">
          <b>{config?.teamName ?? ''}</b>
          <small><span class={`dot${up && !away ? ' on' : ''}`} />{up ? away ? t.away : t.online : t.connecting}</small>
        </div>
        <button class="x" aria-label={t.close} onClick={close}>×</button>
      </div>
      {/* Not while starting over as a new visitor: the goodbye that ends a deleted visitor's stream is no outage. */}
      {(status === 'offline' || status === 'reconnecting') && !chat.lost.value ? <div class="ban" role="status">{t.offline}</div> : null}
      <div class="m" role="log" aria-label={t.message}>
        {/* The greeting, the away message, and a line from an optional chunk (resume.ts: a link that no longer works). */}
        {[config?.greeting, away && config?.awayMessage, chat.note.value?.[+zh]].map((text) => text && <div class="g" dir="auto">{text}</div>)}
        {lines.map((line: Line) => {
          const at = line.kind === 'message' ? line.message.createdAt : line.item.createdAt;
          const label = day(at, locale, t);
          const separator = label !== previousDay ? <div class="d" key={`d${label}`}>{label}</div> : null;
          previousDay = label;
          if (line.kind === 'local') {
            const failed = line.item.state === 'failed';
            return [separator, <div class="g me" dir="auto" key={line.key}><Text body={line.item.payload.body} />{line.item.payload.files && fileList({ local: line.item.payload.files })}</div>,
              <div class={`st${failed ? ' bad' : ''}`} key={`${line.key}s`}>
                {failed ? [t.failed, ' ', <button class="r" onClick={() => chat.retry(line.item.id)}>{t.retry}</button>] : t.sending}
              </div>];
          }
          const m: Message = line.message;
          // English words come from the server (the body); other languages word m.system themselves.
          if (m.author === 'system') return [separator, <div class="sy" key={m.id}>{t.sys && m.system ? t.sys[m.system.kind].replace('%', m.system.agentName ?? t.someone) : m.body}</div>];
          const mine = m.author === 'visitor';
          return [separator,
            !mine ? <div class="who" key={`${m.id}w`}>{m.agent?.name ?? t.someone} · {time(m.createdAt, locale)}</div> : null,
            <div dir="auto" class={`g${mine ? ' me' : ''}`} key={m.id}><Text body={m.body} />{m.attachments && fileList({ m })}</div>,
            mine && line === lastMine
              ? <div class="st" key={`${m.id}s`}>{time(m.createdAt, locale)} · {conversation && conversation.agentReadSeq >= m.seq ? t.seen : t.sent}</div>
              : null];
        })}
        {conversation?.status === 'resolved' && config?.rating?.enabled ? ((R) => R && <R chat={chat} zh={zh} />)(need('rate', loadRate)) : null}
        {chat.agentTyping.value !== null ? <div class="ty">{chat.agentTyping.value || t.someone} {t.typing}</div> : null}
      </div>
      {locked ? <div class="f" role="status">{need('signin', loadSignin)?.[+zh]}</div> : [
      ((O) => O && <O chat={chat} zh={zh} />)(conversation?.status === 'resolved' && config?.emailReplies ? need('mail', loadTranscript)
        : askEmail && !intro ? need('away', loadAway) : null),
      ((F) => F && <F.Tray zh={zh} />)(parts.value.files),
      intro ? ((P) => P && <P chat={chat} zh={zh} fields={fields} config={config!} />)(need('pre', loadPre)) : <div class="f">
        {canAttach ? <button class="x" aria-label={t.attach} onClick={(e) => withFiles((m) => m.pick(chat, e.currentTarget.getRootNode() as ShadowRoot, zh))}>{CLIP}</button> : null}
        {/* Named by its placeholder, unlike the log (issue 14). */}
        <textarea
          ref={(el) => void (input = el)}
          rows={1}
          dir="auto"
          placeholder={t.placeholder}
          maxLength={4000}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
          }}
          value={chat.draft}
          onInput={(e) => chat.typing((chat.draft = e.currentTarget.value) !== '')}
          onBlur={() => chat.typing(false)}
        />
        <button class="s" onClick={submit}>{t.send}</button>
      </div>]}
    </div>
  );
}

export function mount(host: WidgetHost): PanelApi {
  const chat = createChat({
    base: host.base, siteId: host.siteId, config: host.config,
    onAgentMessage: (message) => {
      host.emit('message', message);
      // The chime is a chunk of its own: only a reply while the panel is closed needs it.
      if (!open.value && chat.leads()) void import('./chime.ts').then((m) => m.chime());
    },
    onSent: (message) => host.emit('sent', message),
  });
  const open = signal(false);
  const locale = signal<string | null>(null);
  const current = () => safeLocale(locale.value ?? chat.config.value?.locale ?? navigator.language);
  const container = document.createElement('div');
  host.root.append(container);
  const wrapper = host.root.querySelector('div')!;
  // On the shadow root, so Esc closes from the launcher too, not only from inside the panel (issue 14).
  // Not while an input method is composing: there Esc cancels the composition.
  host.root.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && !(e as KeyboardEvent).isComposing && setOpen(false));

  const setOpen = (next: boolean) => {
    if (open.value === next) return;
    open.value = next;
    wrapper.classList.toggle('o', next);
    host.launcher.setAttribute('aria-expanded', String(next));
    host.emit(next ? 'open' : 'close');
    if (!next) host.launcher.focus();
  };
  let shown = -1;
  let visible = false;
  let words: Strings | undefined;
  /** The page's own title while ours shows an unread count in it. */
  let title: string | null = null;
  const titleBadge = (count: number) => {
    if (count > 0 && chat.leads()) document.title = `(${count}) ${(title ??= document.title)}`;
    else if (title !== null) { document.title = title; title = null; }
  };

  const disposers = [
    effect(() => {
      const conversation = chat.conversation.value;
      const unread = open.value || !conversation ? 0
        : chat.messages.value.filter((m) => m.author === 'agent' && m.seq > conversation.visitorReadSeq).length;
      host.badge(unread);
      titleBadge(unread);
      host.emit('unread', unread);
    }),
    effect(() => {
      // Cheap and idempotent, so together: the launcher's look, whether it hides, and the chunks to fetch.
      const config = chat.config.value;
      const away = chat.away.value;
      const c = chat.conversation.value;
      if (config) host.style(config);
      // whenAway 'hide': no launcher while nobody can answer, unless a conversation is in progress;
      // whenUnverified 'hide': none until the session says this visitor is verified.
      wrapper.classList.toggle('a', config?.whenAway === 'hide' && away && (!c || c.status === 'resolved') && !chat.outbox.items.value.length
        || !!config?.requireVerifiedIdentity && config.whenUnverified === 'hide' && !chat.visitor.value?.verified);
      // Fetch the optional chunks this visitor will need as soon as that is known, not on first render.
      if (chat.locked.value) need('signin', loadSignin);
      if (preChat(chat).length) need('pre', loadPre);
      if (away && config?.whenAway === 'email' && (chat.hours.value || !config.businessHours || !chat.online.value)) need('away', loadAway);
      strings(current());
    }),
    effect(() => {
      if (open.value && chat.messages.value.length && document.visibilityState === 'visible') chat.read();
    }),
    effect(() => {
      const now = current();
      // After a language switch the previous words stay until the new ones arrive.
      words = strings(now) ?? words;
      const t = open.value && words;
      // The panel's CSS comes and goes with it: nothing else in the shadow root needs it (the loader styles the launcher).
      render(t ? [<style>{css}</style>, <Panel chat={chat} t={t} locale={now} close={() => setOpen(false)} />] : null, container);
      // Focus moves in when the panel appears (on open, or when its words arrive just after).
      if (t && !visible) (container.querySelector('textarea') ?? container.querySelector('input'))?.focus();
      visible = !!t;
      // Keep the newest message in view when one arrives (not on every re-render, so reading back is not interrupted).
      const count = open.value ? chat.lines.value.length + (chat.agentTyping.value === null ? 0 : 1) : -1;
      const list = container.querySelector('.m');
      if (list && count !== shown) list.scrollTop = list.scrollHeight;
      shown = count;
    }),
  ];
  host.emit('ready');

  return {
    command(method, args) {
      const [arg] = args as [Record<string, unknown> | string | undefined];
      if (method === 'open') setOpen(true);
      else if (method === 'close') setOpen(false);
      else if (method === 'toggle') setOpen(!open.value);
      else if (method === 'setLocale') locale.value = typeof arg === 'string' ? arg : null;
      // In call order: every call waits for the same chunk, then runs in turn.
      else if (method === 'identify' || method === 'setAttributes') void import('./identify.ts').then((m) => m.identify(chat, method, arg));
    },
    destroy() {
      for (const dispose of disposers) dispose();
      titleBadge(0);
      render(null, container);
      chat.destroy();
    },
  };
}
