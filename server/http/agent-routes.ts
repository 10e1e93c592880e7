/**
 * The agent API behind the dashboard: a cookie session (httpOnly, SameSite=Strict) and, for every
 * state change, the session's CSRF token in the x-parley-csrf header. Same-origin only: no CORS.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { meResponseSchema } from '../../protocol/account-api.ts';
import {
  agentSendMessageRequestSchema, agentSentMessageSchema, agentStreamQuerySchema, colleagueListResponseSchema, conversationDetailSchema,
  conversationListQuerySchema, conversationListResponseSchema, conversationParamsSchema, eventStreamResponse, loginRequestSchema, noContentSchema,
  presenceRequestSchema, presenceResponseSchema, transferRequestSchema, type Colleague,
} from '../../protocol/agent-api.ts';
import {
  conversationAnswerSchema, eventBatchSchema, eventsQuerySchema, historyQuerySchema, messagePageSchema,
} from '../../protocol/conversation-api.ts';
import { AGENT_PATHS, SESSION_COOKIE, type AgentRef, type User } from '../../protocol/protocol.ts';
import type { ConversationRef } from '../store/store.ts';
import { readRequestSchema, typingRequestSchema } from '../../protocol/visitor-api.ts';
import { verifyPassword } from '../auth/secrets.ts';
import { describeSession, requireAgent, startSession } from './agent-session.ts';
import { topics } from '../bus/bus.ts';
import { requestedCursor } from '../realtime/cursor.ts';
import { streamKey } from '../realtime/revoke.ts';
import { serveLongPoll } from '../realtime/long-poll.ts';
import type { Services } from '../services.ts';
import { noteReplyEmail } from '../email/reply-emails.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { textOf } from '../chat.ts';

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const agentRef = (user: User): AgentRef => ({ id: user.id, name: user.name, avatarUrl: user.avatarUrl });

const conversationAnswer = (description: string) => ({ 200: { ...conversationAnswerSchema, description } });

export async function agentRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, clock, hub, presence, chat, revoke } = services;
  // Shapes come from protocol/agent-api.ts (and the conversation's, account's), typed through the schema provider.
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  app.decorateRequest('agent', null);

  app.post(AGENT_PATHS.login, {
    config: { rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.ip } },
    schema: {
      summary: 'Sign in with email and password: sets the session cookie, answers the session',
      body: loginRequestSchema,
      response: { 200: { ...meResponseSchema, description: 'The session: who you are, the CSRF token, your sites, your status, the event head' } },
    },
  }, async (request, reply) => {
    const found = await store.getUserByEmail(request.body.email.trim());
    const ok = await verifyPassword(request.body.password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) throw new ParleyError('INVALID_CREDENTIALS', 'Wrong email or password.');
    // Only after the password proved right: someone guessing learns no more than from a wrong one.
    if (found.user.disabled) throw new ParleyError('ACCOUNT_DISABLED', 'This account is disabled; ask an owner of this Parley to enable it.');
    return startSession(services, reply, found.user);
  });

  await app.register(async (plugin) => {
    const authed = plugin.withTypeProvider<JsonSchemaProvider>();
    authed.addHook('onRequest', requireAgent(services));

    const agentOf = (request: FastifyRequest) => request.agent!.user;
    /** A conversation as read, or not found unless it is on one of the agent's sites. */
    const onTheirSites = <T extends { siteId: string }>(request: FastifyRequest, conversation: T | null): T => {
      if (!conversation || !agentOf(request).siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      return conversation;
    };
    /**
     * What acting on a conversation needs: its reference, not the whole record, which is read only
     * where it is answered. On every agent's send it is the cheaper read (issue 16), and on
     * PostgreSQL a batched one.
     */
    const conversationFor = async (request: FastifyRequest, conversationId: string): Promise<ConversationRef> =>
      onTheirSites(request, await store.getConversationRef(conversationId));

    authed.post(AGENT_PATHS.logout, {
      config: { apiToken: false },
      schema: { summary: 'Sign out: this session and its streams end', response: { 204: noContentSchema } },
    }, async (request, reply) => {
      await store.deleteSession(request.agent!.tokenHash);
      // This session's open streams end with it; the agent's other sessions carry on.
      revoke(streamKey.agent(request.agent!.user.id), { reason: 'revoked', tag: request.agent!.tokenHash });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    });

    authed.get(AGENT_PATHS.me, {
      schema: { summary: 'The session, as signing in answered it', response: { 200: { ...meResponseSchema, description: 'Who you are, the CSRF token, your sites, your status, the event head' } } },
    }, async (request) => describeSession(services, agentOf(request), request.agent!.csrfToken));

    authed.post(AGENT_PATHS.presence, {
      config: { apiToken: false },
      schema: {
        summary: 'Set your status: online (conversations may come to you) or away',
        body: presenceRequestSchema, response: { 200: { ...presenceResponseSchema, description: 'The status set' } },
      },
    }, async (request) => {
      const user = agentOf(request);
      await store.setUserStatus(user.id, request.body.status);
      presence.setStatus(user.id, request.body.status);
      return { status: request.body.status };
    });

    authed.get(AGENT_PATHS.agents, {
      schema: {
        summary: 'Your colleagues on your sites, with their status and whether a dashboard of theirs is connected',
        response: { 200: { ...colleagueListResponseSchema, description: 'Every enabled agent who shares a site with you (you too)' } },
      },
    }, async (request) => {
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

    authed.get(AGENT_PATHS.conversations, {
      schema: {
        summary: 'The queue: your sites\' conversations in a view, optionally with a label or matching a search, newest activity first',
        querystring: conversationListQuerySchema,
        response: { 200: { ...conversationListResponseSchema, description: 'The conversations, their labels, and the event head to stream from' } },
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

    authed.get(AGENT_PATHS.conversation, {
      schema: {
        summary: 'A conversation with its visitor\'s record, whether they are online, and its labels',
        params: conversationParamsSchema, response: { 200: { ...conversationDetailSchema, description: 'The conversation and its visitor' } },
      },
    }, async (request) => {
      const conversation = onTheirSites(request, await store.getConversation(request.params.conversationId));
      const visitor = (await store.getVisitor(conversation.visitorId))!;
      const labelIds = (await store.conversationLabels([conversation.id]))[conversation.id] ?? [];
      return { conversation, visitor, visitorOnline: presence.visitorOnline(visitor.id), labelIds };
    });

    authed.get(AGENT_PATHS.messages, {
      schema: {
        summary: 'A page of the conversation\'s messages, internal notes included',
        params: conversationParamsSchema, querystring: historyQuerySchema, response: { 200: { ...messagePageSchema, description: 'The messages, oldest first' } },
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      const { after, before, limit } = request.query;
      return store.listMessages(conversation.id, { afterSeq: after, beforeSeq: before, limit, includeInternal: true });
    });

    authed.post(AGENT_PATHS.messages, {
      schema: {
        summary: 'Reply or write an internal note: text, or files with an optional caption; a retry with the same clientId gets the stored message. Answering a waiting conversation takes it',
        params: conversationParamsSchema, body: agentSendMessageRequestSchema,
        response: { 200: { ...agentSentMessageSchema, description: 'The message, and whether it will be emailed to the visitor' } },
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      const user = agentOf(request);
      const input = {
        conversationId: conversation.id, clientId: request.body.clientId, author: 'agent' as const, agentId: user.id,
        body: textOf(request.body.body), internal: request.body.internal ?? false, attachmentIds: request.body.attachmentIds,
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

    authed.post(AGENT_PATHS.typing, {
      schema: {
        summary: 'Say you are typing (or stopped): the visitor sees it until you stop or it expires',
        params: conversationParamsSchema, body: typingRequestSchema, response: { 204: noContentSchema },
      },
    }, async (request, reply) => {
      chat.typing(await conversationFor(request, request.params.conversationId), 'agent', request.body.typing, agentOf(request).name);
      return reply.status(204).send(null);
    });

    authed.post(AGENT_PATHS.read, {
      schema: {
        summary: 'Mark the conversation read up to a message, for every agent',
        params: conversationParamsSchema, body: readRequestSchema, response: conversationAnswer('The conversation, with agentReadSeq'),
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      return { conversation: (await store.markRead(conversation.id, 'agent', request.body.seq)).value };
    });

    authed.post(AGENT_PATHS.claim, {
      schema: {
        summary: 'Take a waiting conversation; 409 PARLEY_ERR_ALREADY_CLAIMED names who was first',
        params: conversationParamsSchema, response: conversationAnswer('The conversation, assigned to you'),
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      const result = await store.claim(conversation.id, agentRef(agentOf(request)));
      if (result.outcome === 'taken') {
        const by = result.value.assignee!;
        throw new ParleyError('ALREADY_CLAIMED', `${by.name} has already taken this conversation.`, { assignee: by });
      }
      if (result.outcome === 'not-claimable') throw new ParleyError('NOT_CLAIMABLE', 'This conversation is resolved; reopen it first.');
      return { conversation: result.value };
    });

    authed.post(AGENT_PATHS.transfer, {
      schema: {
        summary: 'Pass the conversation to another agent of its site',
        params: conversationParamsSchema, body: transferRequestSchema, response: conversationAnswer('The conversation, assigned to them'),
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      const target = await store.getUser(request.body.agentId);
      if (!target || target.disabled || !target.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('USER_NOT_FOUND', 'No active agent with this id works on this site.');
      }
      return { conversation: (await store.transfer(conversation.id, agentRef(agentOf(request)), agentRef(target))).value };
    });

    for (const [path, change, summary] of [
      [AGENT_PATHS.resolve, 'resolve', 'Resolve the conversation'],
      [AGENT_PATHS.reopen, 'reopen', 'Reopen a resolved conversation'],
    ] as const) {
      authed.post(path, {
        schema: { summary, params: conversationParamsSchema, response: conversationAnswer('The conversation, changed') },
      }, async (request) => {
        const conversation = await conversationFor(request, request.params.conversationId);
        return { conversation: (await store[change](conversation.id, agentRef(agentOf(request)))).value };
      });
    }

    authed.get(AGENT_PATHS.events, {
      schema: {
        summary: 'Long-poll: the events of your sites after a cursor, held open until one arrives or `wait` seconds pass',
        querystring: eventsQuerySchema, response: { 200: { ...eventBatchSchema, description: 'The events, and the cursor to pass next' } },
      },
    }, async (request, reply) => {
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

    authed.get(AGENT_PATHS.stream, {
      schema: {
        summary: 'The events of your sites as a stream (SSE), from Last-Event-ID when given',
        querystring: agentStreamQuerySchema, response: { 200: eventStreamResponse },
      },
    }, async (request, reply) => {
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
