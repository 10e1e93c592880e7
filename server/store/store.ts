/**
 * The storage interface. Every engine (SQLite now, PostgreSQL later) implements it and passes
 * test/support/store-conformance.ts. SQL lives only in the implementations; nothing engine-specific leaks
 * through here (ids are strings, times are epoch ms, JSON columns come back parsed).
 *
 * Every method that changes chat state writes its events to the event log in the same
 * transaction, returns them, and hands them to the onCommit listener once they are durable.
 *
 * Invariants that span rows are one method each, one transaction, never a read in a route and a
 * write after it (issue 10): several processes, or two requests of one, would slip between. Keep
 * an owner (updateUser), count a visit (touchVisitor), claim then send (appendMessage with
 * claimIfWaiting), one claim winner (claim), one message per clientId (appendMessage).
 */
import type {
  AgentRef, AgentStatus, CannedResponse, AttributeValue, Conversation, ConversationView, EventPayloads, EventType,
  Message, MessagePage, Role, Site, SystemKind, User, Visitor, VisitorContext, WidgetConfig,
} from '../../protocol/protocol.ts';

/**
 * Operational trouble, not a bug: the database is locked, full, or cannot be reached. Every engine
 * throws this (and only this) for such conditions, so the API answers 503 with Retry-After and
 * callers can tell "try again soon" from a defect. Nothing of the failed call was stored.
 */
export class StoreUnavailableError extends Error {
  readonly reason: 'busy' | 'full' | 'unavailable';
  constructor(reason: StoreUnavailableError['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * updateUser refused a change that would leave no enabled owner (demoting or disabling the last
 * one), so nobody could reach the settings any more. Nothing was changed. The check runs inside
 * the update's transaction, so two owners demoting each other at once cannot both pass it.
 */
export class LastOwnerError extends Error {
  constructor(message = 'This is the only active owner; make someone else an owner first.') {
    super(message);
  }
}

/**
 * The store cannot start, for a reason its operator must fix (an unwritable data directory, a
 * damaged database file). The message is one line for a person: what, where, and what to do.
 */
export class StoreStartError extends Error {}

/** Who may see an event: everyone in the conversation, agents only, or every visitor of the site. */
export type Audience = 'all' | 'agents' | 'visitors';

export type LoggedEvent = {
  [K in EventType]: {
    id: string;
    type: K;
    data: EventPayloads[K];
    siteId: string;
    /** Set for events of one visitor's conversations; null for site-wide ones. */
    visitorId: string | null;
    audience: Audience;
  };
}[EventType];

/** Whose events a stream or long-poll reads. */
export type EventScope =
  | { kind: 'visitor'; siteId: string; visitorId: string }
  | { kind: 'agent'; siteIds: string[] };

export interface EventsAfter {
  events: LoggedEvent[];
  cursor: string;
  /** Set when the cursor cannot be resumed from without a possible gap. */
  reset?: 'cursor-too-old' | 'cursor-unknown';
}

export interface Changed<T> {
  value: T;
  events: LoggedEvent[];
}

export interface AppendMessageInput {
  conversationId: string;
  clientId: string | null;
  author: Message['author'];
  agentId: string | null;
  body: string;
  internal: boolean;
  system?: { kind: SystemKind; agentName: string | null };
  /**
   * Answering a waiting conversation takes it: when the conversation is still waiting (seen under
   * the same lock as the send), this agent claims it in the same transaction — the "joined" system
   * message and conversation.updated, exactly as claim writes them — and the message follows. When
   * someone else has it by then, the message is still sent and the conversation stays with them,
   * as for any reply to a colleague's conversation.
   */
  claimIfWaiting?: AgentRef;
}

export type ClaimOutcome = 'claimed' | 'already-yours' | 'taken' | 'not-claimable';

export interface VisitorPatch {
  name?: string | null;
  email?: string | null;
  attributes?: Record<string, AttributeValue>;
  context?: VisitorContext & { userAgent?: string };
  externalId?: string | null;
  verified?: boolean;
  lastSeenAt?: number;
}

/** A visitor opening a session (a page load, a tab): what touchVisitor needs. */
export interface VisitorTouch {
  /** Merged over the stored context, key by key. */
  context: VisitorContext & { userAgent?: string };
  at: number;
  /** A return more than this long after the visitor was last seen counts as a new visit. */
  newVisitAfterMs: number;
}

export interface ConversationQuery {
  siteIds: string[];
  view: ConversationView;
  /** For the 'mine' view. */
  userId: string;
  /** Matches message text, visitor name or email. */
  q?: string;
  limit: number;
}

export interface Invite {
  kind: 'invite' | 'reset';
  email: string;
  name: string;
  role: Role;
  siteIds: string[];
  /** The user a password reset is for. */
  userId: string | null;
  expiresAt: number;
}

export type { CannedResponse };

/** The few facts about a conversation that checking ownership and sending need. */
export type ConversationRef = Pick<Conversation, 'id' | 'siteId' | 'visitorId' | 'status' | 'lastSeq'>;

export interface ConversationExport {
  conversation: Conversation;
  visitor: Visitor;
  messages: Message[];
}

/**
 * An email Parley sent about a conversation (issue 12), recorded so that a reply can be matched by
 * its In-Reply-To / References and accepted only from an address the conversation's email went to.
 */
export interface SentEmail {
  /** The Message-ID header's value without angle brackets, e.g. `x1y2@parley.example`. */
  messageId: string;
  conversationId: string;
  /** The recipient's address, lower-cased. */
  to: string;
  sentAt: number;
}

export interface Store {
  migrate(): Promise<void>;
  /** Finishes pending writes, then closes. */
  close(): Promise<void>;
  /**
   * Called with every committed event of the log, each once, in log order (seq without gaps) —
   * the events of every process writing to the same database, for an engine that has several.
   * buildApp publishes them on the bus, so live delivery follows the log exactly. SQLite calls it
   * right after each commit, before the writer hears back; PostgreSQL from its log follower, so a
   * writer may hear back first.
   */
  onCommit(listener: (events: LoggedEvent[]) => void): void;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /**
   * True for exactly one caller per `periodMs` across every process sharing the database: the
   * turn to run periodic work (housekeeping) once per cluster, not once per process.
   */
  takeTurn(name: string, periodMs: number): Promise<boolean>;

  createSite(input: { name: string; allowedOrigins: string[]; widget: Omit<WidgetConfig, 'siteId'>; secret: string }): Promise<Site>;
  getSite(id: string): Promise<Site | null>;
  listSites(): Promise<Site[]>;
  getSiteSecret(id: string): Promise<string | null>;
  updateSite(id: string, patch: { name?: string; allowedOrigins?: string[]; widget?: Partial<Omit<WidgetConfig, 'siteId'>>; secret?: string; retentionDays?: number | null }): Promise<Changed<Site>>;

  createUser(input: { email: string; name: string; role: Role; passwordHash: string; siteIds: string[]; avatarUrl?: string | null }): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserByEmail(email: string): Promise<{ user: User; passwordHash: string } | null>;
  listUsers(siteId?: string): Promise<User[]>;
  setUserStatus(id: string, status: AgentStatus): Promise<void>;
  getUserStatus(id: string): Promise<AgentStatus>;
  /**
   * Throws LastOwnerError, changing nothing, when the change would demote or disable the last
   * enabled owner. Checked in the same transaction as the change (on PostgreSQL with every enabled
   * owner's row locked), so of two owners demoting each other at once one is refused.
   */
  updateUser(id: string, patch: { name?: string; role?: Role; disabled?: boolean; siteIds?: string[]; passwordHash?: string }): Promise<User>;
  /** Ends every session of a user (disabled, password reset), or all but one (password changed in that one). */
  deleteUserSessions(userId: string, exceptTokenHash?: string): Promise<void>;

  createInvite(tokenHash: string, invite: Invite): Promise<void>;
  /** Looks without using it up: null when unknown or expired. */
  getInvite(tokenHash: string): Promise<Invite | null>;
  /** Single use: returns the invite and deletes it, or null when unknown or expired. */
  consumeInvite(tokenHash: string): Promise<Invite | null>;

  listCanned(siteIds: string[]): Promise<CannedResponse[]>;
  createCanned(input: Omit<CannedResponse, 'id'>): Promise<CannedResponse>;
  deleteCanned(siteId: string, id: string): Promise<boolean>;

  createSession(input: { tokenHash: string; userId: string; csrfToken: string; expiresAt: number }): Promise<void>;
  getSession(tokenHash: string): Promise<{ user: User; csrfToken: string; expiresAt: number } | null>;
  deleteSession(tokenHash: string): Promise<void>;

  createVisitor(input: { siteId: string; tokenHash: string; context: Visitor['context'] }): Promise<Visitor>;
  findVisitorByToken(siteId: string, tokenHash: string): Promise<Visitor | null>;
  getVisitor(id: string): Promise<Visitor | null>;
  updateVisitor(id: string, patch: VisitorPatch): Promise<Changed<Visitor>>;
  /**
   * A visitor is back (a session opened): merges the context, moves lastSeenAt forward (never
   * back) and counts a new visit when they were last seen more than newVisitAfterMs before `at`,
   * in one transaction: tabs or nodes opening at once count a return once, and never lose one.
   * newVisit says whether this call counted it.
   */
  touchVisitor(id: string, touch: VisitorTouch): Promise<Changed<Visitor> & { newVisit: boolean }>;

  /** Idempotent per visitor and clientId: a retry returns the same conversation, created false. */
  startConversation(input: { siteId: string; visitorId: string; clientId: string }): Promise<Changed<Conversation> & { created: boolean }>;
  getConversation(id: string): Promise<Conversation | null>;
  /** Like getConversation, without the assignee and visitor names: cheaper, for ownership checks. */
  getConversationRef(id: string): Promise<ConversationRef | null>;
  latestConversation(visitorId: string): Promise<Conversation | null>;
  listVisitorConversations(visitorId: string): Promise<Conversation[]>;
  listConversations(query: ConversationQuery): Promise<Conversation[]>;

  /**
   * Idempotent per conversation and clientId: a retry returns the stored message, created false,
   * and writes nothing (claims nothing either, whatever claimIfWaiting says). A visitor's message
   * reopens a resolved conversation. With claimIfWaiting, claimed says whether this call took the
   * conversation; its events are then the join's (message, conversation.updated), then the
   * message's, and the join is the message just before it.
   */
  appendMessage(input: AppendMessageInput): Promise<Changed<Message> & { created: boolean; claimed: boolean }>;
  /** The message a sender's clientId already stored in a conversation, if any. */
  findMessage(conversationId: string, clientId: string): Promise<Message | null>;
  listMessages(conversationId: string, page: { afterSeq?: number; beforeSeq?: number; limit: number; includeInternal: boolean }): Promise<MessagePage>;

  /** Atomic: of two agents claiming at once, exactly one gets 'claimed'. */
  claim(conversationId: string, agent: AgentRef): Promise<Changed<Conversation> & { outcome: ClaimOutcome }>;
  transfer(conversationId: string, from: AgentRef, to: AgentRef): Promise<Changed<Conversation>>;
  resolve(conversationId: string, agent: AgentRef | null): Promise<Changed<Conversation>>;
  reopen(conversationId: string, agent: AgentRef | null): Promise<Changed<Conversation>>;
  /** Records that `by` has read up to seq; writes nothing when that is not news. */
  markRead(conversationId: string, by: 'visitor' | 'agent', seq: number): Promise<Changed<Conversation>>;

  /** Every conversation of a site with its visitor and messages, internal notes included, oldest first. */
  exportConversations(siteId: string): Promise<ConversationExport[]>;
  /** Deletes a visitor with their conversations, messages and events. Returns false when unknown. */
  deleteVisitor(visitorId: string): Promise<boolean>;
  /** Retention: deletes a site's conversations (and their events) with no activity since `before`. */
  deleteConversationsBefore(siteId: string, before: number): Promise<number>;

  /** Logs an event that is not tied to a row change (site config, visitor details). */
  appendEvent(event: Omit<LoggedEvent, 'id'>): Promise<LoggedEvent>;
  /**
   * The returned cursor is a high-water mark: streams drop live events at or below it, so nothing
   * at or below it may still commit. Every engine numbers events densely in commit order (see
   * protocol.ts, "Event ids and cursors"), which makes the head such a mark. Resume rules:
   * event-log.ts.
   */
  eventsAfter(scope: EventScope, cursor: string | null, limit: number): Promise<EventsAfter>;
  headCursor(): Promise<string>;
  /** Drops events older than the given time; cursors before them then get a reset. */
  pruneEvents(olderThan: number): Promise<number>;

  // Email threads (issue 12): what ties an email thread to a conversation. The outbox records what
  // it sent; the inbound side matches replies by token first, then by Message-ID.
  /**
   * The conversation's reply token, for `reply+<token>@<inbound domain>`: 26 characters of
   * [a-z0-9] (mail systems may lower-case local parts), unguessable, made on first use and the
   * same on every later call in every process. Throws nothing for an unknown conversation id
   * beyond what a foreign key refuses; callers pass ids they have just read.
   */
  replyToken(conversationId: string): Promise<string>;
  /** The conversation a reply token belongs to (case-insensitive), or null when unknown or deleted. */
  conversationByReplyToken(token: string): Promise<ConversationRef | null>;
  /** Idempotent by messageId. Deleted with its conversation. */
  recordSentEmail(email: SentEmail): Promise<void>;
  /** A Message-ID Parley sent (without angle brackets), or null. */
  sentEmail(messageId: string): Promise<SentEmail | null>;
  /** Every address this conversation's emails went to, lower-cased, without repeats. */
  emailRecipients(conversationId: string): Promise<string[]>;
}

// The parts each engine composes its Store from (accounts, chat, events, and one per capability), named once so the
// engines cannot split the interface differently.
export type AccountMethods = Pick<Store,
  | 'getMeta' | 'setMeta'
  | 'createSite' | 'getSite' | 'listSites' | 'getSiteSecret' | 'updateSite'
  | 'takeTurn' | 'createUser' | 'getUser' | 'getUserByEmail' | 'listUsers' | 'setUserStatus' | 'getUserStatus' | 'updateUser' | 'deleteUserSessions'
  | 'createInvite' | 'getInvite' | 'consumeInvite'
  | 'listCanned' | 'createCanned' | 'deleteCanned'
  | 'createSession' | 'getSession' | 'deleteSession'>;
export type ChatMethods = Pick<Store,
  | 'createVisitor' | 'findVisitorByToken' | 'getVisitor' | 'updateVisitor' | 'touchVisitor'
  | 'startConversation' | 'getConversation' | 'getConversationRef' | 'latestConversation' | 'listVisitorConversations' | 'listConversations'
  | 'appendMessage' | 'findMessage' | 'listMessages'
  | 'claim' | 'transfer' | 'resolve' | 'reopen' | 'markRead'
  | 'exportConversations' | 'deleteVisitor' | 'deleteConversationsBefore'>;
export type EventMethods = Pick<Store, 'appendEvent' | 'eventsAfter' | 'headCursor' | 'pruneEvents'>;
export type EmailThreadMethods = Pick<Store, 'replyToken' | 'conversationByReplyToken' | 'recordSentEmail' | 'sentEmail' | 'emailRecipients'>;
