/**
 * Parley's wire protocol: the one definition of every path, payload, event, error code and limit
 * that the server, the widget and the dashboard share. Change the protocol here first.
 *
 * Browser code imports the few runtime constants it needs (PATHS, LIMITS, ERROR) and the rest as
 * types only, so nothing here may import Node modules or grow large tables of runtime data.
 * docs/protocol.md documents every endpoint and event with curl examples.
 */

/**
 * An allowed origin for a site's widget: an exact origin ("https://shop.example.com", a port
 * allowed) or a wildcard subdomain ("https://*.example.com"). The server's schema and the
 * dashboard's form both check against this one pattern.
 */
export const ALLOWED_ORIGIN_PATTERN = '^https?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$';

/** Every API path is under this versioned prefix. */
export const API = '/v1';

export const LIMITS = {
  /** Characters in one message body. */
  messageBodyMax: 4000,
  /** Client-generated ids (nanoid is 21 characters; room for other generators). */
  clientIdMax: 64,
  /** Any JSON request body, in bytes. */
  requestBodyMaxBytes: 64 * 1024,
  /** Messages per history page. */
  historyPageMax: 100,
  /** Events one long-poll or replay batch returns at the most; more are fetched with the new cursor. */
  eventBatchMax: 500,
  /** Heartbeat comments on a quiet stream, at most this far apart. */
  heartbeatMs: 15_000,
  /** How long a long-poll request is held open when nothing happens. */
  longPollMs: 25_000,
  /** A typing indicator expires on its own after this long without a refresh. */
  typingTtlMs: 6_000,
  /** Stream tickets (for EventSource, which cannot send headers) live this long. */
  streamTicketTtlMs: 60_000,
  /** Custom attributes a site may set on a visitor. */
  attributesMax: 50,
  attributeValueMax: 500,
} as const;

// ---------------------------------------------------------------------------------------------
// Entities

export type ConversationStatus = 'waiting' | 'assigned' | 'resolved';
export type Author = 'visitor' | 'agent' | 'system';
export type Role = 'owner' | 'agent';
export type AgentStatus = 'online' | 'away';

/** What a system message records, so each client can word it in its own language. */
export type SystemKind = 'joined' | 'left' | 'transferred' | 'resolved' | 'reopened';

export interface AgentRef {
  id: string;
  name: string;
  avatarUrl: string | null;
}

export interface Message {
  id: string;
  conversationId: string;
  /** Position in its conversation, 1, 2, 3… with no gaps for agents; visitors see gaps where internal notes are. */
  seq: number;
  /** The id the sender generated; retries with the same id store nothing new. Null for system messages. */
  clientId: string | null;
  author: Author;
  /** The agent who wrote it (author 'agent') or who caused it (author 'system'). */
  agent: AgentRef | null;
  body: string;
  /** Internal notes are visible to agents only and never reach the visitor. */
  internal: boolean;
  system: { kind: SystemKind; agentName: string | null } | null;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface Conversation {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  assignee: AgentRef | null;
  /** What the visitor told us, for queues; the full record is in ConversationDetail. */
  visitor: { name: string | null; email: string | null };
  createdAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  lastMessageAt: number | null;
  /** Seq of the newest message (0 when empty). */
  lastSeq: number;
  /** Preview of the newest visible message, for queues. */
  preview: string | null;
  /** Newest seq each side has read. */
  visitorReadSeq: number;
  agentReadSeq: number;
}

/** The page a visitor is on and what their browser says about them. */
export interface VisitorContext {
  url?: string;
  title?: string;
  referrer?: string;
  language?: string;
  timeZone?: string;
}

export type AttributeValue = string | number | boolean | null;

/** A visitor as agents see them. */
export interface Visitor {
  id: string;
  siteId: string;
  name: string | null;
  email: string | null;
  /** Set only when the site proved the identity with an HMAC (see docs/widget.md). */
  externalId: string | null;
  verified: boolean;
  attributes: Record<string, AttributeValue>;
  context: VisitorContext & { userAgent?: string };
  visits: number;
  createdAt: number;
  lastSeenAt: number;
}

export interface BusinessHours {
  timeZone: string;
  /** Index 0 is Sunday; each day a list of [from, to] as "HH:MM", empty when closed. */
  days: Array<Array<[string, string]>>;
}

/** What a widget needs to render a site: public, safe to show anyone. */
export interface WidgetConfig {
  siteId: string;
  teamName: string;
  avatarUrl: string | null;
  greeting: string;
  awayMessage: string;
  color: string;
  position: 'right' | 'left';
  launcherLabel: string;
  theme: 'light' | 'dark' | 'auto';
  locale: string | null;
  preChat: { name: 'off' | 'optional' | 'required'; email: 'off' | 'optional' | 'required' };
  /** Outside hours or with nobody online: ask for an email, or hide the widget. */
  whenAway: 'email' | 'hide';
  businessHours: BusinessHours | null;
  requireVerifiedIdentity: boolean;
}

export interface Site {
  id: string;
  name: string;
  /** Exact origins ("https://shop.example.com") or wildcard subdomains ("https://*.example.com"). */
  allowedOrigins: string[];
  widget: WidgetConfig;
  /** Conversations with no activity for this many days are deleted; null keeps them forever. */
  retentionDays: number | null;
  createdAt: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  avatarUrl: string | null;
  disabled: boolean;
  /** Sites this user works on (owners work on all of them). */
  siteIds: string[];
  createdAt: number;
}

// ---------------------------------------------------------------------------------------------
// Event ids and cursors. Every event that changes state has an id `<epoch>:<seq>`, and a cursor
// (Last-Event-ID, the `cursor` of a batch or a REST answer) is the id of the last event seen.
// - `seq` counts the events of one log 1, 2, 3… without gaps, in commit order, however many
//   server processes write to it; `<epoch>:0` is the head of an empty log.
// - `epoch` names the log: one per database, a new one after a restore or a move to another
//   engine. A cursor of another epoch, above the head, or older than the log keeps, is answered
//   with an explicit `reset` — never a silent resume. Clients treat ids as opaque but for
//   ordering, which compares seq within one epoch (eventIdAfter).

const EVENT_ID = /^([a-z0-9]{1,16}):(\d{1,15})$/;

export function parseEventId(id: string | null | undefined): { epoch: string; seq: number } | null {
  const match = id ? EVENT_ID.exec(id) : null;
  return match ? { epoch: match[1]!, seq: Number(match[2]) } : null;
}

export const formatEventId = (epoch: string, seq: number): string => `${epoch}:${seq}`;

/**
 * Whether id `a` comes after cursor `b` (null: nothing seen yet). An id of another epoch counts as
 * after: it can only come from a log that replaced the one `b` was read from, after a reset.
 */
export function eventIdAfter(a: string, b: string | null): boolean {
  // parseEventId's test, read from the match itself ([, epoch, seq]): the widget bundles this
  // function but not parseEventId, and a comparison needs no object.
  const x = EVENT_ID.exec(a);
  const y = EVENT_ID.exec(b ?? '');
  return x && y && x[1] === y[1] ? Number(x[2]) > Number(y[2]) : a !== b;
}

// ---------------------------------------------------------------------------------------------
// Stream events. On SSE: `id:` (when the event changes state), `event:` the type, `data:` the JSON.
// Long-poll returns the same objects in a list.

export interface EventPayloads {
  /** A conversation was started (agents, and the visitor who started it). */
  'conversation.created': { conversation: Conversation };
  /** Status or assignee changed (read positions come as `read` events). */
  'conversation.updated': { conversation: Conversation };
  'message': { message: Message };
  /** Ephemeral: not replayed. `typing: false` or silence for LIMITS.typingTtlMs ends it. */
  'typing': { conversationId: string; by: 'visitor' | 'agent'; typing: boolean; name: string | null };
  'read': { conversationId: string; by: 'visitor' | 'agent'; seq: number };
  /** Visitor details changed (agents only). */
  'visitor.updated': { visitor: Visitor };
  /** Ephemeral: a visitor opened or closed every page with the widget (agents only). */
  'visitor.presence': { visitorId: string; online: boolean };
  /** Ephemeral: an agent's availability (agents only). */
  'presence': { agentId: string; status: AgentStatus; connected: boolean };
  /** Ephemeral: whether anybody is there to answer (visitors only). Sent on connect and on change. */
  'availability': { online: boolean };
  /** The site's widget settings changed (visitors); apply without reload. */
  'config': { config: WidgetConfig };
  /**
   * The cursor the client resumed from is too old or unknown, so a gap cannot be ruled out.
   * Its id is the current head: refetch state over REST, then carry on from this event.
   */
  'reset': { reason: 'cursor-too-old' | 'cursor-unknown' };
  /**
   * The server ends this stream: it is shutting down, or the session's rights changed (role or
   * sites), or the session was revoked (logout, disabled, password reset, visitor data deleted), or
   * the database could not be read mid-replay ('unavailable': nothing was skipped; resume from the
   * last id received). Reconnect after `retryMs`, except when revoked.
   */
  'goodbye': { reason: 'shutdown' | 'changed' | 'revoked' | 'unavailable'; retryMs: number };
}

export type EventType = keyof EventPayloads;

/**
 * The event types sent without an `id:` (ephemeral or control: never logged, never replayed). On
 * SSE the browser reports the previous event's id for them, so a client must not take it as theirs.
 */
export const ID_LESS_EVENTS = ['typing', 'visitor.presence', 'presence', 'availability', 'goodbye'] as const satisfies readonly EventType[];

export type WireEvent<T extends EventType = EventType> = {
  [K in T]: { id?: string; type: K; data: EventPayloads[K] };
}[T];

export interface EventBatch {
  events: WireEvent[];
  /** Pass back as `cursor` (long-poll) or Last-Event-ID (stream) to continue. */
  cursor: string;
}

// ---------------------------------------------------------------------------------------------
// Visitor (widget) API. Every path is per site so that CORS preflights can check the origin.

export const VISITOR_PATHS = {
  config: `${API}/sites/:siteId/config`,
  session: `${API}/sites/:siteId/session`,
  visitor: `${API}/sites/:siteId/visitor`,
  conversations: `${API}/sites/:siteId/conversations`,
  messages: `${API}/sites/:siteId/conversations/:conversationId/messages`,
  typing: `${API}/sites/:siteId/conversations/:conversationId/typing`,
  read: `${API}/sites/:siteId/conversations/:conversationId/read`,
  streamTicket: `${API}/sites/:siteId/stream-ticket`,
  stream: `${API}/sites/:siteId/stream`,
  events: `${API}/sites/:siteId/events`,
} as const;

export interface OpenSessionRequest {
  context?: VisitorContext;
}
export interface OpenSessionResponse {
  /** Send as `Authorization: Bearer <token>` from now on; keep it across visits. */
  token: string;
  visitor: { id: string; name: string | null; email: string | null };
  config: WidgetConfig;
  availability: { online: boolean };
  /** The newest conversation, open or not, so a returning visitor sees their history. */
  conversation: Conversation | null;
  /** The event head now: open the stream from here after fetching history, and nothing falls between. */
  cursor: string;
}

export interface UpdateVisitorRequest {
  name?: string;
  email?: string;
  attributes?: Record<string, AttributeValue>;
  context?: VisitorContext;
  /** Identity proven by the site's server: hash = hex HMAC-SHA256(site secret, id). */
  identity?: { id: string; hash: string };
}

export interface UpdateVisitorResponse {
  visitor: { id: string; name: string | null; email: string | null };
  /**
   * Present only when the request proved a different identity than the one this visitor was
   * verified as (a shared computer: one user signed out of the site, another signed in). The
   * browser is now a new visitor: replace the stored token with this one and forget everything of
   * the previous visitor on the device; the previous identity's conversations are never returned.
   */
  token?: string;
}

export interface StartConversationRequest {
  clientId: string;
}
export interface SendMessageRequest {
  clientId: string;
  body: string;
}
/** Agents may also send internal notes. */
export interface AgentSendMessageRequest extends SendMessageRequest {
  internal?: boolean;
}
export interface TypingRequest {
  typing: boolean;
}
export interface ReadRequest {
  seq: number;
}
export interface MessagePage {
  messages: Message[];
  /** With `after`: more messages exist after the last one returned. Otherwise: older ones exist before the first. */
  hasMore: boolean;
}
export interface StreamTicketResponse {
  ticket: string;
  expiresAt: number;
}

// ---------------------------------------------------------------------------------------------
// Agent API: cookie session; state changes need the CSRF token from login or /me in CSRF_HEADER.

export const CSRF_HEADER = 'x-parley-csrf';
export const SESSION_COOKIE = 'parley_session';

export const AGENT_PATHS = {
  login: `${API}/agent/login`,
  logout: `${API}/agent/logout`,
  me: `${API}/agent/me`,
  presence: `${API}/agent/presence`,
  agents: `${API}/agent/agents`,
  stream: `${API}/agent/stream`,
  events: `${API}/agent/events`,
  conversations: `${API}/agent/conversations`,
  conversation: `${API}/agent/conversations/:conversationId`,
  messages: `${API}/agent/conversations/:conversationId/messages`,
  typing: `${API}/agent/conversations/:conversationId/typing`,
  read: `${API}/agent/conversations/:conversationId/read`,
  claim: `${API}/agent/conversations/:conversationId/claim`,
  transfer: `${API}/agent/conversations/:conversationId/transfer`,
  resolve: `${API}/agent/conversations/:conversationId/resolve`,
  reopen: `${API}/agent/conversations/:conversationId/reopen`,
} as const;

export const ACCOUNT_PATHS = {
  /** Accept an invitation or a password reset: `{token, name?, password}`; logs in. */
  redeem: `${API}/agent/redeem`,
  /** Change your own password: `{current, password}`. */
  password: `${API}/agent/password`,
  canned: `${API}/agent/canned`,
} as const;

/** Where invitation and reset links point (`#token=…&kind=invite|reset`); the fragment reaches no server log. */
export const REDEEM_PAGE = '/app/redeem';

export interface LoginRequest {
  email: string;
  password: string;
}
export interface MeResponse {
  user: User;
  csrfToken: string;
  sites: Site[];
  status: AgentStatus;
  /** The event head now, for opening the stream after loading the queue. */
  cursor: string;
}
export type ConversationView = 'waiting' | 'mine' | 'open' | 'resolved' | 'all';
export interface ConversationListResponse {
  conversations: Conversation[];
  cursor: string;
}
export interface ConversationDetail {
  conversation: Conversation;
  visitor: Visitor;
  visitorOnline: boolean;
}
export interface TransferRequest {
  agentId: string;
}
export interface PresenceRequest {
  status: AgentStatus;
}

// ---------------------------------------------------------------------------------------------
// Admin API (owners only; agents get 403 PARLEY_ERR_FORBIDDEN). Same session and CSRF rules as the agent API.

export const ADMIN_PATHS = {
  sites: `${API}/admin/sites`,
  site: `${API}/admin/sites/:siteId`,
  rotateSecret: `${API}/admin/sites/:siteId/secret`,
  export: `${API}/admin/sites/:siteId/export`,
  canned: `${API}/admin/sites/:siteId/canned`,
  cannedItem: `${API}/admin/sites/:siteId/canned/:cannedId`,
  visitor: `${API}/admin/visitors/:visitorId`,
  users: `${API}/admin/users`,
  user: `${API}/admin/users/:userId`,
  invites: `${API}/admin/invites`,
  passwordReset: `${API}/admin/users/:userId/password-reset`,
} as const;

/** A site as its owner sees it: with the snippet to paste. The secret is shown only when created or rotated. */
export interface AdminSite extends Site {
  snippet: string;
}
export interface SiteSecretResponse {
  site: AdminSite;
  /** Shown once: the server keeps it, but never shows it again. */
  secret: string;
}
export interface UpdateSiteRequest {
  name?: string;
  allowedOrigins?: string[];
  widget?: Partial<Omit<WidgetConfig, 'siteId'>>;
  retentionDays?: number | null;
}
export interface InviteRequest {
  email: string;
  name: string;
  role: Role;
  siteIds: string[];
}
/** A one-time link for the owner to hand over; no mail server needed. */
export interface LinkResponse {
  url: string;
  expiresAt: number;
}
export interface UpdateUserRequest {
  name?: string;
  role?: Role;
  disabled?: boolean;
  siteIds?: string[];
}
export interface CannedResponse {
  id: string;
  siteId: string;
  /** Typed after `/` in the composer. */
  shortcut: string;
  body: string;
}

// ---------------------------------------------------------------------------------------------
// Errors: `{ "error": { "code": "PARLEY_ERR_…", "message": "…" } }` with the status listed here.

export const ERROR = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TICKET_INVALID: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  IDENTITY_INVALID: 403,
  IDENTITY_REQUIRED: 403,
  NOT_FOUND: 404,
  SITE_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  ALREADY_CLAIMED: 409,
  LAST_OWNER: 409,
  EMAIL_TAKEN: 409,
  LINK_INVALID: 410,
  NOT_CLAIMABLE: 409,
  CLIENT_ID_REUSED: 409,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  SERVER_BUSY: 503,
  SHUTTING_DOWN: 503,
  /** The database is locked by something else for longer than a write may wait. */
  STORAGE_BUSY: 503,
  /** The disk (or the database's size limit) is full: nothing was stored. */
  STORAGE_FULL: 503,
  /** The database cannot be read or written right now (I/O error, read-only, closed). */
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorName = keyof typeof ERROR;
export type ErrorCode = `PARLEY_ERR_${ErrorName}`;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Fill `:param` placeholders of a path. */
export function path(template: string, params: Record<string, string>): string {
  return template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
