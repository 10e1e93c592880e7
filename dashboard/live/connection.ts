/**
 * Wires the shared headless client (client/session.ts) to the dashboard's state for one signed-in
 * agent: one stream for all of the agent's tabs (the leader tab's, relayed to the others), events
 * to applyEvent and gaps to a REST resync in every tab, the outbox sending replies with their
 * client ids from the leader. Stopped on logout or session expiry.
 */
import { effect } from '@preact/signals';
import type { ClientDeps } from '../../client/browser-deps.ts';
import type { Outbox, OutboxItem, SendResult } from '../../client/outbox.ts';
import { createSession } from '../../client/session.ts';
import type { ResyncReason } from '../../client/transport.ts';
import { AGENT_ONLY_EVENTS, AGENT_PATHS, type WireEvent } from '../../protocol/protocol.ts';
import { ApiError, NetworkError, type Api } from '../api.ts';
import { linkChanged } from '../state/connection.ts';
import { outboxChanged, type ReplyPayload } from '../state/outbox.ts';

/** Why a session ended for all of an agent's tabs: they share its cookie, so when it goes, it goes for each. */
export type EndReason = 'revoked' | 'expired' | 'signed-out';

/**
 * The dashboard's own messages between an agent's tabs (client/session.ts relays the rest): the
 * session is over (end); a reply was discarded (x), so the others re-read the outbox.
 */
type AgentTabMessage = { t: 'end'; why: EndReason } | { t: 'x' };

export interface ConnectionOptions {
  api: Api;
  userId: string;
  /** Loads the queue and answers the cursor it is at; throws when there is no answer (tried again). */
  load: () => Promise<string>;
  onEvent: (event: WireEvent) => void;
  onResync: (reason: ResyncReason) => void;
  /** The session ended for this agent's tabs: revoked on the server (the leader's stream says so), or ended in another tab. */
  onEnded: (why: EndReason) => void;
  /** A reply the server accepted (its message may come back on the stream too; both are idempotent). */
  onDelivered: (item: OutboxItem<ReplyPayload>, result: SendResult) => void;
  canSend: () => boolean;
  deps?: Partial<ClientDeps>;
}

export interface Connection {
  outbox: Outbox<ReplyPayload>;
  /** Settles after the first attempt to load the queue, whether it answered or not. */
  started: Promise<void>;
  /** Whether this tab holds the agent's stream (it alone plays notifications). */
  leads(): boolean;
  send(payload: ReplyPayload, clientId: string): Promise<void>;
  retry(clientId: string): Promise<void>;
  discard(clientId: string): Promise<void>;
  /** Tells the agent's other tabs that the session is over (logout, expiry): they sign out too. */
  ended(why: EndReason): void;
  stop(): void;
}

export function openConnection(options: ConnectionOptions): Connection {
  const { api } = options;
  const session = createSession<ReplyPayload, AgentTabMessage>({
    // One lock and channel per agent: another agent signed in on this browser later has their own.
    begin: async () => ({ name: `parley-agent:${options.userId}`, cursor: await options.load() }),
    // Same origin: the session cookie goes along by fetch's default.
    stream: { streamUrl: () => AGENT_PATHS.stream, pollUrl: AGENT_PATHS.events, agentEvents: AGENT_ONLY_EVENTS },
    outbox: {
      name: `parley-dashboard-${options.userId}`,
      canFlush: options.canSend,
      async send(item) {
        try {
          const { conversationId, body, internal, suppressEmail, attachmentIds } = item.payload;
          return { status: 200, body: await api.send(conversationId, { clientId: item.id, body, internal, ...(suppressEmail ? { suppressEmail } : {}), ...(attachmentIds?.length ? { attachmentIds } : {}) }) };
        } catch (error) {
          // Logged out: no answer for now; the outbox keeps the reply and canSend() holds it back.
          if (error instanceof NetworkError || (error instanceof ApiError && error.status === 401)) throw error;
          if (error instanceof ApiError) return { status: error.status, body: { message: error.message } };
          throw error;
        }
      },
      onDelivered: options.onDelivered,
    },
    onEvent: options.onEvent,
    onResync: options.onResync,
    onRevoked() {
      // The cookie is dead for every tab of this browser, not only for the one holding the stream.
      session.post({ t: 'end', why: 'revoked' });
      options.onEnded('revoked');
    },
    onMessage(message) {
      if (message.t === 'x') void session.outbox.reload();
      else options.onEnded(message.why);
    },
    deps: options.deps,
  });
  const { outbox } = session;

  const stopMirror = [
    effect(() => outboxChanged(outbox.items.value)),
    effect(() => {
      const status = session.status.value;
      linkChanged(status === 'live' || status === 'polling' ? 'live' : status === 'connecting' ? 'connecting' : 'reconnecting');
    }),
  ];

  return {
    outbox,
    started: session.start(),
    leads: session.leads,
    send: session.send,
    retry: session.retry,
    async discard(clientId) {
      await outbox.remove(clientId);
      session.post({ t: 'x' });
    },
    ended: (why) => session.post({ t: 'end', why }),
    stop() {
      // Its replies stay in IndexedDB for this user's next session; this instance sends nothing more.
      session.stop();
      for (const stop of stopMirror) stop();
      outboxChanged([]);
    },
  };
}
