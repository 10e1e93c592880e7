/**
 * The team inbox's API (protocol INBOX_PATHS: labels, saved views, visitor profiles, merging) as
 * typed functions over the dashboard's one request function, so the CSRF header, error codes and
 * 401 handling are the same as everywhere else. It holds no state of its own.
 */
import {
  AGENT_PATHS, INBOX_PATHS, path, type ConversationListResponse, type Label, type LabelRequest, type MergeVisitorsResponse,
  type SavedView, type SaveViewRequest, type VisitorProfile,
} from '../protocol/protocol.ts';
import type { Call } from './api.ts';

export function createInboxApi(call: Call) {
  const siteLabel = (siteId: string, labelId: string) => path(INBOX_PATHS.siteLabel, { siteId, labelId });
  return {
    labels: () => call<{ labels: Label[] }>('GET', INBOX_PATHS.labels),
    createLabel: (siteId: string, request: LabelRequest) => call<{ label: Label }>('POST', path(INBOX_PATHS.siteLabels, { siteId }), request),
    updateLabel: (siteId: string, labelId: string, patch: Partial<LabelRequest>) => call<{ label: Label }>('PATCH', siteLabel(siteId, labelId), patch),
    deleteLabel: (siteId: string, labelId: string) => call<void>('DELETE', siteLabel(siteId, labelId)),
    /** Puts the label on (PUT) or takes it off (DELETE); answers every label id the conversation has then. */
    setLabel: (conversationId: string, labelId: string, present: boolean) =>
      call<{ labelIds: string[] }>(present ? 'PUT' : 'DELETE', path(INBOX_PATHS.conversationLabel, { conversationId, labelId })),
    views: () => call<{ views: SavedView[] }>('GET', INBOX_PATHS.views),
    saveView: (request: SaveViewRequest) => call<{ view: SavedView }>('POST', INBOX_PATHS.views, request),
    deleteView: (viewId: string) => call<void>('DELETE', path(INBOX_PATHS.view, { viewId })),
    visitor: (visitorId: string) => call<VisitorProfile>('GET', path(INBOX_PATHS.visitor, { visitorId })),
    merge: (intoId: string, fromId: string) => call<MergeVisitorsResponse>('POST', path(INBOX_PATHS.merge, { visitorId: intoId }), { from: fromId }),
    /** Every conversation the search finds, whatever its view: where the other visitor of a merge is looked for. */
    find: (q: string) => call<ConversationListResponse>('GET', `${AGENT_PATHS.conversations}?${new URLSearchParams({ view: 'all', q, limit: '50' })}`),
  };
}

export type InboxApi = ReturnType<typeof createInboxApi>;
