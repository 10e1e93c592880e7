/**
 * Wires the shared headless client (client/transport.ts, client/outbox.ts) to the dashboard's
 * state for one signed-in session: events go to applyEvent, gaps trigger a REST resync, the
 * outbox sends replies with their client ids. Stopped on logout or session expiry.
 */
import { effect } from '@preact/signals';
import { createOutbox, type Outbox, type OutboxItem, type SendResult } from '../../client/outbox.ts';
import { createTransport, type ResyncReason, type Transport, type TransportDeps } from '../../client/transport.ts';
import { AGENT_PATHS, type WireEvent } from '../../protocol/protocol.ts';
import { ApiError, NetworkError, type Api } from '../api.ts';
import { linkChanged } from '../state/connection.ts';
import { outboxChanged, type ReplyPayload } from '../state/outbox.ts';

export interface ConnectionOptions {
  api: Api;
  userId: string;
  cursor: string;
  onEvent: (event: WireEvent) => void;
  onResync: (reason: ResyncReason) => void;
  onRevoked: () => void;
  /** A reply the server accepted (its message may come back on the stream too; both are idempotent). */
  onDelivered: (item: OutboxItem<ReplyPayload>, result: SendResult) => void;
  canSend: () => boolean;
  transportDeps?: Partial<TransportDeps>;
}

export interface Connection {
  outbox: Outbox<ReplyPayload>;
  transport: Transport;
  stop(): void;
}

export function openConnection(options: ConnectionOptions): Connection {
  const { api } = options;
  const outbox = createOutbox<ReplyPayload>({
    name: `parley-dashboard-${options.userId}`,
    canFlush: options.canSend,
    async send(item) {
      try {
        const { conversationId, body, internal } = item.payload;
        return { status: 200, body: await api.send(conversationId, { clientId: item.id, body, internal }) };
      } catch (error) {
        // Logged out: no answer for now; the outbox keeps the reply and canSend() holds it back.
        if (error instanceof NetworkError || (error instanceof ApiError && error.status === 401)) throw error;
        if (error instanceof ApiError) return { status: error.status, body: { message: error.message } };
        throw error;
      }
    },
    onDelivered: options.onDelivered,
  });

  const transport = createTransport({
    streamUrl: () => AGENT_PATHS.stream,
    pollUrl: AGENT_PATHS.events,
    credentials: 'same-origin',
    cursor: options.cursor,
    onEvent: options.onEvent,
    onResync: (reason) => {
      options.onResync(reason);
      // The server is reachable again: replies waiting in backoff can go now.
      outbox.wake();
      void outbox.flush();
    },
    onRevoked: options.onRevoked,
    deps: options.transportDeps,
  });

  const stopMirror = [
    effect(() => outboxChanged(outbox.items.value)),
    effect(() => {
      const status = transport.status.value;
      linkChanged(status === 'live' || status === 'polling' ? 'live' : status === 'connecting' ? 'connecting' : 'reconnecting');
      if (status === 'live' || status === 'polling') {
        outbox.wake();
        void outbox.flush();
      }
    }),
  ];
  transport.start();
  void outbox.ready.then(() => outbox.flush());

  return {
    outbox,
    transport,
    stop() {
      transport.stop();
      // Its replies stay in IndexedDB for this user's next session; this instance sends nothing more.
      outbox.stop();
      for (const stop of stopMirror) stop();
      outboxChanged([]);
    },
  };
}
