/**
 * What agents do with files (issue 13): stage files for the composer (picked, dropped or pasted),
 * checked against the site's rules before any byte is sent and uploaded at once with progress (a
 * retry of the same staged file reuses its clientId: one file stored); send them with a reply or a
 * note; fetch fresh signed links for the files a conversation or the visitor panel shows.
 */
import { nanoid } from 'nanoid';
import { ADMIN_PATHS, AGENT_PATHS, CSRF_HEADER, path, type AttachmentListResponse, type AttachmentUsage, type AttachmentSettings, type ErrorBody, type UploadResponse } from '../../protocol/protocol.ts';
import type { ControllerDeps } from '../intents/deps.ts';
import { csrfToken } from '../state/session.ts';
import { linksLoaded, setStaged, stagedFor, updateStaged, visitorFilesLoaded, links, type StagedFile } from './attachments-state.ts';
import { refusal } from './file-rules.ts';

/** Links are fetched again this long before they expire. */
const REFRESH_BEFORE_MS = 60_000;

export function createAttachmentIntents(deps: ControllerDeps) {
  const { api } = deps;
  const asking = new Set<string>();

  function upload(conversationId: string, file: Blob, key: string): void {
    const request = new XMLHttpRequest();
    const query = new URLSearchParams({ clientId: key, name: (file as File).name || 'pasted image.png' });
    request.open('POST', `${path(AGENT_PATHS.attachments, { conversationId })}?${query}`);
    request.setRequestHeader('content-type', 'application/octet-stream');
    const token = csrfToken();
    if (token) request.setRequestHeader(CSRF_HEADER, token);
    request.upload.onprogress = (event) => event.lengthComputable && updateStaged(conversationId, key, { progress: event.loaded / event.total });
    request.onload = () => {
      let body: Partial<UploadResponse & ErrorBody> = {};
      try { body = JSON.parse(request.responseText); } catch { /* not ours */ }
      if (request.status < 300 && body.attachment) updateStaged(conversationId, key, { attachment: body.attachment, progress: 1, error: null });
      else updateStaged(conversationId, key, { error: body.error?.message ?? `The upload failed (HTTP ${request.status}).`, progress: 0 });
    };
    request.onerror = () => updateStaged(conversationId, key, { error: 'The server cannot be reached; retry when you are back online.', progress: 0 });
    request.send(file);
  }

  const files = new Map<string, Blob>();

  return {
    /** Picked, dropped or pasted files: refused at once when the site would refuse them, else uploaded. */
    stage(conversationId: string, picked: File[], rules: AttachmentSettings): void {
      const added: StagedFile[] = picked.map((file) => {
        const key = nanoid();
        const error = refusal(file, rules);
        files.set(key, file);
        return {
          key, name: file.name || 'pasted image.png', size: file.size, progress: 0, attachment: null, error,
          preview: !error && /^image\/(png|jpeg|gif|webp)$/.test(file.type) ? URL.createObjectURL(file) : null,
        };
      });
      setStaged(conversationId, [...stagedFor(conversationId), ...added]);
      for (const item of added) if (!item.error) upload(conversationId, files.get(item.key)!, item.key);
    },
    retry(conversationId: string, key: string): void {
      const file = files.get(key);
      if (!file) return;
      updateStaged(conversationId, key, { error: null, progress: 0 });
      upload(conversationId, file, key);
    },
    unstage(conversationId: string, key: string): void {
      const item = stagedFor(conversationId).find((f) => f.key === key);
      if (item?.preview) URL.revokeObjectURL(item.preview);
      files.delete(key);
      setStaged(conversationId, stagedFor(conversationId).filter((f) => f.key !== key));
    },
    /** The uploaded files' ids, taken out of the composer (called as the reply is handed to the outbox). */
    take(conversationId: string): string[] {
      const ready = stagedFor(conversationId).filter((f) => f.attachment);
      for (const item of ready) {
        if (item.preview) URL.revokeObjectURL(item.preview);
        files.delete(item.key);
      }
      setStaged(conversationId, stagedFor(conversationId).filter((f) => !f.attachment));
      return ready.map((f) => f.attachment!.id);
    },

    /** Signed links for these files of a conversation, unless fresh ones are here already. */
    async ensureLinks(conversationId: string, ids: string[]): Promise<void> {
      const stale = ids.some((id) => !links.value[id] || links.value[id]!.expiresAt - deps.now() < REFRESH_BEFORE_MS);
      if (!stale || asking.has(conversationId)) return;
      asking.add(conversationId);
      try {
        linksLoaded((await api.call<AttachmentListResponse>('GET', path(AGENT_PATHS.attachments, { conversationId }))).attachments);
      } catch { /* shown as "file unavailable"; asked again on the next render */ } finally {
        asking.delete(conversationId);
      }
    },
    /** What a site stores, for its owner's settings. */
    usage: (siteId: string) => api.call<AttachmentUsage>('GET', path(ADMIN_PATHS.attachmentUsage, { siteId })),
    async loadVisitorFiles(visitorId: string): Promise<void> {
      try {
        visitorFilesLoaded(visitorId, (await api.call<AttachmentListResponse>('GET', path(AGENT_PATHS.visitorAttachments, { visitorId }))).attachments);
      } catch {
        visitorFilesLoaded(visitorId, []);
      }
    },
  };
}

export type AttachmentIntents = ReturnType<typeof createAttachmentIntents>;
