/**
 * Compile-time checks that the visitor API's derived types (visitor-api.ts) and a conversation's
 * (conversation-api.ts) say exactly what the hand-written interfaces they replaced said, so the
 * widget, the dashboard and the client lost no precision. Types only; nothing here runs.
 */
import type {
  Attachment, AttachmentLink, AttachmentListResponse, Conversation, Message, MessagePage, SendMessageRequest, TeamRef, UploadResponse,
} from './conversation-api.ts';
import type { AgentRef, WidgetConfig } from './admin-api.ts';
import type { AttachmentType } from './protocol.ts';
import type {
  AttributeValue, OpenSessionResponse, RateRequest, ResumeResponse, StreamTicketResponse, TranscriptRequest, UpdateVisitorRequest,
  UpdateVisitorResponse, VisitorContext,
} from './visitor-api.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

type Brief = { id: string; name: string | null; email: string | null; verified: boolean };

holds<Equal<Attachment, { id: string; name: string; type: AttachmentType; size: number }>>();
holds<Equal<AttachmentLink, {
  id: string; name: string; type: AttachmentType; size: number; conversationId: string; messageId: string | null;
  author: 'visitor' | 'agent'; internal: boolean; createdAt: number; url: string; expiresAt: number;
}>>();
holds<Equal<Message, {
  id: string; conversationId: string; seq: number; clientId: string | null; author: 'visitor' | 'agent' | 'system'; agent: AgentRef | null;
  body: string; internal: boolean; system: { kind: 'joined' | 'left' | 'transferred' | 'resolved' | 'reopened'; agentName: string | null } | null;
  createdAt: number; attachments?: Attachment[];
}>>();
holds<Equal<Conversation, {
  id: string; siteId: string; visitorId: string; status: 'waiting' | 'assigned' | 'resolved'; assignee: AgentRef | null;
  visitor: { name: string | null; email: string | null }; createdAt: number; firstResponseAt: number | null; resolvedAt: number | null;
  lastMessageAt: number | null; lastSeq: number; preview: string | null; visitorReadSeq: number; agentReadSeq: number;
  team: TeamRef | null; waitingSince: number | null; unansweredAlerts: number;
}>>();
holds<Equal<MessagePage, { messages: Message[]; hasMore: boolean }>>();
// The schema's truth: the body may be left out when files are sent (the old interface said it was always there).
holds<Equal<SendMessageRequest, { clientId: string; body?: string; attachmentIds?: string[] }>>();
holds<Equal<UploadResponse, { attachment: Attachment }>>();
holds<Equal<AttachmentListResponse, { attachments: AttachmentLink[] }>>();

holds<Equal<VisitorContext, { url?: string; title?: string; referrer?: string; language?: string; timeZone?: string }>>();
holds<Equal<AttributeValue, string | number | boolean | null>>();
holds<Equal<OpenSessionResponse, {
  token: string; visitor: Brief; config: WidgetConfig; availability: { online: boolean }; conversation: Conversation | null; cursor: string;
}>>();
holds<Equal<UpdateVisitorRequest, {
  name?: string; email?: string; attributes?: Record<string, AttributeValue>; context?: VisitorContext; identity?: { id: string; hash: string };
}>>();
holds<Equal<UpdateVisitorResponse, { visitor: Brief; token?: string }>>();
holds<Equal<StreamTicketResponse, { ticket: string; expiresAt: number }>>();
holds<Equal<ResumeResponse, { token: string; conversationId: string; visitor: { id: string; name: string | null; email: string | null } }>>();
holds<Equal<TranscriptRequest, { clientId: string; email?: string }>>();
holds<Equal<RateRequest, { clientId: string; score: number; scale: 'five' | 'thumbs'; comment?: string }>>();
