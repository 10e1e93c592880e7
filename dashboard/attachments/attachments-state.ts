/**
 * Files in the dashboard (issue 13): what the composer holds before sending (per conversation:
 * uploading with progress, uploaded, or refused with the reason), the signed links of files shown
 * in conversations and in the visitor panel, and the visitor's files. Changed only through the
 * functions here, by attachment-intents.ts.
 */
import { signal } from '@preact/signals';
import type { Attachment, AttachmentLink } from '../../protocol/protocol.ts';

export interface StagedFile {
  /** Also the upload's clientId, so a retried upload stores one file. */
  key: string;
  name: string;
  size: number;
  /** A local preview for pictures (an object URL), until the server's link is there. */
  preview: string | null;
  /** 0–1 while uploading. */
  progress: number;
  attachment: Attachment | null;
  error: string | null;
}

export const staged = signal<Record<string, StagedFile[]>>({});
export const links = signal<Record<string, AttachmentLink>>({});
export const visitorFiles = signal<{ visitorId: string; files: AttachmentLink[] } | null>(null);

export const stagedFor = (conversationId: string): StagedFile[] => staged.value[conversationId] ?? [];

export function setStaged(conversationId: string, files: StagedFile[]): void {
  staged.value = { ...staged.value, [conversationId]: files };
}

export function updateStaged(conversationId: string, key: string, change: Partial<StagedFile>): void {
  setStaged(conversationId, stagedFor(conversationId).map((f) => (f.key === key ? { ...f, ...change } : f)));
}

export function linksLoaded(list: AttachmentLink[]): void {
  links.value = { ...links.value, ...Object.fromEntries(list.map((link) => [link.id, link])) };
}

export function visitorFilesLoaded(visitorId: string, files: AttachmentLink[]): void {
  visitorFiles.value = { visitorId, files };
  linksLoaded(files);
}
