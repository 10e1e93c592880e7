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
  AssignmentSettings, Team, UpdateAssignmentRequest,
} from '../../protocol/protocol.ts';
import type { ConversationExport, ExportedRating } from '../../protocol/export-api.ts';
import type { Attachment, AttachmentUsage } from '../../protocol/protocol.ts';
import type { ApiToken } from '../../protocol/api-tokens.ts';
import type { Rating, RatingScale, ReportFigures } from '../../protocol/protocol.ts';
import type {
  WebhookAttempt, WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryFilter, WebhookDeliveryType, WebhookEndpoint, WebhookEventType,
} from '../../protocol/protocol.ts';
import type { BreakerPolicy } from './webhook-rows.ts';
import type {
  AgentRef, AgentStatus, CannedResponse, AttributeValue, Conversation, ConversationLabels, ConversationView, EventPayloads, EventType,
  Label, Message, MessageEmail, MessagePage, QueueFilter, Role, SavedView, Site, SystemKind, User, Visitor, VisitorContext, VisitorPage, WidgetConfig,
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
 * The store refused a change that would break a rule of the data (issue 14): a label, saved-view or
 * team name already taken (whatever its case), a limit reached, or a merge of two visitors who cannot be
 * one person. Checked in the change's own transaction; nothing was changed.
 */
export class RefusedError extends Error {
  readonly reason: 'name-taken' | 'limit' | 'other-site' | 'identities-differ';
  constructor(reason: RefusedError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * A write named a visitor or a conversation that no longer exists: deleted (an owner deleted the
 * visitor's data, retention), or a visitor merged into another, between the caller's read and the
 * write. Nothing was written. Not a bug: the API answers it as "not found", and a visitor's request
 * as whoever its token finds now (http/visitor-gone.ts).
 */
export class GoneError extends Error {
  readonly what: 'visitor' | 'conversation';
  constructor(what: GoneError['what'], id: string) {
    super(`${what} ${id} does not exist (any more)`);
    this.what = what;
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
  /**
   * Files the message carries (issue 13): each must be an unsent upload of this conversation by
   * the same sender (the same agent, for agents), or nothing is stored and AttachmentUnusableError
   * is thrown. They are taken in the message's own transaction, so no two messages share one.
   */
  attachmentIds?: string[];
}

export type ClaimOutcome = 'claimed' | 'already-yours' | 'taken' | 'not-claimable';
/** assigned; not-waiting (someone has it, or it is resolved); manual (the site's rule); nobody-free (no online agent with room). */
export type AutoAssignOutcome = 'assigned' | 'not-waiting' | 'manual' | 'nobody-free';

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
  /** Only conversations with this label. */
  labelId?: string;
  /**
   * The agent's teams: the 'waiting' view then leaves out conversations waiting for other teams
   * (issue 14: a team's waiting conversations are its members' queue). Absent: no such filter.
   */
  teamIds?: string[];
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

/** A conversation as the data export carries it, with its visitor, messages and rating: the export's own shape. */
export type { ConversationExport, ExportedRating };

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
  updateUser(id: string, patch: { name?: string; avatarUrl?: string | null; role?: Role; disabled?: boolean; siteIds?: string[]; passwordHash?: string }): Promise<User>;
  /** Ends every session of a user (disabled, password reset), or all but one (password changed in that one). */
  deleteUserSessions(userId: string, exceptTokenHash?: string): Promise<void>;

  createInvite(tokenHash: string, invite: Invite): Promise<void>;
  /** Looks without using it up: null when unknown or expired. */
  getInvite(tokenHash: string): Promise<Invite | null>;
  /** Single use: returns the invite and deletes it, or null when unknown or expired. */
  consumeInvite(tokenHash: string): Promise<Invite | null>;

  listCanned(siteIds: string[]): Promise<CannedResponse[]>;
  /** Null, changing nothing, when the site has a response with this shortcut already (one per shortcut, checked by the database). */
  createCanned(input: Omit<CannedResponse, 'id'>): Promise<CannedResponse | null>;
  deleteCanned(siteId: string, id: string): Promise<boolean>;

  createSession(input: { tokenHash: string; userId: string; csrfToken: string; expiresAt: number }): Promise<void>;
  getSession(tokenHash: string): Promise<{ user: User; csrfToken: string; expiresAt: number } | null>;
  deleteSession(tokenHash: string): Promise<void>;

  createVisitor(input: { siteId: string; tokenHash: string; context: Visitor['context'] }): Promise<Visitor>;
  /** The visitor of a browser's token, or of a visitor merged into them since (mergeVisitors). */
  findVisitorByToken(siteId: string, tokenHash: string): Promise<Visitor | null>;
  getVisitor(id: string): Promise<Visitor | null>;
  // The writes below that name a visitor or a conversation throw GoneError when it no longer
  // exists (deleted or merged away since the caller looked), on every engine, writing nothing.
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

  // Team inbox (issue 14): labels, saved views, a visitor's pages across visits, merging visitors.
  /** Every label of these sites, by site, then name. */
  listLabels(siteIds: string[]): Promise<Label[]>;
  /**
   * Logs `labels`. RefusedError 'name-taken' when the site has a label of this name in any case,
   * 'limit' at LIMITS.labelsPerSite — both decided in the insert's transaction.
   */
  createLabel(input: Omit<Label, 'id'>): Promise<Changed<Label>>;
  /** Null when the site has no such label. Logs `labels` when it changed; RefusedError 'name-taken' as createLabel. */
  updateLabel(siteId: string, labelId: string, patch: { name?: string; color?: string }): Promise<Changed<Label> | null>;
  /** Takes it off every conversation too, logging `labels` only (clients drop the id). False when unknown. */
  deleteLabel(siteId: string, labelId: string): Promise<Changed<boolean>>;
  /**
   * Puts one label on a conversation or takes it off, and answers every label id it has then.
   * Logs `conversation.labels` only when that changed something. Null when the label is not one
   * of the conversation's site (or either does not exist).
   */
  setConversationLabel(conversationId: string, labelId: string, present: boolean): Promise<Changed<string[]> | null>;
  conversationLabels(conversationIds: string[]): Promise<ConversationLabels>;
  /** The user's saved views, by name. */
  listSavedViews(userId: string): Promise<SavedView[]>;
  /** RefusedError 'name-taken' (the user's own views, any case) or 'limit' (LIMITS.viewsPerAgent). */
  createSavedView(input: { userId: string; name: string; filter: QueueFilter }): Promise<SavedView>;
  /** False when the user has no such view. */
  deleteSavedView(userId: string, viewId: string): Promise<boolean>;
  /** Pages the visitor opened, most recent first (createVisitor and touchVisitor record them). */
  visitorPages(visitorId: string): Promise<VisitorPage[]>;
  /**
   * Visitor `fromId` is `intoId` (one person, two browsers or two visits): in one transaction its
   * conversations, pages and events become `intoId`'s, its details fill `intoId`'s gaps (name,
   * email, identity, attributes; visits add up; first and last seen widen), its browser tokens
   * then find `intoId` (findVisitorByToken), and `fromId` is deleted. Logs `visitor.merged`.
   * Null when either is unknown; RefusedError 'other-site', or 'identities-differ' when both are
   * verified as different people.
   */
  mergeVisitors(intoId: string, fromId: string): Promise<Changed<{ visitor: Visitor; moved: string[] }> | null>;

  // Assignment (issue 14): who gets a waiting conversation. Every change of who has a conversation
  // here takes the conversation's lock first, then the site's assignment row (PostgreSQL: FOR
  // UPDATE), so auto-assignments of one site run one at a time across processes: the round-robin
  // turn and each agent's load are read after the previous assignment committed.
  /** The site's rule, alert threshold and capacities: manual, no alerts, no limits until set. */
  getAssignmentSettings(siteId: string): Promise<AssignmentSettings>;
  /** Applies the patch (a null capacity takes that agent's limit away) and answers the result. */
  updateAssignmentSettings(siteId: string, patch: UpdateAssignmentRequest): Promise<AssignmentSettings>;
  /** The teams of these sites, by site then name, members by id. */
  listTeams(siteIds: string[]): Promise<Team[]>;
  getTeam(teamId: string): Promise<Team | null>;
  /**
   * Logs `teams` (the site's list after the change). RefusedError 'name-taken' (any case) or
   * 'limit' (LIMITS.teamsPerSite), decided in the insert's transaction.
   */
  createTeam(input: { siteId: string; name: string; memberIds: string[] }): Promise<Changed<Team>>;
  /** Null when the site has no such team; logs `teams`; RefusedError 'name-taken' as createTeam. */
  updateTeam(siteId: string, teamId: string, patch: { name?: string; memberIds?: string[] }): Promise<Changed<Team> | null>;
  /**
   * Its conversations stay, without a team (each open one logs conversation.updated), and `teams`
   * is logged. False when the site has no such team.
   */
  deleteTeam(siteId: string, teamId: string): Promise<Changed<boolean>>;
  /**
   * The site's rule picks one of `online` (the agents present now, by presence) for a waiting
   * conversation: a member of its team when it has one, with fewer open conversations of the site
   * than their capacity. They take it exactly as a claim would (the "joined" message and
   * conversation.updated), followed by conversation.assigned (via 'rule'), and the turn moves on —
   * all in one transaction, so of two assignments at once each sees the other's.
   */
  autoAssign(conversationId: string, online: string[]): Promise<Changed<Conversation> & { outcome: AutoAssignOutcome }>;
  /**
   * Passes a conversation to a team of its site: nobody has it any more and it waits for the team
   * (a 'transferred' system message naming the team, conversation.updated, conversation.assigned
   * via 'transfer' by `by`); in the same transaction the rule gives it to an online member with
   * room, as autoAssign. Nothing changes when it already waits for that team. Null when the site
   * has no such team.
   */
  transferToTeam(conversationId: string, by: AgentRef, teamId: string, online: string[]): Promise<(Changed<Conversation> & { outcome: AutoAssignOutcome }) | null>;
  /**
   * Each waiting conversation that has waited, by `at` (the app clock's now), through one more
   * period of its site's threshold since its last alert gets one conversation.unanswered, with unansweredAlerts the periods waited
   * (a conversation waiting 5 periods when first checked gets one alert, not five). The count moves
   * in the statement that checks it, so however many processes ask, each period alerts once.
   */
  alertUnanswered(at: number, limit: number): Promise<Changed<Conversation[]>>;

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

  // Held email (issue 12): replies that did not land by themselves wait here for an agent.
  /**
   * Holds an email for review, idempotent per conversation and clientId (the same email delivered
   * twice is held once). value is null, and nothing is written, when the conversation already has
   * a message with that clientId (the email was accepted before). Logs 'email.held'.
   */
  holdEmail(input: HoldEmailInput): Promise<Changed<HeldEmail | null> & { created: boolean }>;
  /** The held email of these sites, newest first. */
  listHeldEmails(siteIds: string[], limit: number): Promise<HeldEmail[]>;
  getHeldEmail(id: string): Promise<HeldEmail | null>;
  /**
   * In one transaction: the held email stops being held and becomes the visitor's message in its
   * conversation (with its clientId, so never twice; a visitor's message reopens a resolved
   * conversation, as appendMessage does). Null when it is no longer held (accepted or discarded).
   */
  acceptHeldEmail(id: string): Promise<(Changed<Message> & { created: boolean }) | null>;
  /** Null when it is no longer held. Logs 'email.released'. */
  discardHeldEmail(id: string): Promise<Changed<HeldEmail> | null>;

  // Email outbox (issue 12): what is to be emailed, claimed by one process at a time and marked
  // sent once the mail server accepted it; what became of each agent reply (every change of it
  // logs 'message.email' for agents in its own transaction); unsubscribes; each site's delays and
  // each agent's alert choice; extra bearer tokens for a visitor who continues from an email.
  /**
   * Records what becomes of an agent's reply by email: 'suppressed', or 'pending' due at dueAt.
   * Once per message: a later call (a retried send) returns what is stored and logs nothing.
   * Null when the message is not an agent's reply the visitor sees.
   */
  noteReplyEmail(input: { messageId: string; suppressed: boolean; dueAt: number }): Promise<Changed<MessageEmail> | null>;
  /** The email state of each agent reply of the conversation that has one, by seq. */
  messageEmails(conversationId: string): Promise<MessageEmail[]>;
  /**
   * Turns pending replies into emails, for up to `limit` conversations whose earliest pending reply
   * is due by `now`: under the conversation's lock, replies the visitor has read become 'seen'; if
   * the earliest unread one is due, all unread ones go into one email (kind 'reply') to the
   * visitor's address — or become 'no-address' / 'unsubscribed'. Answers how many emails it queued.
   */
  planReplyEmails(input: { now: number; messageIdDomain: string; limit: number }): Promise<{ queued: number; events: LoggedEvent[] }>;
  /**
   * Conversations an agent alert may be due for, oldest first: waiting, never answered, created
   * after `since` and at least their site's alert delay before `now`, not alerted yet, and not of
   * `exceptSiteIds` (sites with an agent online, whose waiting conversations must not crowd out
   * the others').
   */
  alertCandidates(input: { now: number; since: number; exceptSiteIds: string[]; limit: number }): Promise<ConversationRef[]>;
  /**
   * Queues one alert for each enabled agent of the conversation's site (owners included) whose
   * alerts are on — once per conversation, whichever process asks: 0 when it was alerted before or
   * is no longer waiting unanswered (checked under its lock). Answers how many it queued.
   */
  queueAgentAlerts(input: { conversationId: string; now: number; messageIdDomain: string }): Promise<number>;
  /**
   * Queues a transcript of the conversation to `to`, once per clientId, at most maxPerConversation
   * ever, and at most maxPerAddressPerDay to one address (any case) from the conversation's site in
   * the 24 hours before `now` — conversations are cheap, so the per-conversation cap alone would let
   * anyone send an address as many as they like ('address-limit'; approximate across processes).
   */
  queueTranscript(input: {
    conversationId: string; clientId: string; to: string; now: number; messageIdDomain: string; maxPerConversation: number; maxPerAddressPerDay: number;
  }): Promise<'queued' | 'duplicate' | 'limit' | 'address-limit'>;
  /**
   * Claims up to `limit` emails due by `now` — pending, or being sent under a lease that ran out (its
   * process died mid-send) — for `owner` until now + leaseMs, and counts the attempt. No two
   * callers in any process hold the same email at once.
   */
  claimEmails(input: { now: number; owner: string; leaseMs: number; limit: number }): Promise<OutboxEmail[]>;
  /** The mail server accepted it: sent for good, and its replies 'sent' at sentAt. Idempotent. */
  emailSent(id: string, sentAt: number): Promise<LoggedEvent[]>;
  /**
   * `owner`'s attempt failed: pending again until retryAt, or failed for good (retryAt null); its
   * replies 'failed'. Changes nothing when `owner` no longer holds it.
   */
  emailFailed(id: string, input: { owner: string; at: number; error: string; retryAt: number | null }): Promise<LoggedEvent[]>;
  /** Not to be sent after all (its replies were read meanwhile, say): its replies take `state`. */
  emailCancelled(id: string, input: { owner: string; at: number; state: 'seen' | 'no-address' | 'unsubscribed' }): Promise<LoggedEvent[]>;
  /** The Message-IDs sent about this conversation to this address, oldest first: the thread's References. */
  emailThread(conversationId: string, to: string): Promise<string[]>;
  /** This address gets no more email of this site (any case). Idempotent. */
  unsubscribe(siteId: string, address: string): Promise<void>;
  isUnsubscribed(siteId: string, address: string): Promise<boolean>;
  /** The site's delays: EMAIL_DEFAULTS until an owner changes them. */
  emailSettings(siteId: string): Promise<EmailSettings>;
  updateEmailSettings(siteId: string, patch: Partial<EmailSettings>): Promise<EmailSettings>;
  /** Whether the user is emailed about conversations nobody answers: yes until they turn it off. */
  emailAlertsEnabled(userId: string): Promise<boolean>;
  setEmailAlerts(userId: string, enabled: boolean): Promise<void>;
  /**
   * One more bearer token for a visitor (a second device, from an email's link), kept with the
   * browser tokens of merged visitors: findVisitorByToken finds the visitor by any of them, and the
   * tokens the visitor had keep working.
   */
  addVisitorToken(visitorId: string, tokenHash: string): Promise<void>;

  // Attachments (issue 13): the files' records. Their bytes are a FileStorage's (server/files/),
  // under the attachment's id; what a message carries is copied into the message as it is sent.
  /**
   * Idempotent per conversation and clientId: a retried upload returns the stored record, created
   * false, and the caller deletes the bytes it wrote for nothing. GoneError for a conversation that no longer exists.
   */
  createAttachment(input: NewAttachment): Promise<{ value: AttachmentRecord; created: boolean }>;
  /** The upload a clientId already stored in a conversation, if any. */
  findAttachment(conversationId: string, clientId: string): Promise<AttachmentRecord | null>;
  /** Null when unknown, or gone with its conversation (or unsent for too long). */
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** Files sent in a conversation (or in every conversation of a visitor), newest first; internal notes' only when asked. */
  listAttachments(of: { conversationId: string } | { visitorId: string }, includeInternal: boolean): Promise<AttachmentRecord[]>;
  /** What a site stores: every file not yet deleted, sent or not. */
  attachmentUsage(siteId: string): Promise<AttachmentUsage>;
  /**
   * In one transaction, detaches uploads never sent since before `unsentBefore` (a message can no
   * longer take them), then answers up to `limit` ids of detached files (those, and the files of
   * deleted conversations): their bytes are to be deleted, then the records (forgetAttachments).
   */
  sweepAttachments(unsentBefore: number, limit: number): Promise<string[]>;
  forgetAttachments(ids: string[]): Promise<void>;
  /** Which of these ids have a record (detached ones included): bytes without one are leftovers of a crash. */
  knownAttachments(ids: string[]): Promise<string[]>;

  // API tokens (issue 15): what a server sends as `Bearer parley_pat_…`. Kept by SHA-256 only;
  // revoked ones stay (revokedAt set) so a revoked token is told so, not that it is unknown.
  /**
   * RefusedError 'limit' when LIMITS.apiTokensMax unrevoked tokens exist already, decided in the
   * insert's transaction. siteIds null: every site, including later ones.
   */
  createApiToken(input: NewApiToken): Promise<ApiTokenRecord>;
  /** Every token, revoked ones too, newest first. */
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** The token with this SHA-256, revoked or not; null when there is none. */
  findApiToken(tokenHash: string): Promise<ApiTokenRecord | null>;
  /** Sets revokedAt (once: a second call changes nothing) and answers the token; null when unknown. */
  revokeApiToken(id: string, at: number): Promise<ApiTokenRecord | null>;
  /**
   * Records a use at `at` unless one was recorded after `unlessSince`: one cheap conditional write
   * per token per period, however many requests or processes use it. True when it wrote.
   */
  touchApiToken(id: string, at: number, unlessSince: number): Promise<boolean>;

  // Satisfaction (issue 15): one rating per conversation, given by its visitor.
  /**
   * Stores the visitor's rating of a conversation that has been resolved (even if reopened since),
   * with whoever has it now as its agent, and logs `rating.submitted` (agents), in one transaction.
   * The same clientId again returns the stored rating, created false, and logs nothing; another
   * clientId replaces it. Null, storing nothing, when the conversation was never resolved.
   */
  rateConversation(input: RateInput): Promise<(Changed<Rating> & { created: boolean }) | null>;
  getRating(conversationId: string): Promise<Rating | null>;
  /** The ratings of every conversation of the visitor, newest first. */
  visitorRatings(visitorId: string): Promise<Rating[]>;

  // Reports (issue 15), computed by the database from covering indexes.
  /** The figures of the sites' conversations started, and ratings given, within the days of `input`. */
  report(input: ReportInput): Promise<StoreReport>;

  // Webhooks (issue 15): each site's endpoints, the deliveries the event log makes for them (a
  // durable queue: claimed with a lease, retried, dead-lettered), and every attempt, for the log.
  /** The site's endpoints, oldest first, with their health and counts. */
  listWebhookEndpoints(siteId: string): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(siteId: string, endpointId: string): Promise<WebhookEndpoint | null>;
  /** Sites with an endpoint (on or off): none means the webhooks' worker has nothing to do. */
  webhookSiteIds(): Promise<string[]>;
  /**
   * It gets the events logged after this call. RefusedError 'limit' at WEBHOOK_LIMITS.endpointsPerSite,
   * decided in the insert's transaction.
   */
  createWebhookEndpoint(input: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  /** Null when the site has no such endpoint. */
  updateWebhookEndpoint(siteId: string, endpointId: string, patch: Partial<Omit<NewWebhookEndpoint, 'siteId'>>): Promise<WebhookEndpoint | null>;
  /** Its deliveries and their attempts go with it. False when the site has no such endpoint. */
  deleteWebhookEndpoint(siteId: string, endpointId: string): Promise<boolean>;
  /** The endpoint with the secret its deliveries are signed with. */
  webhookSecret(endpointId: string): Promise<string | null>;
  /** Closes a paused endpoint's circuit breaker; what it has waiting is due at `now`. Null when unknown. */
  resumeWebhookEndpoint(siteId: string, endpointId: string, now: number): Promise<WebhookEndpoint | null>;
  /**
   * Turns logged events into deliveries, in one transaction that moves a cursor kept in the
   * database: reads up to `limit` events after it, queues a delivery for each enabled endpoint of
   * the event's site that subscribed to what it means (webhook-fan-out.ts), due at `now` and
   * dead-lettered after now + retryForMs, and moves the cursor past them. One process at a time
   * does it (a second one finds the cursor taken and answers busy), and no event is queued twice
   * for an endpoint (unique per endpoint and event id). `more`: there are more events to read.
   */
  fanOutWebhooks(input: { now: number; limit: number; retryForMs: number }): Promise<{ queued: number; more: boolean; busy: boolean }>;
  /** Queues a 'webhook.test' delivery, due now, tried once. Null when the site has no such endpoint. */
  queueTestDelivery(siteId: string, endpointId: string, now: number): Promise<WebhookDelivery | null>;
  /**
   * Dead-letters what has passed its deadline, then claims up to `limit` due deliveries for `owner`
   * until now + leaseMs, counting the attempt: of each endpoint's deliveries with the same order key
   * only the oldest open one, at most perEndpoint on their way per endpoint (those of every
   * process counted), a paused endpoint only its probe, a disabled one nothing but tests
   * (pickClaims). No two callers in any process hold the same delivery, nor claim for the same
   * endpoint at once.
   */
  claimWebhookDeliveries(input: { now: number; owner: string; leaseMs: number; limit: number; perEndpoint: number }): Promise<WebhookClaim[]>;
  /**
   * Records an attempt (always: it happened) and, when `owner` still holds the delivery, its
   * outcome: delivered; pending again at retryAt; dead-lettered (failed with retryAt null). The
   * endpoint's breaker moves (breakerAfter) unless the attempt was interrupted or a test that
   * failed. `paused`: this attempt paused the endpoint — decided under the endpoint's lock, so of
   * any number of attempts recorded at once in any processes, one pauses it, and only that one
   * queues the owners' emails (tellOwners), once per owner and pause.
   */
  recordWebhookAttempt(input: WebhookAttemptInput): Promise<{ status: WebhookDelivery['status'] | null; paused: boolean }>;
  /** The endpoint's deliveries, newest first, each with its latest attempt; `cursor` is a page's `next`. */
  listWebhookDeliveries(endpointId: string, query: { filter: WebhookDeliveryFilter; cursor: string | null; limit: number }): Promise<{ deliveries: WebhookDelivery[]; next: string | null }>;
  getWebhookDelivery(endpointId: string, deliveryId: string): Promise<WebhookDeliveryDetail | null>;
  /**
   * Sends a delivery again with the same ids: pending, due now, attempts from 0, retried until now
   * + retryForMs. One on its way or already waiting is left as it is. Null when unknown.
   */
  replayWebhookDelivery(endpointId: string, deliveryId: string, input: { now: number; retryForMs: number }): Promise<WebhookDelivery | null>;
  /** replayWebhookDelivery for every dead-lettered delivery of the endpoint (not failed tests); answers how many. */
  replayDeadWebhooks(endpointId: string, input: { now: number; retryForMs: number }): Promise<number>;
  /** Forgets deliveries (with their attempts) delivered or dead-lettered before `before`. */
  pruneWebhookDeliveries(before: number): Promise<number>;
}

export interface RateInput {
  conversationId: string;
  clientId: string;
  score: number;
  scale: RatingScale;
  comment: string | null;
}

export interface ReportInput {
  siteIds: string[];
  /** Ascending: day i is [bounds[i], bounds[i + 1]), so at least two; the period is their span. */
  bounds: number[];
}

/** ReportFigures by day (aligned with the bounds), by agent (null: nobody), by site, and in all. */
export interface StoreReport {
  days: ReportFigures[];
  agents: Array<ReportFigures & { agentId: string | null }>;
  sites: Array<ReportFigures & { siteId: string }>;
  total: ReportFigures;
}

/** An attachment as the store keeps it: the file, where it was sent, and by whom. */
export interface AttachmentRecord extends Attachment {
  siteId: string;
  conversationId: string;
  /** The conversation's visitor (read through the conversation, so a merge of visitors carries it). */
  visitorId: string;
  clientId: string;
  author: 'visitor' | 'agent';
  agentId: string | null;
  /** The message that carries it; null until sent. */
  messageId: string | null;
  internal: boolean;
  createdAt: number;
}

export type NewAttachment = Pick<AttachmentRecord, 'id' | 'siteId' | 'conversationId' | 'clientId' | 'author' | 'agentId' | 'name' | 'type' | 'size'>;

/**
 * appendMessage was given a file that is not the sender's unsent upload in this conversation
 * (unknown, another's, already sent, or detached after a day). Nothing was stored.
 */
export class AttachmentUnusableError extends Error {
  constructor(message = 'One of the files is not an unsent upload of yours in this conversation; upload it again.') {
    super(message);
  }
}

/** An email of the outbox, as claimEmails hands it to the sender. */
export interface OutboxEmail {
  id: string;
  /** webhook-paused (issue 15): an owner is told that the circuit breaker paused an endpoint. */
  kind: 'reply' | 'transcript' | 'agent-alert' | 'webhook-paused';
  siteId: string;
  /** Null only for an email about no conversation (webhook-paused). */
  conversationId: string | null;
  to: string;
  /** agent-alert: the agent it is for; webhook-paused: the owner. */
  userId: string | null;
  /** The Message-ID header without angle brackets: the same on every attempt, so a resend is recognisable. */
  messageId: string;
  /** reply: the agent replies it carries, oldest first. */
  messageIds: string[];
  /** This one included. */
  attempts: number;
  createdAt: number;
  /** webhook-paused: the pause it is about. */
  webhookPause: WebhookPause | null;
}

/** A pause of an endpoint by its circuit breaker, as the attempt that paused it saw it. */
export interface WebhookPause {
  endpointId: string;
  pausedAt: number;
  /** Attempts that failed in a row, this one included. */
  failures: number;
  /** The last attempt's: the receiver's HTTP status (null when it never answered) and what went wrong. */
  statusCode: number | null;
  error: string | null;
}

export interface EmailSettings {
  replyDelayMs: number;
  alertDelayMs: number;
}

export type HeldEmail = import('../../protocol/protocol.ts').HeldEmail;
export interface HoldEmailInput extends Pick<HeldEmail, 'conversationId' | 'from' | 'fromName' | 'subject' | 'text' | 'reason'> {
  /** What the message will carry when accepted: derived from the email's Message-ID. */
  clientId: string;
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
export type LabelMethods = Pick<Store, 'listLabels' | 'createLabel' | 'updateLabel' | 'deleteLabel' | 'setConversationLabel' | 'conversationLabels'>;
export type SavedViewMethods = Pick<Store, 'listSavedViews' | 'createSavedView' | 'deleteSavedView'>;
export type VisitorHistoryMethods = Pick<Store, 'visitorPages' | 'mergeVisitors'>;
export type EmailThreadMethods = Pick<Store, 'replyToken' | 'conversationByReplyToken' | 'recordSentEmail' | 'sentEmail' | 'emailRecipients'>;
export type AttachmentMethods = Pick<Store,
  | 'createAttachment' | 'findAttachment' | 'getAttachment' | 'listAttachments' | 'attachmentUsage' | 'sweepAttachments' | 'forgetAttachments' | 'knownAttachments'>;
export type AssignmentMethods = Pick<Store,
  | 'getAssignmentSettings' | 'updateAssignmentSettings' | 'autoAssign' | 'transferToTeam' | 'alertUnanswered'>;
export type TeamMethods = Pick<Store, 'listTeams' | 'getTeam' | 'createTeam' | 'updateTeam' | 'deleteTeam'>;
export type HeldEmailMethods = Pick<Store, 'holdEmail' | 'listHeldEmails' | 'getHeldEmail' | 'acceptHeldEmail' | 'discardHeldEmail'>;
export type EmailOutboxMethods = Pick<Store,
  | 'noteReplyEmail' | 'messageEmails' | 'planReplyEmails' | 'alertCandidates' | 'queueAgentAlerts' | 'queueTranscript'
  | 'claimEmails' | 'emailSent' | 'emailFailed' | 'emailCancelled' | 'emailThread'
  | 'unsubscribe' | 'isUnsubscribed' | 'emailSettings' | 'updateEmailSettings' | 'emailAlertsEnabled' | 'setEmailAlerts' | 'addVisitorToken'>;
export type RatingMethods = Pick<Store, 'rateConversation' | 'getRating' | 'visitorRatings'>;
export type ReportMethods = Pick<Store, 'report'>;
export type ApiTokenMethods = Pick<Store, 'createApiToken' | 'listApiTokens' | 'findApiToken' | 'revokeApiToken' | 'touchApiToken'>;

/** An API token as the store keeps it: the wire shape, and the SHA-256 it is found by (never sent). */
export interface ApiTokenRecord extends ApiToken {
  tokenHash: string;
}
export type NewApiToken = Pick<ApiTokenRecord, 'name' | 'scope' | 'siteIds' | 'hint' | 'tokenHash'> & { createdBy: string };

export interface NewWebhookEndpoint {
  siteId: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  secret: string;
}

/** A claimed delivery, with what sending it needs. */
export interface WebhookClaim {
  id: string;
  endpointId: string;
  siteId: string;
  url: string;
  secret: string;
  eventId: string;
  type: WebhookDeliveryType;
  body: string;
  /** This one included. */
  attempts: number;
  deadlineAt: number;
  /** The one delivery tried to see whether a paused endpoint is back. */
  probe: boolean;
}

export interface WebhookAttemptInput extends WebhookAttempt {
  deliveryId: string;
  owner: string;
  /** Cut short by this process stopping: not the receiver's failure, so the breaker does not count it. */
  interrupted: boolean;
  /** When a failed attempt is tried again; null: dead-letter it. */
  retryAt: number | null;
  /** It was the claim's probe of a paused endpoint (WebhookClaim.probe). */
  probe: boolean;
  breaker: BreakerPolicy;
  /**
   * When this attempt pauses the endpoint, queue a 'webhook-paused' email to every owner (role
   * owner, not disabled) in the same transaction, with Message-IDs at this domain. Absent or null
   * (no outbound email configured): nobody is emailed, Settings → Webhooks alone shows the pause.
   */
  tellOwners?: { messageIdDomain: string } | null;
}

export type WebhookMethods = Pick<Store,
  | 'listWebhookEndpoints' | 'getWebhookEndpoint' | 'webhookSiteIds' | 'createWebhookEndpoint' | 'updateWebhookEndpoint' | 'deleteWebhookEndpoint'
  | 'webhookSecret' | 'resumeWebhookEndpoint' | 'fanOutWebhooks' | 'queueTestDelivery' | 'claimWebhookDeliveries' | 'recordWebhookAttempt'
  | 'listWebhookDeliveries' | 'getWebhookDelivery' | 'replayWebhookDelivery' | 'replayDeadWebhooks' | 'pruneWebhookDeliveries'>;
