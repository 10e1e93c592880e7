/**
 * The widget's conversation state and how it stays true: the visitor's session (token kept per
 * site in localStorage), history (the last 50 messages also cached in localStorage, so a reload
 * while the server is unreachable still shows them), what the REST resync after any gap fetches,
 * and whether anyone can answer (presence and business hours, re-evaluated every minute). It also
 * notices when the server no longer knows this visitor (their data was deleted: forget.ts wipes
 * the device) and holds an anonymous visitor back where the site requires verified identities.
 * Opening the session, the one stream per browser through the leader tab, the relay between tabs
 * and the outbox are client/session.ts's, shared with the dashboard. Signals out, action
 * functions in; no Preact here.
 */
import { batch, computed, signal } from '@preact/signals-core';
import type { isOpen } from '../protocol/business-hours.ts';
import {
  API, type Conversation, type LIMITS, type Message, type OpenSessionResponse, type RESUME_PARAM, type WidgetConfig, type WireEvent,
} from '../protocol/protocol.ts';

import type { OutboxItem, SendResult } from '../client/outbox.ts';
import { createSession } from '../client/session.ts';
import type { SitePath } from './host.ts';

export type Line =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'local'; key: string; item: OutboxItem<Draft> };
/** A message in the outbox; with files (issue 13), kept as Blobs beside it in IndexedDB until sent (files.tsx). */
export interface Draft { body: string; files?: LocalFile[] }
export interface LocalFile { id: string; blob: Blob; name: string; type: string; size: number }

/**
 * The widget's own message between tabs (client/session.ts relays the rest): this browser is a new
 * visitor, with its token; without one, the server no longer knows this visitor and the token
 * follows (until then the tab shows no outage).
 */
type Renewed = { t: 'v'; k?: string };

/**
 * protocol.ts's LIMITS, checked against it at compile time (the literal types must match) but not
 * imported at run time: the whole table would cost the panel ~115 B gzip (client/transport.ts does the same).
 */
const TYPING_TTL_MS: typeof LIMITS.typingTtlMs = 6_000;
const HISTORY_PAGE: typeof LIMITS.historyPageMax = 100;

export interface ChatOptions {
  base: string;
  siteId: string;
  config: WidgetConfig | null;
  /** An agent's message arrived (live, or missed during a gap; not when history is loaded). */
  onAgentMessage: (message: Message) => void;
  onSent: (message: Message) => void;
}

type VisitorInfo = OpenSessionResponse['visitor'];

/**
 * A client-generated id (outbox items, the conversation start): 128 random bits as digits and
 * dashes, within protocol.ts's clientId pattern and length. Not nanoid: it and its 64-character
 * alphabet cost the panel ~95 B gzip, which issue 9's fixes needed (docs/widget.md "Sizes").
 */
const newId = () => crypto.getRandomValues(new Uint32Array(4)).join('-');

export function createChat(options: ChatOptions) {
  const { base, siteId } = options;
  const key = (name: string) => `parley:${siteId}:${name}`;
  const storage = {
    get: (name: string) => { try { return localStorage.getItem(key(name)); } catch { return null; } },
    set: (name: string, value: string) => { try { localStorage.setItem(key(name), value); } catch { /* private mode */ } },
  };
  const url = (route: SitePath) => `${base}${API}/sites/${encodeURIComponent(siteId)}${route}`;
  const conv = (id: string, action: 'messages' | 'typing' | 'read') => url(`/conversations/${encodeURIComponent(id)}/${action}`);

  const config = signal<WidgetConfig | null>(options.config);
  const online = signal(false);
  const visitor = signal<VisitorInfo | null>(null);
  // The last page seen, so a reload while the server is unreachable still shows the conversation.
  let cached: [Conversation, Message[]] | null = null;
  try { cached = JSON.parse(storage.get('history')!); } catch { /* none or corrupt */ }
  const conversation = signal<Conversation | null>(cached?.[0] ?? null);
  const messages = signal<Message[]>(cached?.[1] ?? []);
  const minute = signal(Date.now());
  // Business hours are re-evaluated every minute, so the widget turns away (or back) on time.
  const clock = setInterval(() => (minute.value = Date.now()), 60_000);
  const agentTyping = signal<string | null>(null);
  let token = storage.get('token');
  let destroyed = false;
  let isReady = () => {};
  const ready = new Promise<void>((resolve) => (isReady = resolve));
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Starting over as a new visitor because the server no longer knows this one: nothing to alarm anyone about (forget.ts). */
  const lost = signal(false);
  /** One calm line from an optional chunk, [English, Chinese] (resume.ts: an email's link that no longer works). */
  const note = signal<string[] | null>(null);
  const forget = () => {
    lost.value = true;
    session.post({ t: 'v' });
    // Without its chunk (the network failed just then) nothing is wiped on this page, and an outage is news again.
    void import('./forget.ts').then((m) => m.gone(chat), () => void (lost.value = false));
  };

  /**
   * Every request the widget makes, the transport's polls included: a 401 to the token still in
   * use means the server no longer knows this visitor (issue 14: their data was deleted), which no
   * retry can change. A late answer to a token already replaced is not news.
   */
  const request = (target: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const used = token;
    return fetch(target, init).then((response) => {
      if (response.status === 401 && used && used === token) forget();
      return response;
    });
  };

  async function call(method: string, target: string, body?: unknown): Promise<SendResult> {
    const response = await request(target, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      // A request that hangs counts as no answer (the outbox retries; clientIds make that safe).
      // (Where AbortSignal.timeout is missing, before Safari 16, without one.)
      signal: AbortSignal.timeout?.(15e3),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Idempotent by a clientId kept per site, so a start retried after a lost answer creates one conversation. */
  async function startConversation(): Promise<SendResult> {
    if (conversation.value) return { status: 200 };
    let clientId = storage.get('conversation');
    if (!clientId) storage.set('conversation', (clientId = newId()));
    const result = await call('POST', url('/conversations'), { clientId });
    if (result.status < 300) conversation.value = (result.body as { conversation: Conversation }).conversation;
    return result;
  }

  /** `live`: these just happened (stream, or a resync after a gap), not history being loaded. */
  function upsert(list: Message[], live = true): void {
    // Only the conversation on screen: an answer that arrives late for another one (the previous
    // visitor's, after an identity switch: issue 9) is dropped.
    list = list.filter((m) => m.conversationId === conversation.value?.id);
    if (list.length === 0) return;
    const byId = new Map(messages.value.map((m) => [m.id, m]));
    const fresh = list.filter((m) => !byId.has(m.id) && !m.internal);
    for (const m of list) byId.set(m.id, m);
    messages.value = [...byId.values()].sort((a, b) => a.seq - b.seq);
    if (conversation.value) storage.set('history', JSON.stringify([conversation.value, messages.value.slice(-50)]));
    if (live) for (const m of fresh) if (m.author === 'agent') options.onAgentMessage(m);
  }

  function apply(event: WireEvent): void {
    // Ids arrive deduplicated and in order (from the transport, or relayed by the leader).
    const current = conversation.value;
    switch (event.type) {
      case 'message': {
        const { message } = event.data as { message: Message };
        if (message.author === 'agent') agentTyping.value = null;
        upsert([message]);
        break;
      }
      case 'conversation.updated':
      case 'conversation.created': {
        const next = (event.data as { conversation: Conversation }).conversation;
        if (!current || next.id === current.id) conversation.value = next;
        break;
      }
      case 'typing': {
        const data = event.data as { by: string; typing: boolean; name: string | null };
        if (data.by !== 'agent') return;
        agentTyping.value = data.typing ? data.name ?? '' : null;
        clearTimeout(typingTimer);
        if (data.typing) typingTimer = setTimeout(() => (agentTyping.value = null), TYPING_TTL_MS);
        break;
      }
      case 'read': {
        // The visitor's own reads too: read in one tab, the badge and title clear in the others.
        const { by, seq } = event.data as { by: string; seq: number };
        const key = by === 'agent' ? 'agentReadSeq' : 'visitorReadSeq';
        if (current) conversation.value = { ...current, [key]: Math.max(current[key], seq) };
        break;
      }
      case 'availability':
        online.value = (event.data as { online: boolean }).online;
        break;
      case 'config':
        // The event carries the site's settings only, not what the server adds to them (docs/protocol.md
        // "Outbound email"): whether it sends email (emailReplies) stays as the session said.
        config.value = { ...config.value, ...(event.data as { config: WidgetConfig }).config };
        break;
    }
  }

  /** After any gap: what happened after the newest message we hold, and the conversation's state. */
  async function resync(): Promise<void> {
    const list = await call('GET', url('/conversations')).catch(() => null);
    const all = (list?.body as { conversations?: Conversation[] } | null)?.conversations ?? [];
    const current = all.find((c) => c.id === conversation.value?.id) ?? all[0] ?? null;
    if (current) conversation.value = current;
    await loadMessages();
  }

  /** History on first load is the newest page; after a gap, page forward until caught up. */
  async function loadMessages(): Promise<void> {
    const current = conversation.value;
    if (!current) return;
    const last = messages.value.at(-1)?.seq;
    for (let after = last, more = true; more;) {
      const page = await call('GET', `${conv(current.id, 'messages')}?${last ? `after=${after}&` : ''}limit=${HISTORY_PAGE}`).catch(() => null);
      const list = (page?.body as { messages?: Message[] } | null)?.messages ?? [];
      upsert(list, !!last);
      more = !!last && list.length === HISTORY_PAGE;
      after = list.at(-1)?.seq ?? after;
    }
  }

  const session = createSession<Draft, Renewed>({
    async begin() {
      const result = await call('POST', url('/session'), {
        context: { url: location.href.slice(0, 2000), title: document.title.slice(0, 500), referrer: document.referrer.slice(0, 2000), language: navigator.language, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      });
      if (result.status !== 200) throw 0;
      const opened = result.body as OpenSessionResponse;
      // Another token than ours: the server did not know ours (the visitor's data was deleted while
      // no widget was open, or the database replaced). What this device kept of them goes first.
      if (token && opened.token !== token) await import('./forget.ts').then((m) => m.forget(chat));
      storage.set('token', (token = opened.token));
      batch(() => {
        if (opened.conversation?.id !== conversation.value?.id) messages.value = [];
        visitor.value = opened.visitor;
        config.value = opened.config;
        online.value = opened.availability.online;
        conversation.value = opened.conversation;
      });
      await loadMessages();
      isReady();
      // Anonymous on a site that requires verified identities: no stream and nothing sent (each
      // would be a 403), until identify.ts starts over as the verified visitor (issue 14).
      if (locked.value) return new Promise<never>(() => {});
      // Per visitor: a tab still on the previous visitor after an identity switch (issue 9) can
      // neither relay its stream to the new one's tabs nor hold their lock.
      return { name: `parley:${siteId}:${opened.visitor.id}`, cursor: opened.cursor };
    },
    stream: {
      streamUrl: async () => {
        const result = await call('POST', url('/stream-ticket'));
        // Refused since the owner began to require verified identities (the config event said so, or
        // the change came before this stream, whose 403 says so): start over, so that begin() sees
        // it and waits for identify rather than ask for tickets in a loop.
        if (locked.value || result.status == 403) void session.start();
        if (result.status !== 200) throw 0;
        return `${url('/stream')}?ticket=${encodeURIComponent((result.body as { ticket: string }).ticket)}`;
      },
      pollUrl: url('/events'),
      pollHeaders: () => ({ authorization: `Bearer ${token}` }),
    },
    outbox: {
      name: `parley-${siteId}`,
      canFlush: () => !!visitor.value,
      async send(item): Promise<SendResult> {
        const started = await startConversation();
        if (started.status >= 300) return started;
        return item.payload.files
          ? (await import('./files.tsx')).deliver(chat, item, conversation.value!.id)
          : call('POST', conv(conversation.value!.id, 'messages'), { clientId: item.id, body: item.payload.body });
      },
      onDelivered(_item, result) {
        const message = (result.body as { message: Message }).message;
        upsert([message]);
        options.onSent(message);
      },
    },
    onEvent: apply,
    onResync: resync,
    // The stream's goodbye for a deleted visitor.
    onRevoked: forget,
    // Another tab made this browser a new visitor: forget.ts forgets the previous one here too.
    onMessage: (message) => message.k ? void import('./forget.ts').then((m) => m.renewed(chat, message.k!)) : void (lost.value = true),
    deps: { fetch: request },
  });
  const { outbox, status } = session;
  // An email's link (issue 12): resume.ts exchanges it, then starts the session itself.
  void (location.search.includes('parley_resume' satisfies typeof RESUME_PARAM) ? import('./email.ts').then((m) => m.resume(chat), session.start) : session.start());

  /** Server messages and local (unsent) ones, in order; a local item disappears once its echo arrives. */
  const lines = computed<Line[]>(() => {
    const known = new Set(messages.value.map((m) => m.clientId));
    return [
      ...messages.value.map((message): Line => ({ kind: 'message', key: message.id, message })),
      ...outbox.items.value.filter((item) => !known.has(item.id)).map((item): Line => ({ kind: 'local', key: item.id, item })),
    ];
  });

  /**
   * Nobody online, or outside business hours: the visitor should not be left waiting. The hours
   * check is a chunk of its own, loaded only for sites that set hours; until it is here such a
   * site counts as away (so a launcher hidden while away does not flash up).
   */
  const hours = signal<typeof isOpen | null>(null);
  let hoursAsked = false;
  const away = computed(() => {
    const set = config.value?.businessHours;
    if (!online.value) return true;
    if (!set) return false;
    if (!hours.value && !hoursAsked) {
      hoursAsked = true;
      void import('../protocol/business-hours.ts').then((m) => (hours.value = m.isOpen));
    }
    return !hours.value?.(set, new Date(minute.value));
  });

  const introduced = signal(!!storage.get('intro'));
  /** The site chats with verified visitors only, and the session says this one is not (yet). */
  const locked = computed(() => !!config.value?.requireVerifiedIdentity && visitor.value?.verified === false);

  let lastTypingSent = 0;
  const chat = {
    config, online, away, hours, visitor, conversation, messages, agentTyping, status, lines, outbox, lost, locked, note,
    /** Only the leader tab holds the stream, sends the outbox, plays sounds and badges the title. */
    leads: session.leads,
    /** Pre-chat form done (or skipped) on this browser (prechat.tsx, which alone sets it, keeps it in storage as 'intro'). */
    introduced,
    /**
     * What the visitor is typing, kept here rather than in the composer: the composer gives way to
     * the sign-in note, or another view, and comes back (panel.tsx) with the text still in it.
     */
    draft: '',
    async send(body: string, files?: LocalFile[]): Promise<void> {
      await session.send(files ? { body, files } : { body }, newId());
      lastTypingSent = 0;
    },
    retry: session.retry,
    typing(active: boolean): void {
      const current = conversation.value;
      const now = Date.now();
      if (!current || (active && now - lastTypingSent < 3000)) return;
      lastTypingSent = active ? now : 0;
      void call('POST', conv(current.id, 'typing'), { typing: active }).catch(() => {});
    },
    read(): void {
      const current = conversation.value;
      const last = messages.value.at(-1)?.seq ?? 0;
      if (!current || last <= current.visitorReadSeq) return;
      conversation.value = { ...current, visitorReadSeq: last };
      void call('POST', conv(current.id, 'read'), { seq: last }).catch(() => {});
    },
    /** For the optional chunks' requests (visitor.ts): resolves once the session has its token. */
    ready,
    api: call,
    siteUrl: url,
    /** This site's entries in localStorage (identify.ts clears the previous visitor's). */
    storage,
    /**
     * Starts over as the visitor of this token, with a new stream (and tells the other tabs, which
     * do the same). Only identify.ts calls it, after forgetting the previous visitor (issue 9).
     */
    restart(fresh: string, tell?: boolean): Promise<void> {
      if (tell) session.post({ t: 'v', k: fresh });
      token = fresh;
      return session.start();
    },
    /** After destroy (`Parley('shutdown')`): what retries on its own (ratings) stops. */
    gone: () => destroyed,
    destroy(): void {
      destroyed = true;
      clearTimeout(typingTimer);
      clearInterval(clock);
      session.stop();
    },
  };
  return chat;
}

export type Chat = ReturnType<typeof createChat>;
