/**
 * The agent API behind the dashboard: a cookie session (httpOnly, SameSite=Strict) and, for every
 * state change, the session's CSRF token in the x-parley-csrf header. Same-origin only: no CORS.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AGENT_PATHS, SESSION_COOKIE, type AgentRef, type Colleague, type AgentStatus, type Conversation, type ConversationDetail,
  type ConversationView, type User,
} from '../../protocol/protocol.ts';
import { verifyPassword } from '../auth/secrets.ts';
import { describeSession, requireAgent, startSession } from './agent-session.ts';
import { topics } from '../bus/bus.ts';
import { requestedCursor } from '../realtime/cursor.ts';
import { streamKey } from '../realtime/revoke.ts';
import { serveLongPoll } from '../realtime/long-poll.ts';
import type { Services } from '../services.ts';
import { noteReplyEmail } from '../email/reply-emails.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const agentRef = (user: User): AgentRef => ({ id: user.id, name: user.name, avatarUrl: user.avatarUrl });

export async function agentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, hub, presence, chat, revoke } = services;

  app.decorateRequest('agent', null);

  app.post<{ Body: { email: string; password: string } }>(AGENT_PATHS.login, {
    config: { rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.ip } },
    schema: { body: s.object({ email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } }, ['email', 'password']) },
  }, async (request, reply) => {
    const found = await store.getUserByEmail(request.body.email.trim());
    const ok = await verifyPassword(request.body.password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) throw new ParleyError('INVALID_CREDENTIALS', 'Wrong email or password.');
    // Only after the password proved right: someone guessing learns no more than from a wrong one.
    if (found.user.disabled) throw new ParleyError('ACCOUNT_DISABLED', 'This account is disabled; ask an owner of this Parley to enable it.');
    return startSession(services, reply, found.user);
  });

  app.register(async (authed) => {
    authed.addHook('onRequest', requireAgent(services));

    const agentOf = (request: FastifyRequest) => request.agent!.user;
    const conversationFor = async (request: FastifyRequest<{ Params: { conversationId: string } }>): Promise<Conversation> => {
      const conversation = await store.getConversation(request.params.conversationId);
      if (!conversation || !agentOf(request).siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      return conversation;
    };

    authed.post(AGENT_PATHS.logout, { config: { apiToken: false } }, async (request, reply) => {
      await store.deleteSession(request.agent!.tokenHash);
      // This session's open streams end with it; the agent's other sessions carry on.
      revoke(streamKey.agent(request.agent!.user.id), { reason: 'revoked', tag: request.agent!.tokenHash });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    });

    authed.get(AGENT_PATHS.me, async (request) => describeSession(services, agentOf(request), request.agent!.csrfToken));

    authed.post<{ Body: { status: AgentStatus } }>(AGENT_PATHS.presence, {
      config: { apiToken: false },
      schema: { body: s.object({ status: { enum: ['online', 'away'] } }, ['status']) },
    }, async (request) => {
      const user = agentOf(request);
      await store.setUserStatus(user.id, request.body.status);
      presence.setStatus(user.id, request.body.status);
      return { status: request.body.status };
    });

    authed.get(AGENT_PATHS.agents, async (request) => {
      const users = await store.listUsers();
      const mine = agentOf(request).siteIds;
      const colleagues = users.filter((user) => !user.disabled && user.siteIds.some((id) => mine.includes(id)));
      // Connected now, as `presence` events say from here on: colleagues who were online before
      // this agent signed in are shown as they are, not as offline until they next change.
      const agents: Colleague[] = await Promise.all(colleagues.map(async (user) => ({
        ...agentRef(user), status: await store.getUserStatus(user.id), connected: presence.agentHere(user.id),
      })));
      return { agents };
    });

    authed.get<{ Querystring: { view: ConversationView; q?: string; label?: string; limit: number } }>(AGENT_PATHS.conversations, {
      schema: {
        querystring: s.object({
          view: { enum: ['waiting', 'mine', 'open', 'resolved', 'all'], default: 'open' },
          q: { type: 'string', maxLength: 200 },
          label: s.id,
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 100 },
        }),
      },
    }, async (request) => {
      const user = agentOf(request);
      // Read the cursor first: anything that happens after it arrives on the stream, so nothing falls between.
      const cursor = await store.headCursor();
      // A team's waiting conversations are its members' queue (issue 14).
      const teamIds = request.query.view === 'waiting' ? (await store.listTeams(user.siteIds)).filter((t) => t.memberIds.includes(user.id)).map((t) => t.id) : undefined;
      const conversations = await store.listConversations({ siteIds: user.siteIds, view: request.query.view, userId: user.id, q: request.query.q?.trim() || undefined, labelId: request.query.label, teamIds, limit: request.query.limit });
      return { conversations, cursor, labels: await store.conversationLabels(conversations.map((c) => c.id)) };
    });

    authed.get<{ Params: { conversationId: string } }>(AGENT_PATHS.conversation, { schema: { params: s.agentConversationParams } }, async (request): Promise<ConversationDetail> => {
      const conversation = await conversationFor(request);
      const visitor = (await store.getVisitor(conversation.visitorId))!;
      const labelIds = (await store.conversationLabels([conversation.id]))[conversation.id] ?? [];
      return { conversation, visitor, visitorOnline: presence.visitorOnline(visitor.id), labelIds };
    });

    authed.get<{ Params: { conversationId: string }; Querystring: { after?: number; before?: number; limit: number } }>(AGENT_PATHS.messages, {
      schema: { params: s.agentConversationParams, querystring: s.historyQuery },
    }, async (request) => {
      const conversation = await conversationFor(request);
      const { after, before, limit } = request.query;
      return store.listMessages(conversation.id, { afterSeq: after, beforeSeq: before, limit, includeInternal: true });
    });

    authed.post<{ Params: { conversationId: string }; Body: { clientId: string; body?: string; internal?: boolean; attachmentIds?: string[]; suppressEmail?: boolean } }>(AGENT_PATHS.messages, {
      schema: { params: s.agentConversationParams, body: s.sendMessage({ internal: { type: 'boolean' }, suppressEmail: { type: 'boolean' } }) },
    }, async (request) => {
      const conversation = await conversationFor(request);
      const user = agentOf(request);
      const input = {
        conversationId: conversation.id, clientId: request.body.clientId, author: 'agent' as const, agentId: user.id,
        body: s.textOf(request.body.body), internal: request.body.internal ?? false, attachmentIds: request.body.attachmentIds,
      };
      // A retry is answered from a read, without a write; the store checks again in its transaction.
      const prior = await chat.priorSend(input);
      // A retry records the email decision too: the first attempt may have stored the reply and
      // failed before it (both are once per message).
      if (prior) return { message: prior, email: await noteReplyEmail(services, conversation.siteId, prior, request.body.suppressEmail ?? false) };
      // Answering a waiting conversation takes it, as the agent would expect: in the reply's own
      // transaction, so nobody takes it in between (issue 10). Someone who took it first keeps it
      // and the reply is sent all the same, as any reply to a colleague's conversation is.
      const message = await chat.send(input.internal ? input : { ...input, claimIfWaiting: agentRef(user) });
      return { message, email: await noteReplyEmail(services, conversation.siteId, message, request.body.suppressEmail ?? false) };
    });

    authed.post<{ Params: { conversationId: string }; Body: { typing: boolean } }>(AGENT_PATHS.typing, {
      schema: { params: s.agentConversationParams, body: s.object({ typing: { type: 'boolean' } }, ['typing']) },
    }, async (request, reply) => {
      chat.typing(await conversationFor(request), 'agent', request.body.typing, agentOf(request).name);
      return reply.status(204).send();
    });

    authed.post<{ Params: { conversationId: string }; Body: { seq: number } }>(AGENT_PATHS.read, {
      schema: { params: s.agentConversationParams, body: s.object({ seq: s.seq }, ['seq']) },
    }, async (request) => {
      const conversation = await conversationFor(request);
      return { conversation: (await store.markRead(conversation.id, 'agent', request.body.seq)).value };
    });

    authed.post<{ Params: { conversationId: string } }>(AGENT_PATHS.claim, { schema: { params: s.agentConversationParams } }, async (request) => {
      const conversation = await conversationFor(request);
      const result = await store.claim(conversation.id, agentRef(agentOf(request)));
      if (result.outcome === 'taken') {
        const by = result.value.assignee!;
        throw new ParleyError('ALREADY_CLAIMED', `${by.name} has already taken this conversation.`, { assignee: by });
      }
      if (result.outcome === 'not-claimable') throw new ParleyError('NOT_CLAIMABLE', 'This conversation is resolved; reopen it first.');
      return { conversation: (result).value };
    });

    authed.post<{ Params: { conversationId: string }; Body: { agentId: string } }>(AGENT_PATHS.transfer, {
      schema: { params: s.agentConversationParams, body: s.object({ agentId: s.id }, ['agentId']) },
    }, async (request) => {
      const conversation = await conversationFor(request);
      const target = await store.getUser(request.body.agentId);
      if (!target || target.disabled || !target.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('USER_NOT_FOUND', 'No active agent with this id works on this site.');
      }
      return { conversation: (await store.transfer(conversation.id, agentRef(agentOf(request)), agentRef(target))).value };
    });

    for (const [path, change] of [[AGENT_PATHS.resolve, 'resolve'], [AGENT_PATHS.reopen, 'reopen']] as const) {
      authed.post<{ Params: { conversationId: string } }>(path, { schema: { params: s.agentConversationParams } }, async (request) => {
        const conversation = await conversationFor(request);
        return { conversation: (await store[change](conversation.id, agentRef(agentOf(request)))).value };
      });
    }

    authed.get<{ Querystring: { cursor?: string; wait: number } }>(AGENT_PATHS.events, { schema: { querystring: s.eventsQuery } }, async (request, reply) => {
      const user = agentOf(request);
      const status = await store.getUserStatus(user.id);
      // An agent behind a buffering proxy polls: they are online all the same. A server polling
      // with an API token is nobody visitors could chat with: it changes no one's presence.
      const present = request.agent!.apiToken ? { enter() {}, leave() {} }
        : { enter: () => presence.agentConnected(user, status), leave: () => presence.agentDisconnected(user.id) };
      return serveLongPoll(services, reply, {
        scope: { kind: 'agent', siteIds: user.siteIds },
        topics: user.siteIds.map(topics.site),
        cursor: requestedCursor(request.query.cursor),
        waitSeconds: request.query.wait,
      }, present);
    });

    authed.get<{ Querystring: { lastEventId?: string } }>(AGENT_PATHS.stream, {
      schema: { querystring: s.object({ lastEventId: { type: 'string', maxLength: 32 } }) },
    }, async (request, reply: FastifyReply) => {
      const user = agentOf(request);
      const key = streamKey.agent(user.id);
      hub.admit(key);
      const cursor = requestedCursor(request.headers['last-event-id'], request.query.lastEventId);
      reply.hijack();
      // As for long-polls: an API token's stream (a server's) makes no one present.
      const { tokenHash, expiresAt, apiToken } = request.agent!;
      if (!apiToken) presence.agentConnected(user, await store.getUserStatus(user.id));
      // A stream outlives no session: when the session expires, the stream ends with it (a revoked
      // API token's ends through revoke(), api-token-routes.ts).
      const expiry = clock.setTimeout(() => hub.closeKey(key, { type: 'goodbye', data: { reason: 'revoked', retryMs: 0 } }, tokenHash),
        Math.min(expiresAt - clock.now(), 2 ** 31 - 1));
      await hub.open(reply.raw, reply.getHeaders(), {
        key,
        scope: { kind: 'agent', siteIds: user.siteIds },
        topics: user.siteIds.map(topics.site),
        cursor,
        greeting: [],
        tag: tokenHash,
        onClose: () => {
          clock.clearTimeout(expiry);
          if (!apiToken) presence.agentDisconnected(user.id);
        },
      });
    });
  });
}
