/**
 * Compile-time checks that the agent API's derived types (agent-api.ts, inbox-api.ts) say exactly
 * what the hand-written interfaces they replaced said, so the dashboard, the client and the server
 * lost no precision. Types only; nothing here runs.
 */
import type { AgentRef, Site, User } from './admin-api.ts';
import type {
  AgentSendMessageRequest, AttachmentUsage, Colleague, ConversationDetail, ConversationLabels, ConversationListResponse, ConversationView,
  HeldEmail, HeldEmailListResponse, LoginRequest, PresenceRequest, TransferRequest, Visitor,
} from './agent-api.ts';
import type { MeResponse } from './account-api.ts';
import type { Conversation } from './conversation-api.ts';
import type {
  AssignmentRule, AssignmentSettings, Label, LabelRequest, MergeVisitorsRequest, MergeVisitorsResponse, QueueFilter, SavedView,
  SaveViewRequest, Team, TeamRequest, TeamTransferRequest, UpdateAssignmentRequest, VisitorPage, VisitorProfile,
} from './inbox-api.ts';
import type { AgentStatus, AttributeValue } from './protocol.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

type View = 'waiting' | 'mine' | 'open' | 'resolved' | 'all';
type Context = { url?: string; title?: string; referrer?: string; language?: string; timeZone?: string; userAgent?: string };
type Held = {
  id: string; siteId: string; conversationId: string; from: string; fromName: string | null; subject: string; text: string;
  reason: 'unknown-sender' | 'auto-reply'; receivedAt: number;
};
type Filter = { view: View; labelId: string | null; q: string };

holds<Equal<Visitor, {
  id: string; siteId: string; name: string | null; email: string | null; externalId: string | null; verified: boolean;
  attributes: Record<string, AttributeValue>; context: Context; visits: number; createdAt: number; lastSeenAt: number;
}>>();
holds<Equal<Colleague, { id: string; name: string; avatarUrl: string | null; status: AgentStatus; connected: boolean }>>();
holds<Equal<ConversationView, View>>();
holds<Equal<ConversationLabels, Record<string, string[]>>>();
holds<Equal<LoginRequest, { email: string; password: string }>>();
holds<Equal<MeResponse, { user: User; csrfToken: string; sites: Site[]; status: AgentStatus; cursor: string }>>();
holds<Equal<PresenceRequest, { status: AgentStatus }>>();
holds<Equal<ConversationListResponse, { conversations: Conversation[]; cursor: string; labels: Record<string, string[]> }>>();
holds<Equal<ConversationDetail, { conversation: Conversation; visitor: Visitor; visitorOnline: boolean; labelIds: string[] }>>();
// The old interface said `body: string`; a message with files has none, as the schema says.
holds<Equal<AgentSendMessageRequest, {
  clientId: string; body?: string; attachmentIds?: string[]; internal?: boolean; suppressEmail?: boolean;
}>>();
holds<Equal<TransferRequest, { agentId: string }>>();
holds<Equal<AttachmentUsage, { files: number; bytes: number }>>();
holds<Equal<HeldEmail, Held>>();
holds<Equal<HeldEmailListResponse['heldEmails'][number], Held & { conversation: Conversation } extends infer H ? { [K in keyof H]: H[K] } : never>>();

holds<Equal<Label, { id: string; siteId: string; name: string; color: string }>>();
holds<Equal<LabelRequest, { name: string; color: string }>>();
holds<Equal<QueueFilter, Filter>>();
holds<Equal<SavedView, { id: string; name: string; filter: Filter; createdAt: number }>>();
holds<Equal<SaveViewRequest, { name: string; filter: Filter }>>();
holds<Equal<VisitorPage, { url: string; title: string | null; firstSeenAt: number; lastSeenAt: number; views: number }>>();
holds<Equal<VisitorProfile, {
  visitor: Visitor; visitorOnline: boolean; pages: VisitorPage[]; conversations: Conversation[]; labels: Record<string, string[]>;
}>>();
holds<Equal<MergeVisitorsRequest, { from: string }>>();
holds<Equal<MergeVisitorsResponse, { visitor: Visitor; moved: string[] }>>();
holds<Equal<AssignmentRule, 'manual' | 'round-robin' | 'least-load'>>();
holds<Equal<AssignmentSettings, { rule: AssignmentRule; unansweredAfterSeconds: number | null; capacities: Record<string, number> }>>();
holds<Equal<UpdateAssignmentRequest, {
  rule?: AssignmentRule; unansweredAfterSeconds?: number | null; capacities?: Record<string, number | null>;
}>>();
holds<Equal<Team, { id: string; siteId: string; name: string; memberIds: string[]; createdAt: number }>>();
holds<Equal<TeamRequest, { name: string; memberIds: string[] }>>();
holds<Equal<TeamTransferRequest, { teamId: string }>>();
// What the shapes are made of, as the other areas define them.
holds<Equal<Colleague extends AgentRef ? true : false, true>>();
