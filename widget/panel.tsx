/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
/**
 * The panel chunk, loaded by the loader on idle or first interaction: mounts the Preact UI into the
 * loader's Shadow DOM and answers the public API's commands. All state lives in chat.ts; this file
 * only renders it. User text is rendered as text; links are built as elements.
 *
 * Binding: one signals effect re-renders the panel when anything it read changes. The Preact
 * integration of @preact/signals and preact/hooks (3.4 KB gzip together) did not fit the 16 KB
 * budget, and a tree this small re-renders in well under a millisecond.
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
  const askEmail = config?.whenAway === 'email' && !chat.online.value && chat.visitor.value && !chat.visitor.value.email
    && lines.some((l) => l.kind === 'local' || l.message.author === 'visitor');
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
          <small><span class={`dot${chat.online.value ? ' on' : ''}`} />{chat.online.value ? t.online : t.away}</small>
        </div>
        <button class="x" type="button" aria-label={t.close} onClick={close}>×</button>
      </div>
      {status === 'offline' || status === 'reconnecting' ? <div class="ban" role="status">{status === 'offline' ? t.offline : t.connecting}</div> : null}
      <div class="m" role="log" aria-live="polite" aria-label={t.message}>
        {config?.greeting ? <div class="g">{config.greeting}</div> : null}
        {lines.map((line: Line) => {
          const at = line.kind === 'message' ? line.message.createdAt : line.item.createdAt;
          const label = day(at, locale, t);
          const separator = label !== previousDay ? <div class="d" key={`d${label}`}>{label}</div> : null;
          previousDay = label;
          if (line.kind === 'local') {
            const failed = line.item.state === 'failed';
            return [separator, <div class="g me" key={line.key}><Text body={line.item.payload.body} /></div>,
              <div class={`st${failed ? ' bad' : ''}`} key={`${line.key}s`}>
                {failed ? <>{t.failed} <button class="r" type="button" onClick={() => chat.retry(line.item.id)}>{t.retry}</button></> : t.sending}
              </div>];
          }
          const m: Message = line.message;
          if (m.author === 'system') return [separator, <div class="sy" key={m.id}>{m.system?.agentName ?? ''} {m.system?.kind}</div>];
          const mine = m.author === 'visitor';
          return [separator,
            !mine ? <div class="who" key={`${m.id}w`}>{m.agent?.name ?? t.someone} · {time(m.createdAt, locale)}</div> : null,
            <div class={`g${mine ? ' me' : ''}`} key={m.id}><Text body={m.body} /></div>,
            mine && line === lastMine
              ? <div class="st" key={`${m.id}s`}>{time(m.createdAt, locale)} · {conversation && conversation.agentReadSeq >= m.seq ? t.seen : t.sent}</div>
              : null];
        })}
        {chat.agentTyping.value !== null ? <div class="ty">{chat.agentTyping.value || t.someone} {t.typing}</div> : null}
      </div>
      {askEmail ? (
        <form class="e" onSubmit={(e) => { e.preventDefault(); void chat.updateVisitor({ email: (e.currentTarget.elements[0] as HTMLInputElement).value }); }}>
          <label>{t.emailAsk} <input type="email" required /></label>
          <button class="s" type="submit">{t.emailSave}</button>
        </form>
      ) : null}
      <div class="f">
        <textarea
          ref={(el) => void (input = el)}
          rows={1}
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
      </div>
    </div>
  );
}

export function mount(host: WidgetHost): PanelApi {
  const chat = createChat({
    base: host.base, siteId: host.siteId, config: host.config,
    onAgentMessage: (message) => host.emit('message', message),
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
    if (next) container.querySelector('textarea')?.focus();
    else host.launcher.focus();
  };
  let shown = -1;

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
      host.emit('unread', unread);
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
      render(null, container);
      chat.destroy();
    },
  };
}
