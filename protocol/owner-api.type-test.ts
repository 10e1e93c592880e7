/**
 * Compile-time checks that the owner API's derived types (admin-api.ts, email-api.ts,
 * ratings-api.ts, reports-api.ts, webhooks-api.ts) say exactly what the hand-written interfaces
 * they replaced said, so no importer lost precision, and that the export's schema lists every field
 * the store gives it. Types only; nothing here runs.
 */
import type { AdminSite, BusinessHours, Site, TeamMember, UpdateSiteRequest, User, WidgetConfig } from './admin-api.ts';
import type { MessageEmailsResponse, SiteEmailSettings } from './email-api.ts';
import type { Rating } from './ratings-api.ts';
import type { ReportResponse } from './reports-api.ts';
import type { WebhookDelivery, WebhookDeliveryType, WebhookEndpoint, WebhookEventType } from './protocol.ts';
// The store's row of the export (not a protocol type), held to the schema that serialises it: a field it
// gained and the schema lacked would silently vanish from the download.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const holds = <T extends true>(): T | undefined => undefined;
type Flat<T> = { [K in keyof T]: T[K] };

type Requirement = 'off' | 'optional' | 'required';
type AgentRef = { id: string; name: string; avatarUrl: string | null };
type Hours = { timeZone: string; days: Array<Array<[string, string]>> };

holds<Equal<BusinessHours, Hours>>();
holds<Equal<WidgetConfig, {
  siteId: string; teamName: string; avatarUrl: string | null; greeting: string; awayMessage: string; color: string;
  position: 'right' | 'left'; launcherLabel: string; theme: 'light' | 'dark' | 'auto'; locale: string | null;
  preChat: { name: Requirement; email: Requirement }; whenAway: 'email' | 'hide'; businessHours: Hours | null;
  requireVerifiedIdentity: boolean; whenUnverified?: 'message' | 'hide'; emailReplies?: boolean;
  attachments: { visitors: boolean; maxBytes: number; types: WidgetConfig['attachments']['types'] };
  rating: { enabled: boolean; scale: 'five' | 'thumbs'; question: string };
}>>();
holds<Equal<Site, { id: string; name: string; allowedOrigins: string[]; widget: WidgetConfig; retentionDays: number | null; createdAt: number }>>();
holds<Equal<AdminSite, Flat<Site & { snippet: string }>>>();
holds<Equal<User, {
  id: string; email: string; name: string; role: 'owner' | 'agent'; avatarUrl: string | null; disabled: boolean; siteIds: string[]; createdAt: number;
}>>();
holds<Equal<TeamMember, Flat<User & { status: 'online' | 'away' }>>>();
// What the owner may change of a widget: all but its id and the server's emailReplies, nested objects whole.
holds<Equal<NonNullable<UpdateSiteRequest['widget']>, Partial<Omit<WidgetConfig, 'siteId' | 'emailReplies'>>>>();

holds<Equal<Rating, {
  conversationId: string; siteId: string; score: number; scale: 'five' | 'thumbs'; comment: string | null; agent: AgentRef | null; createdAt: number;
}>>();
holds<Equal<ReportResponse['total']['ratings']['scores'], [number, number, number, number, number]>>();
holds<Equal<ReportResponse['agents'][number]['agent'], AgentRef | null>>();
holds<Equal<ReportResponse['days'][number]['date'], string>>();

holds<Equal<MessageEmailsResponse['emailing'], { configured: boolean; address: string | null; unsubscribed: boolean }>>();
holds<Equal<SiteEmailSettings, { configured: boolean; from: string | null; replyDomain: string | null; replyDelayMinutes: number; alertDelayMinutes: number }>>();

holds<Equal<WebhookEndpoint['events'], WebhookEventType[]>>();
holds<Equal<WebhookEndpoint['health'], 'healthy' | 'failing' | 'paused'>>();
holds<Equal<WebhookDelivery['type'], WebhookDeliveryType>>();
holds<Equal<WebhookDelivery['last'], {
  at: number; ok: boolean; statusCode: number | null; latencyMs: number; error: string | null; responseSnippet: string | null;
} | null>>();

