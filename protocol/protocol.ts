/**
 * Parley's wire protocol: the one definition of every path, payload, event, error code and limit
 * that the server, the widget and the dashboard share. Change the protocol here first.
 *
 * Browser code imports the few runtime constants it needs (PATHS, LIMITS, ERROR) and the rest as
 * types only, so nothing here may import Node modules or grow large tables of runtime data.
 * docs/protocol.md documents every endpoint and event with curl examples.
 */
// Types only (erased at runtime): the shapes written once as schemas beside this file, which import
// their constants from here, are used here under their old names.
import type { AgentRef, RatingScale, Site, User, WidgetConfig } from './admin-api.ts';
import type { MessageEmail } from './email-api.ts';
import type { Rating } from './ratings-api.ts';
import type { Conversation, Message } from './conversation-api.ts';
import type { HeldEmail, Visitor } from './agent-api.ts';
import type { Label, Team } from './inbox-api.ts';

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
  /** Team inbox (issue 14): a label's name, labels per site, a saved view's name, views per agent. */
  labelNameMax: 40,
  labelsPerSite: 100,
  viewNameMax: 60,
  viewsPerAgent: 50,
  /** Assignment (issue 14): a team's name, teams per site, an agent's capacity. */
  teamNameMax: 60,
  teamsPerSite: 50,
  capacityMax: 1000,
  /** The most recent distinct pages kept per visitor for their profile. */
  visitorPagesKept: 20,
  /** Files one message may carry (issue 13). */
  attachmentsPerMessageMax: 10,
  /** Characters of a file's name, after sanitising. */
  attachmentNameMax: 200,
  /** The largest per-file limit an owner may set (AttachmentSettings.maxBytes). */
  attachmentBytesMax: 100 * 1024 * 1024,
  /** Signed download links (for `<img src>` and downloads) live this long. */
  attachmentLinkTtlMs: 10 * 60_000,
  /** API tokens (issue 15; protocol/api-tokens.ts): unrevoked tokens per installation, characters of a name. */
  apiTokensMax: 100,
  apiTokenNameMax: 80,
  /** Satisfaction (issue 15): the owner's question, and the visitor's comment with a rating. */
  ratingQuestionMax: 200,
  ratingCommentMax: 1000,
  /** The longest period one report covers, in days. */
  reportDaysMax: 366,
} as const;

// ---------------------------------------------------------------------------------------------
// Entities

export type { ConversationStatus, Author } from './conversation-api.ts';
export type Role = 'owner' | 'agent';
export type AgentStatus = 'online' | 'away';

/** What a system message records, so each client can word it in its own language. */
export type { SystemKind } from './conversation-api.ts';

export type { AgentRef } from './admin-api.ts';

export type { Message } from './conversation-api.ts';

/**
 * The types a file may have, decided by its content (magic bytes), never by its name or declared
 * type; a site allows some of them (AttachmentSettings.types). SVG, HTML and anything else a
 * browser could run are not among them, and never will be.
 */
export const ATTACHMENT_TYPES = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.oasis.opendocument.presentation',
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/zip',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** A file as messages carry it; and with who sent it where, and a short-lived signed link to it (issue 13). */
export type { Attachment, AttachmentLink } from './conversation-api.ts';

/** A site's rules for files (owner settings); agents may always attach within them. */
export type { AttachmentSettings } from './admin-api.ts';

export type { Conversation } from './conversation-api.ts';

/** The page a visitor is on and what their browser says about them; a value the site set on a visitor. */
export type { VisitorContext, AttributeValue } from './visitor-api.ts';

/** A visitor as agents see them (agent-api.ts). */
export type { Visitor } from './agent-api.ts';

export type { BusinessHours } from './admin-api.ts';

/** What a widget needs to render a site: public, safe to show anyone. */
export type { WidgetConfig } from './admin-api.ts';

export type { Site } from './admin-api.ts';

export type { User } from './admin-api.ts';

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
  /**
   * Someone else gave a conversation to an agent or a team (agents only): a transfer (`by` the
   * agent who passed it), or the site's assignment rule (`by` null). Follows its conversation.updated.
   */
  'conversation.assigned': { conversation: Conversation; via: 'transfer' | 'rule'; by: AgentRef | null };
  /**
   * A waiting conversation passed the site's unanswered threshold once more (agents only).
   * `waitedMs`: how long it had waited by the server's clock when alerted.
   */
  'conversation.unanswered': { conversation: Conversation; waitedMs: number };
  /** An owner changed a site's teams: the site's whole list after the change (agents only). */
  'teams': { siteId: string; teams: Team[] };
  'message': { message: Message };
  /** Ephemeral: not replayed. `typing: false` or silence for LIMITS.typingTtlMs ends it. */
  'typing': { conversationId: string; by: 'visitor' | 'agent'; typing: boolean; name: string | null };
  'read': { conversationId: string; by: 'visitor' | 'agent'; seq: number };
  /** Visitor details changed (agents only). */
  'visitor.updated': { visitor: Visitor };
  /** An owner changed a site's labels: the site's whole list after the change (agents only). */
  'labels': { siteId: string; labels: Label[] };
  /** A conversation's labels changed: every label id it has now (agents only). */
  'conversation.labels': { conversationId: string; labelIds: string[] };
  /** Visitor `from` was merged into `into`: `from` is gone, its conversations (`moved`) are `into`'s (agents only). */
  'visitor.merged': { from: string; into: Visitor; moved: string[] };
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
   * last id received). Reconnect after `retryMs`, except when revoked. On a visitor's stream
   * 'revoked' means the visitor no longer exists (their data was deleted): forget what the device
   * keeps of them and, to chat again, open a new session without the old token.
   */
  'goodbye': { reason: 'shutdown' | 'changed' | 'revoked' | 'unavailable'; retryMs: number };
  /** An email reply was held for review (agents only). */
  'email.held': { conversationId: string; heldEmail: HeldEmail };
  /** A held email was accepted into its conversation or discarded (agents only). */
  'email.released': { conversationId: string; heldEmailId: string; outcome: 'accepted' | 'discarded' };
  /** Whether an agent's reply was emailed to the visitor, and how that went (agents only). */
  'message.email': MessageEmail;
  /** A visitor rated a conversation, or changed their rating (agents only; issue 15). */
  'rating.submitted': { conversationId: string; rating: Rating };
}

export type EventType = keyof EventPayloads;

/**
 * The event types sent without an `id:` (ephemeral or control: never logged, never replayed). On
 * SSE the browser reports the previous event's id for them, so a client must not take it as theirs.
 */
export const ID_LESS_EVENTS = ['typing', 'visitor.presence', 'presence', 'availability', 'goodbye'] as const satisfies readonly EventType[];

/**
 * Event types only agents ever receive. The widget does not listen for them: the dashboard names
 * them to the shared transport (client/transport.ts, `agentEvents`), so they cost the widget's
 * bundle nothing.
 */
export const AGENT_ONLY_EVENTS = ['email.held', 'email.released', 'labels', 'conversation.labels', 'visitor.merged', 'message.email', 'rating.submitted',
  'conversation.assigned', 'conversation.unanswered', 'teams'] as const satisfies readonly EventType[];

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
  /** POST a file's bytes as the body (`?clientId=…&name=…`); GET the conversation's files with signed links. */
  attachments: `${API}/sites/:siteId/conversations/:conversationId/attachments`,
} as const;

// The visitor API's shapes (visitor-api.ts), and a conversation's, which the agent API shares (conversation-api.ts).
export type {
  OpenSessionRequest, OpenSessionResponse, UpdateVisitorRequest, UpdateVisitorResponse, StartConversationRequest, TypingRequest, ReadRequest,
  StreamTicketResponse,
} from './visitor-api.ts';
export type { SendMessageRequest, MessagePage, UploadResponse, AttachmentListResponse } from './conversation-api.ts';
/** Agents may also send internal notes, and keep a reply from being emailed (agent-api.ts). */
export type { AgentSendMessageRequest } from './agent-api.ts';

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
  /** As the visitor's: upload (POST, raw body) and list with signed links (GET). */
  attachments: `${API}/agent/conversations/:conversationId/attachments`,
  /** Every file of a visitor's conversations, for the visitor panel. */
  visitorAttachments: `${API}/agent/visitors/:visitorId/attachments`,
} as const;

/** Where signed links point: no credentials but the link's own signature (`?expires=…&sig=…`). */
export const FILE_PATH = `${API}/files/:attachmentId`;

export const ACCOUNT_PATHS = {
  /** Accept an invitation or a password reset: `{token, name?, password}`; logs in. */
  redeem: `${API}/agent/redeem`,
  /** Change your own password: `{current, password}`. */
  password: `${API}/agent/password`,
  /** Change your own name and avatar: UpdateAccountRequest; answers `{user}`. */
  account: `${API}/agent/account`,
  /** What an invitation or reset link is for, without using it up: `{token}` → LinkInfo, or 410 when used or expired. */
  link: `${API}/agent/link`,
  canned: `${API}/agent/canned`,
} as const;

export type { UpdateAccountRequest, LinkInfo } from './account-api.ts';

/** Where invitation and reset links point (`#token=…&kind=invite|reset`); the fragment reaches no server log. */
export const REDEEM_PAGE = '/app/redeem';

export type { MeResponse } from './account-api.ts';
/** The agent API's shapes (agent-api.ts); a colleague is one on your sites (`GET /v1/agent/agents`), with status and connection. */
export type {
  LoginRequest, ConversationView, ConversationListResponse, ConversationDetail, TransferRequest, PresenceRequest, Colleague,
} from './agent-api.ts';
/** POST ASSIGNMENT_PATHS.transferToTeam (inbox-api.ts). */
export type { TeamTransferRequest } from './inbox-api.ts';

// ---------------------------------------------------------------------------------------------
// Admin API (owners only; agents get 403 PARLEY_ERR_FORBIDDEN). Same session and CSRF rules as the agent API.
// Servers call the agent and admin APIs with an owner's API token instead: protocol/api-tokens.ts (issue 15).

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
  /** `{files, bytes}` stored for the site. */
  attachmentUsage: `${API}/admin/sites/:siteId/attachments/usage`,
} as const;

export type { AttachmentUsage } from './agent-api.ts';

/**
 * The appearance page's message to its preview frame (the server's /preview/:siteId page, same
 * origin): `{ type: PREVIEW_MESSAGE, config: WidgetConfig, unsaved: boolean }`. The preview shows
 * `config` at once and, while `unsaved`, in place of what its stream says: edits show there before
 * Save publishes them to visitors.
 */
export const PREVIEW_MESSAGE = 'parley:preview';

/** A site as its owner sees it: with the snippet to paste. The secret is shown only when created or rotated. */
export type { AdminSite, SiteSecretResponse, UpdateSiteRequest, InviteRequest, LinkResponse, UpdateUserRequest, CannedResponse } from './admin-api.ts';

// ---------------------------------------------------------------------------------------------
// Team inbox (issue 14): labels, saved views, a visitor's history across visits, merging two
// visitors who turn out to be one person. Agents only: none of it ever reaches a visitor.

export const INBOX_PATHS = {
  /** The labels of every site the agent works on. */
  labels: `${API}/agent/labels`,
  /** PUT adds the label to the conversation, DELETE takes it off; both answer `{labelIds}`. */
  conversationLabel: `${API}/agent/conversations/:conversationId/labels/:labelId`,
  /** The signed-in agent's own saved views (GET, POST), and one of them (DELETE). */
  views: `${API}/agent/views`,
  view: `${API}/agent/views/:viewId`,
  /** A visitor's profile across visits, with every conversation of theirs. */
  visitor: `${API}/agent/visitors/:visitorId`,
  /** POST `{from}`: visitor `from` becomes this one (MergeVisitorsRequest). */
  merge: `${API}/agent/visitors/:visitorId/merge`,
  /** Owners: a site's labels (POST), and one of them (PATCH, DELETE). */
  siteLabels: `${API}/admin/sites/:siteId/labels`,
  siteLabel: `${API}/admin/sites/:siteId/labels/:labelId`,
} as const;

/**
 * Labels, saved views, a visitor's profile across visits, merging two visitors (inbox-api.ts); a
 * conversation's labels by its id (agent-api.ts).
 */
export type {
  Label, LabelRequest, QueueFilter, SavedView, SaveViewRequest, VisitorPage, VisitorProfile, MergeVisitorsRequest, MergeVisitorsResponse,
} from './inbox-api.ts';
export type { ConversationLabels } from './agent-api.ts';

// ---------------------------------------------------------------------------------------------
// Inbound email (issue 12): a visitor's email reply lands in its conversation by itself when it
// comes from an address the conversation's email went to; anything else is held for an agent.

export const INBOUND_PATHS = {
  /** A raw email (`Content-Type: message/rfc822`) forwarded by a provider; `Authorization: Bearer <INBOUND_WEBHOOK_SECRET>`. */
  email: `${API}/inbound/email`,
} as const;

export type { InboundEmailResponse } from './email-api.ts';

export const HELD_EMAIL_PATHS = {
  /** The held email of the agent's sites, newest first. */
  list: `${API}/agent/held-emails`,
  /** DELETE discards it. */
  item: `${API}/agent/held-emails/:heldEmailId`,
  /** Adds it to the conversation it claims, as the visitor's message. */
  accept: `${API}/agent/held-emails/:heldEmailId/accept`,
} as const;

/**
 * An email reply that was not added to its conversation by itself (another sender, an automatic
 * reply), and the list of them, each with the conversation it claims (agent-api.ts).
 */
export type { HeldEmail, HeldEmailListResponse } from './agent-api.ts';

// ---------------------------------------------------------------------------------------------
// Outbound email (issue 12): an agent's reply the visitor has not read within the site's delay is
// emailed to them, with a link that continues the conversation on any device; agents are told of
// conversations nobody answers; visitors may ask for a transcript. Only when SMTP is configured.

/** What the visitor side may call: continue from an email's link, ask for a transcript. */
export const VISITOR_EMAIL_PATHS = {
  /** POST `{token}` (the link's `parley_resume`): a new bearer token of the link's visitor, for this device. */
  resume: `${API}/sites/:siteId/visitor/resume`,
  /** POST `{clientId, email?}`: email the conversation to the visitor (202). */
  transcript: `${API}/sites/:siteId/conversations/:conversationId/transcript`,
} as const;

/** Agents and owners: what was emailed per message, the agent's own alerts, a site's email settings. */
export const AGENT_EMAIL_PATHS = {
  messageEmails: `${API}/agent/conversations/:conversationId/emails`,
  /** GET, and PATCH `{enabled}`: whether this agent is emailed about conversations nobody answers. */
  alerts: `${API}/agent/email-alerts`,
  /** Owners: GET, and PATCH UpdateSiteEmailRequest. */
  siteEmail: `${API}/admin/sites/:siteId/email`,
} as const;

/** Pages an email links to, served by Parley (HTML, not the API). */
export const EMAIL_PAGES = {
  /** `?token=`: GET asks to confirm, POST unsubscribes (RFC 8058 one-click: `List-Unsubscribe=One-Click`). */
  unsubscribe: '/email/unsubscribe',
  /** The hosted conversation page: the site's widget, opened, for a visitor whose page is not known. */
  conversation: '/c/:siteId',
} as const;

/** The query parameter of an email's link that carries the resume token (the widget exchanges it at VISITOR_EMAIL_PATHS.resume). */
export const RESUME_PARAM = 'parley_resume';

/** What a new site starts with; owners change both per site. */
export const EMAIL_DEFAULTS = {
  /** An unread agent reply is emailed this long after it was sent (replies within it go in the same email). */
  replyDelayMinutes: 3,
  /** A new conversation nobody has answered by then, with no agent online, is emailed to the site's agents. */
  alertDelayMinutes: 5,
  /** Either delay is between 1 and this many minutes. */
  delayMaxMinutes: 1440,
} as const;

export type { MessageEmailState, MessageEmail, MessageEmailsResponse, SiteEmailSettings, UpdateSiteEmailRequest, EmailAlertsResponse } from './email-api.ts';

/** The visitor's side: continuing from an email's link, a transcript (visitor-api.ts). */
export type { ResumeRequest, ResumeResponse, TranscriptRequest, TranscriptResponse } from './visitor-api.ts';

// ---------------------------------------------------------------------------------------------
// Assignment (issue 14): who gets a waiting conversation — the site's rule among online agents
// with room, teams of agents, and alerts for conversations nobody has answered in time.

export const ASSIGNMENT_PATHS = {
  /** The teams of every site the agent works on. */
  teams: `${API}/agent/teams`,
  /** POST `{teamId}`: the conversation waits for that team (and its rule picks one of them). */
  transferToTeam: `${API}/agent/conversations/:conversationId/team`,
  /** Owners: GET and PATCH a site's rule, alert threshold and capacities. */
  settings: `${API}/admin/sites/:siteId/assignment`,
  /** Owners: a site's teams (GET, POST), and one of them (PATCH, DELETE). */
  siteTeams: `${API}/admin/sites/:siteId/teams`,
  siteTeam: `${API}/admin/sites/:siteId/teams/:teamId`,
} as const;

/**
 * A site's rule (manual: agents claim; round-robin; least-load), its unanswered-alert threshold
 * and each agent's capacity, and what a PATCH changes of them; teams (inbox-api.ts).
 */
export type { AssignmentRule, AssignmentSettings, UpdateAssignmentRequest, Team, TeamRequest } from './inbox-api.ts';
export type { TeamRef } from './conversation-api.ts';

// ---------------------------------------------------------------------------------------------
// Satisfaction (issue 15): when a conversation is resolved the widget asks the visitor for a
// rating and an optional comment; agents see it in the conversation and the visitor panel.

/** 1 to 5 stars, or a thumb up or down. */
export type { RatingScale } from './admin-api.ts';

/** WidgetConfig.rating: the owner's choices (Settings → Satisfaction). */
export type { RatingSettings } from './admin-api.ts';

export type { Rating, RatingResponse, VisitorRatingsResponse } from './ratings-api.ts';

export const RATING_PATHS = {
  /** Visitors: GET the conversation's rating (`{rating: null}` before one), POST RateRequest. */
  rate: `${API}/sites/:siteId/conversations/:conversationId/rating`,
  /** Agents: GET one conversation's rating. */
  conversation: `${API}/agent/conversations/:conversationId/rating`,
  /** Agents: GET every rating of the visitor's conversations, newest first. */
  visitor: `${API}/agent/visitors/:visitorId/ratings`,
} as const;

export type { RateRequest } from './visitor-api.ts';

// ---------------------------------------------------------------------------------------------
// Reports (issue 15): how the team is doing over a period, for owners.

export const REPORT_PATHS = {
  /** GET ReportQuery as the query string → ReportResponse. */
  report: `${API}/admin/reports`,
  /** The same figures as CSV (one row per day, agent, site, and the total). */
  csv: `${API}/admin/reports/csv`,
} as const;

export type { ReportQuery, Percentiles, ReportFigures, ReportResponse } from './reports-api.ts';

// ---------------------------------------------------------------------------------------------
// Webhooks (issue 15): an owner's endpoints per site receive the events they chose as signed JSON
// POSTs, retried for a day, each attempt in a delivery log that can replay them. How a receiver
// verifies them, and what each event carries: docs/webhooks.md.

/** The events an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = [
  'conversation.created', 'conversation.assigned', 'conversation.resolved', 'conversation.reopened',
  'message.visitor', 'message.agent', 'visitor.identified', 'rating.submitted',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** "Send test" in Settings: sent on request only, tried once, whether the endpoint is paused or off. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
export type WebhookDeliveryType = WebhookEventType | typeof WEBHOOK_TEST_EVENT;

/** What each event's `data` holds. Internal notes and system messages are never sent. */
export interface WebhookPayloads {
  'conversation.created': { conversation: Conversation };
  /** Someone (an agent, or a team) has it now: a claim, a transfer, the assignment rule. */
  'conversation.assigned': { conversation: Conversation };
  'conversation.resolved': { conversation: Conversation };
  /** Resolved, then open again: an agent reopened it, or the visitor wrote again. */
  'conversation.reopened': { conversation: Conversation };
  'message.visitor': { message: Message; visitorId: string };
  'message.agent': { message: Message; visitorId: string };
  /** The visitor's name, email or verified id was set or changed. */
  'visitor.identified': { visitor: Visitor };
  'rating.submitted': EventPayloads['rating.submitted'];
  'webhook.test': { endpointId: string; text: string };
}

/** The JSON body of every delivery: the same bytes on every attempt and every replay. */
export type WebhookBody = {
  [T in WebhookDeliveryType]: {
    /** One endpoint's delivery of one event: the same on every retry and replay, so receivers de-duplicate by it. */
    deliveryId: string;
    /** The same for every endpoint the event goes to. */
    eventId: string;
    type: T;
    siteId: string;
    /** When it happened (epoch ms). */
    createdAt: number;
    data: WebhookPayloads[T];
  };
}[WebhookDeliveryType];

/**
 * Headers of every delivery. The signature is `sha256=` and the hex HMAC-SHA256, keyed with the
 * endpoint's secret, of `<timestamp>.<body>`; the timestamp is Unix seconds, new on every attempt.
 */
export const WEBHOOK_HEADERS = {
  signature: 'x-parley-signature',
  timestamp: 'x-parley-timestamp',
  delivery: 'x-parley-delivery',
  event: 'x-parley-event',
} as const;

export const WEBHOOK_LIMITS = {
  endpointsPerSite: 10,
  urlMax: 2000,
  descriptionMax: 100,
  /** A delivery is retried (exponential backoff with jitter) for this long, then dead-lettered. */
  retryForMs: 24 * 3600_000,
  /** Receivers should refuse a timestamp further than this from their clock (docs/webhooks.md). */
  replayWindowSeconds: 300,
  /** Characters of a receiver's answer kept in the delivery log. */
  responseSnippetMax: 500,
  deliveriesPageMax: 100,
} as const;

export type { WebhookHealth, WebhookEndpoint, WebhookDeliveryStatus, WebhookAttempt, WebhookDelivery, CreateWebhookRequest, UpdateWebhookRequest, WebhookListResponse, WebhookSecretResponse, WebhookDeliveryFilter, WebhookDeliveriesResponse, WebhookDeliveryDetail } from './webhooks-api.ts';

export const WEBHOOK_PATHS = {
  /** GET → WebhookListResponse; POST CreateWebhookRequest → WebhookSecretResponse. */
  endpoints: `${API}/admin/sites/:siteId/webhooks`,
  /** PATCH UpdateWebhookRequest → `{endpoint}`; DELETE → 204 (its delivery log goes with it). */
  endpoint: `${API}/admin/sites/:siteId/webhooks/:endpointId`,
  /** POST: a new secret, shown once (WebhookSecretResponse); the old one stops signing at once. */
  rotateSecret: `${API}/admin/sites/:siteId/webhooks/:endpointId/secret`,
  /** POST: queues a `webhook.test` delivery → `{delivery}`. */
  test: `${API}/admin/sites/:siteId/webhooks/:endpointId/test`,
  /** POST: closes the circuit breaker of a paused endpoint; what waits is sent now → `{endpoint}`. */
  resume: `${API}/admin/sites/:siteId/webhooks/:endpointId/resume`,
  /** GET `?status=&cursor=&limit=` → WebhookDeliveriesResponse, newest first. */
  deliveries: `${API}/admin/sites/:siteId/webhooks/:endpointId/deliveries`,
  /** GET → WebhookDeliveryDetail. */
  delivery: `${API}/admin/sites/:siteId/webhooks/:endpointId/deliveries/:deliveryId`,
  /** POST: sends it again, same ids, retried for another day → `{delivery}`. */
  replay: `${API}/admin/sites/:siteId/webhooks/:endpointId/deliveries/:deliveryId/replay`,
  /** POST: replays every dead-lettered delivery of the endpoint → `{replayed}`. */
  replayDead: `${API}/admin/sites/:siteId/webhooks/:endpointId/replay-dead`,
} as const;

// ---------------------------------------------------------------------------------------------
// Errors: `{ "error": { "code": "PARLEY_ERR_…", "message": "…" } }` with the status listed here.

export const ERROR = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  /**
   * A visitor token the server does not know (any more): the visitor's data was deleted, or the
   * database replaced. Not worth retrying: forget what the device keeps and open a new session.
   */
  VISITOR_UNKNOWN: 401,
  INVALID_CREDENTIALS: 401,
  TICKET_INVALID: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  /**
   * The right password for an account an owner disabled: said only to someone who knows the
   * password (a wrong one is INVALID_CREDENTIALS either way), or who holds a link of the account.
   */
  ACCOUNT_DISABLED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  IDENTITY_INVALID: 403,
  IDENTITY_REQUIRED: 403,
  NOT_FOUND: 404,
  SITE_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  VISITOR_NOT_FOUND: 404,
  LABEL_NOT_FOUND: 404,
  VIEW_NOT_FOUND: 404,
  /** Another label of the site, or another saved view of the agent, has this name (whatever its case). */
  LABEL_NAME_TAKEN: 409,
  VIEW_NAME_TAKEN: 409,
  /** A site has LIMITS.labelsPerSite labels, or an agent LIMITS.viewsPerAgent views, already. */
  LIMIT_REACHED: 409,
  /** These two visitors cannot be one: of different sites, or verified as different people. */
  MERGE_REFUSED: 409,
  ALREADY_CLAIMED: 409,
  LAST_OWNER: 409,
  EMAIL_TAKEN: 409,
  /** The site has a canned response with this shortcut already. */
  SHORTCUT_TAKEN: 409,
  LINK_INVALID: 410,
  NOT_CLAIMABLE: 409,
  CLIENT_ID_REUSED: 409,
  /** The file is larger than the site allows (details.maxBytes); cut while streaming, nothing stored. */
  ATTACHMENT_TOO_LARGE: 413,
  /** The file's content is not of a type the site allows (details.type is what it is, details.allowed). */
  ATTACHMENT_TYPE_REFUSED: 415,
  /** The site does not take files from visitors. */
  ATTACHMENTS_OFF: 403,
  /** No such file for you: unknown, another visitor's, an internal note's, or deleted. */
  ATTACHMENT_NOT_FOUND: 404,
  /** A message named a file that is not this sender's unsent upload in this conversation. */
  ATTACHMENT_UNUSABLE: 409,
  /** The signed link is forged or expired: ask for the list again. */
  LINK_EXPIRED: 403,
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
  /** An email reply to a conversation that has ended and was deleted (its reply address is no longer known). */
  CONVERSATION_ENDED: 410,
  /** An email that is not a reply to any conversation: no reply address and no References Parley sent. */
  EMAIL_UNMATCHED: 422,
  HELD_EMAIL_NOT_FOUND: 404,
  TEAM_NOT_FOUND: 404,
  /** Another team of the site has this name (whatever its case). */
  TEAM_NAME_TAKEN: 409,
  /** This server sends no email (SMTP_URL is not set). */
  EMAIL_NOT_CONFIGURED: 409,
  /** A transcript needs an address and the visitor left none. */
  EMAIL_REQUIRED: 400,
  /** The address unsubscribed from this site's emails. */
  EMAIL_UNSUBSCRIBED: 409,
  /**
   * API tokens (issue 15): 401 when the token does not say who is calling — not a token of this
   * server, or its owner is disabled or no longer an owner (INVALID), or revoked (REVOKED); 403 when
   * it does, and may not do this: a read-only token's write (READ_ONLY), a site it is not for or a
   * route for installation-wide tokens only (SITE_LIMITED), or what tokens never do — manage tokens
   * or passwords, change a person's own account or presence (NOT_ALLOWED).
   */
  TOKEN_INVALID: 401,
  TOKEN_REVOKED: 401,
  TOKEN_READ_ONLY: 403,
  TOKEN_SITE_LIMITED: 403,
  TOKEN_NOT_ALLOWED: 403,
  /** The site does not ask visitors for ratings (its owner turned them off). */
  RATINGS_OFF: 403,
  /** Only a conversation that has been resolved (even if reopened since) can be rated. */
  NOT_RATEABLE: 409,
  /** Webhooks (issue 15): no such endpoint on this site, or no such delivery of it. */
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  /**
   * Not a URL Parley sends to: not http(s), with a user:password, or naming (or resolving to) a
   * loopback, private, link-local, multicast or reserved address (details.address) — private and
   * loopback ones are allowed only where the server sets WEBHOOKS_ALLOW_PRIVATE.
   */
  WEBHOOK_URL_REFUSED: 400,
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
