/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
/**
 * The panel chunk, loaded by the loader on idle or first interaction: mounts the Preact UI into the
 * loader's Shadow DOM and answers the public API's commands. All state lives in chat.ts; this file
 * only renders it. User text is rendered as text; links are built as elements.
 *
 * Binding: one signals effect re-renders the panel when anything it read changes. The Preact
 * integration of @preact/signals with preact/hooks costs 2.0 KB gzip more than signals-core
 * (measured; see docs/widget.md "Sizes"), which the 16 KB budget cannot carry, and a tree this
 * small re-renders in well under a millisecond.
 */
import { effect, signal } from '@preact/signals-core';
import { Fragment, h, render } from 'preact';
import type { Message } from '../protocol/protocol.ts';
import { createChat, type Chat, type Line } from './chat.ts';
import type { PanelApi, WidgetHost } from './host.ts';
import { isRtl, strings, type Strings } from './strings.ts';
import { css } from './styles.ts';

const URL_RE = /(https?:\/\/[^\s<>"]+[^\s<>".,:;'!?)\]])/g;

/** Plain text with http(s) links as anchors; everything else stays text. */
function Text({ body }: { body: string }) {
  return <>{body.split(URL_RE).map((part, i) => (i % 2 ? <a href={part} target="_blank" rel="noopener noreferrer nofollow">{part}</a> : part))}</>;
}

/** A short two-note chime from Web Audio (no audio file to download); silent where audio is blocked. */
function chime(): void {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(1e-4, audio.currentTime + 0.4);
    [660, 880].forEach((hz, i) => {
      const tone = audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(audio.currentTime + i * 0.12);
      tone.stop(audio.currentTime + 0.4);
    });
    setTimeout(() => void audio.close(), 600);
  } catch { /* no Web Audio */ }
}

const time = (at: number, locale: string) => new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

function day(at: number, locale: string, t: Strings): string {
  const date = new Date(at).toDateString();
  if (date === new Date().toDateString()) return t.today;
  if (date === new Date(Date.now() - 864e5).toDateString()) return t.yesterday;
  return new Date(at).toLocaleDateString(locale, { month: 'short', day: 'numeric', year: 'numeric' });
}

function Panel({ chat, t, locale, close }: { chat: Chat; t: Strings; locale: string; close: () => void }) {
  const config = chat.config.value;
  const lines = chat.lines.value;
  const conversation = chat.conversation.value;
  const status = chat.status.value;
  const visitor = chat.visitor.value;
  const away = chat.away.value;
  // Pre-chat fields still to ask for: 'optional' | 'required' per field, only before the first message.
  const fields = (['name', 'email'] as const).filter((f) => config && config.preChat[f] !== 'off' && !visitor?.[f]);
  const intro = !chat.introduced.value && !conversation && !lines.length && fields.length > 0;
  let input: HTMLTextAreaElement | null = null;

  const submit = () => {
    const body = input!.value.trim();
    if (!body) return;
    input!.value = '';
    void chat.send(body.slice(0, 4000));
    chat.typing(false);
  };
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
      onKeyDown={(e) => e.key === 'Escape' && close()}
    >
      <div class="h">
        {config?.avatarUrl ? <img class="av" src={config.avatarUrl} alt="" /> : <span class="av" aria-hidden="true">{(config?.teamName ?? '?').slice(0, 1)}</span>}
        <div class="t">
          <b>{config?.teamName ?? ''}</b>
          <small><span class={`dot${away ? '' : ' on'}`} />{away ? t.away : t.online}</small>
        </div>
        <button class="x" type="button" aria-label={t.close} onClick={close}>×</button>
      </div>
      {status === 'offline' || status === 'reconnecting' ? <div class="ban" role="status">{status === 'offline' ? t.offline : t.connecting}</div> : null}
      <div class="m" role="log" aria-live="polite" aria-label={t.message}>
        {config?.greeting ? <div class="g" dir="auto">{config.greeting}</div> : null}
        {away && config?.awayMessage ? <div class="g" dir="auto">{config.awayMessage}</div> : null}
        {lines.map((line: Line) => {
          const at = line.kind === 'message' ? line.message.createdAt : line.item.createdAt;
          const label = day(at, locale, t);
          const separator = label !== previousDay ? <div class="d" key={`d${label}`}>{label}</div> : null;
          previousDay = label;
          if (line.kind === 'local') {
            const failed = line.item.state === 'failed';
            return [separator, <div class="g me" dir="auto" key={line.key}><Text body={line.item.payload.body} /></div>,
              <div class={`st${failed ? ' bad' : ''}`} key={`${line.key}s`}>
                {failed ? <>{t.failed} <button class="r" type="button" onClick={() => chat.retry(line.item.id)}>{t.retry}</button></> : t.sending}
              </div>];
          }
          const m: Message = line.message;
          if (m.author === 'system') return [separator, <div class="sy" key={m.id}>{m.system?.agentName ?? ''} {m.system?.kind}</div>];
          const mine = m.author === 'visitor';
          return [separator,
            !mine ? <div class="who" key={`${m.id}w`}>{m.agent?.name ?? t.someone} · {time(m.createdAt, locale)}</div> : null,
            <div dir="auto" class={`g${mine ? ' me' : ''}`} key={m.id}><Text body={m.body} /></div>,
            mine && line === lastMine
              ? <div class="st" key={`${m.id}s`}>{time(m.createdAt, locale)} · {conversation && conversation.agentReadSeq >= m.seq ? t.seen : t.sent}</div>
              : null];
        })}
        {chat.agentTyping.value !== null ? <div class="ty">{chat.agentTyping.value || t.someone} {t.typing}</div> : null}
      </div>
      {askEmail && !intro ? (visitor?.email ? <div class="e" role="status">{t.emailSaved} {visitor.email}</div> : (
        <form class="e" onSubmit={(e) => { e.preventDefault(); void chat.updateVisitor({ email: (e.currentTarget.elements[0] as HTMLInputElement).value }); }}>
          <label>{t.emailAsk}<input type="email" required autocomplete="email" /></label>
          <button class="s" type="submit">{t.emailSave}</button>
        </form>
      )) : null}
      {intro ? (
        <form
          class="e pc"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const patch: Record<string, string> = {};
            for (const f of fields) {
              const value = (form.elements.namedItem(f) as HTMLInputElement).value.trim();
              if (value) patch[f] = value;
            }
            void chat.introduce(patch);
            (form.getRootNode() as ShadowRoot).querySelector('textarea')?.focus();
          }}
        >
          <p>{t.intro}</p>
          {fields.map((f) => (
            <label key={f}>
              {t[f]}{config!.preChat[f] === 'required' ? ' *' : ''}
              <input name={f} type={(f === 'email' ? 'email' : 'text') as 'text'} autocomplete={f} required={config!.preChat[f] === 'required'} maxLength={200} />
            </label>
          ))}
          <button class="s" type="submit">{t.start}</button>
        </form>
      ) : <div class="f">
        <textarea
          ref={(el) => void (input = el)}
          rows={1}
          dir="auto"
          aria-label={t.message}
          placeholder={t.placeholder}
          maxLength={4000}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
          }}
          onInput={(e) => chat.typing(e.currentTarget.value !== '')}
          onBlur={() => chat.typing(false)}
        />
        <button class="s" type="button" onClick={submit}>{t.send}</button>
      </div>}
    </div>
  );
}

export function mount(host: WidgetHost): PanelApi {
  const chat = createChat({
    base: host.base, siteId: host.siteId, config: host.config,
    onAgentMessage: (message) => {
      host.emit('message', message);
      if (!open.value && chat.leads()) chime();
    },
    onSent: (message) => host.emit('sent', message),
  });
  const open = signal(false);
  const locale = signal<string | null>(null);
  const container = document.createElement('div');
  const style = document.createElement('style');
  style.textContent = css;
  host.root.append(style, container);
  const wrapper = host.root.querySelector('div')!;

  const setOpen = (next: boolean) => {
    if (open.value === next) return;
    open.value = next;
    wrapper.classList.toggle('o', next);
    host.launcher.setAttribute('aria-expanded', String(next));
    host.emit(next ? 'open' : 'close');
    if (next) (container.querySelector('textarea') ?? container.querySelector('input'))?.focus();
    else host.launcher.focus();
  };
  let shown = -1;
  /** The page's own title while ours shows an unread count in it. */
  let title: string | null = null;
  const titleBadge = (count: number) => {
    if (count > 0 && chat.leads()) document.title = `(${count}) ${(title ??= document.title)}`;
    else if (title !== null) { document.title = title; title = null; }
  };

  const disposers = [
    effect(() => {
      const config = chat.config.value;
      if (config) host.style(config);
    }),
    effect(() => {
      const conversation = chat.conversation.value;
      const unread = open.value || !conversation ? 0
        : chat.messages.value.filter((m) => m.author === 'agent' && m.seq > conversation.visitorReadSeq).length;
      host.badge(unread);
      titleBadge(unread);
      host.emit('unread', unread);
    }),
    effect(() => {
      // whenAway 'hide': no launcher while nobody can answer, unless a conversation is in progress.
      const c = chat.conversation.value;
      wrapper.classList.toggle('a', chat.config.value?.whenAway === 'hide' && chat.away.value
        && (!c || c.status === 'resolved') && !chat.outbox.items.value.length);
    }),
    effect(() => {
      if (open.value && chat.messages.value.length && document.visibilityState === 'visible') chat.read();
    }),
    effect(() => {
      const current = locale.value ?? chat.config.value?.locale ?? navigator.language ?? 'en';
      render(open.value ? <Panel chat={chat} t={strings(current)} locale={current} close={() => setOpen(false)} /> : null, container);
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
      else if (method === 'setAttributes') void chat.updateVisitor({ attributes: arg });
      else if (method === 'identify' && arg && typeof arg === 'object') {
        const { id, name, email, hash } = arg as Record<string, string | undefined>;
        void chat.updateVisitor({
          ...(name ? { name } : {}), ...(email ? { email } : {}), ...(id && hash ? { identity: { id: String(id), hash } } : {}),
        }).then((result) => result.status >= 300 && console.warn(`Parley: identify failed (${JSON.stringify(result.body)})`));
      }
    },
    destroy() {
      for (const dispose of disposers) dispose();
      titleBadge(0);
      render(null, container);
      chat.destroy();
    },
  };
}
