/**
 * The owner API (protocol ADMIN_PATHS) as typed functions over the dashboard's one request
 * function, so the CSRF header, error codes and 401 handling are the same as everywhere else.
 * Agents get 403 PARLEY_ERR_FORBIDDEN from every one of these.
 */
import {
  ADMIN_PATHS, path, type AdminSite, type CannedResponse, type InviteRequest, type LinkResponse, type SiteSecretResponse,
  type UpdateSiteRequest, type UpdateUserRequest, type User, type AgentStatus,
} from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export type TeamMember = User & { status: AgentStatus };

export function createAdminApi(call: Call) {
  const site = (template: string, siteId: string, extra: Record<string, string> = {}) => path(template, { siteId, ...extra });
  return {
    sites: () => call<{ sites: AdminSite[] }>('GET', ADMIN_PATHS.sites),
    createSite: (name: string, allowedOrigins: string[] = []) => call<SiteSecretResponse>('POST', ADMIN_PATHS.sites, { name, allowedOrigins }),
    updateSite: (siteId: string, patch: UpdateSiteRequest) => call<{ site: AdminSite }>('PATCH', site(ADMIN_PATHS.site, siteId), patch),
    rotateSecret: (siteId: string) => call<SiteSecretResponse>('POST', site(ADMIN_PATHS.rotateSecret, siteId), {}),
    canned: (siteId: string) => call<{ canned: CannedResponse[] }>('GET', site(ADMIN_PATHS.canned, siteId)),
    addCanned: (siteId: string, shortcut: string, body: string) =>
      call<{ canned: CannedResponse }>('POST', site(ADMIN_PATHS.canned, siteId), { shortcut, body }),
    deleteCanned: (siteId: string, cannedId: string) => call<void>('DELETE', site(ADMIN_PATHS.cannedItem, siteId, { cannedId })),
    deleteVisitor: (visitorId: string) => call<void>('DELETE', path(ADMIN_PATHS.visitor, { visitorId })),
    users: () => call<{ users: TeamMember[] }>('GET', ADMIN_PATHS.users),
    invite: (request: InviteRequest) => call<LinkResponse>('POST', ADMIN_PATHS.invites, request),
    updateUser: (userId: string, patch: UpdateUserRequest) => call<{ user: User }>('PATCH', path(ADMIN_PATHS.user, { userId }), patch),
    passwordReset: (userId: string) => call<LinkResponse>('POST', path(ADMIN_PATHS.passwordReset, { userId }), {}),
  };
}

/** A plain link: the browser downloads with the session cookie, no JavaScript involved. */
export const exportUrl = (siteId: string, format: 'json' | 'csv'): string => `${path(ADMIN_PATHS.export, { siteId })}?format=${format}`;

export type AdminApi = ReturnType<typeof createAdminApi>;
