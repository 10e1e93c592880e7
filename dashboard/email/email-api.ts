/**
 * Outbound email's agent and owner API (protocol AGENT_EMAIL_PATHS) over the dashboard's one
 * request function, so the CSRF header, error codes and 401 handling are the same as everywhere.
 */
import {
  AGENT_EMAIL_PATHS, path, type EmailAlertsResponse, type MessageEmailsResponse, type SiteEmailSettings, type UpdateSiteEmailRequest,
} from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export function createEmailApi(call: Call) {
  return {
    messageEmails: (conversationId: string) => call<MessageEmailsResponse>('GET', path(AGENT_EMAIL_PATHS.messageEmails, { conversationId })),
    alerts: () => call<EmailAlertsResponse>('GET', AGENT_EMAIL_PATHS.alerts),
    setAlerts: (enabled: boolean) => call<EmailAlertsResponse>('PATCH', AGENT_EMAIL_PATHS.alerts, { enabled }),
    siteEmail: (siteId: string) => call<SiteEmailSettings>('GET', path(AGENT_EMAIL_PATHS.siteEmail, { siteId })),
    updateSiteEmail: (siteId: string, patch: UpdateSiteEmailRequest) => call<SiteEmailSettings>('PATCH', path(AGENT_EMAIL_PATHS.siteEmail, { siteId }), patch),
  };
}

export type EmailApi = ReturnType<typeof createEmailApi>;
