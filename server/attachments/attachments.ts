/**
 * Attachments (issue 13) as the routes use them: an upload from bytes to a stored record
 * (idempotent by clientId: a retried upload stores one file), signed links for records a caller
 * may see, and the sweep that deletes the bytes of files whose conversation is gone or that were
 * never sent within a day. Who may upload or see what is the routes' to check; this module only
 * does what they decide.
 */
import type { Attachment, AttachmentLink, Site } from '../../protocol/protocol.ts';
import type { Clock } from '../clock.ts';
import type { FileStorage } from '../files/file-storage.ts';
import { ParleyError } from '../http/errors.ts';
import { newId } from '../store/rows.ts';
import type { AttachmentRecord, Store } from '../store/store.ts';
import { limitBytes, receiveUpload, tooLarge } from './receive-upload.ts';
import { safeFileName } from './safe-name.ts';
import { signLink } from './signed-link.ts';

/** Uploads never sent are deleted after this long (and the bytes of crashed uploads). */
export const UNSENT_KEPT_MS = 24 * 3600_000;
const SWEEP_BATCH = 500;

export interface UploadInput {
  site: Site;
  conversationId: string;
  clientId: string;
  /** The name the sender gave; sanitised here. */
  name: string;
  author: 'visitor' | 'agent';
  agentId: string | null;
  /** The request body, as it arrives. */
  body: AsyncIterable<Uint8Array>;
  /** Content-Length, when the sender said: a file declared too large is refused before a byte is read. */
  declaredBytes: number | null;
}

export function createAttachments({ store, files, clock, serverSecret }: { store: Store; files: FileStorage; clock: Clock; serverSecret: string }) {
  const brief = ({ id, name, type, size }: AttachmentRecord): Attachment => ({ id, name, type, size });

  return {
    files,

    async upload(input: UploadInput): Promise<{ attachment: Attachment; created: boolean }> {
      const settings = input.site.widget.attachments;
      if (input.declaredBytes !== null && input.declaredBytes > settings.maxBytes) throw tooLarge(settings.maxBytes);
      const sameSender = (record: AttachmentRecord) => record.author === input.author && record.agentId === input.agentId;
      const prior = await store.findAttachment(input.conversationId, input.clientId);
      if (prior) {
        if (!sameSender(prior)) throw new ParleyError('CLIENT_ID_REUSED', 'This clientId was already used for another file; generate a new id for each file.');
        // A retry: the bytes are read (up to the limit) and dropped; the file is stored once.
        for await (const _ of limitBytes(input.body, settings.maxBytes)) { /* dropped */ }
        return { attachment: brief(prior), created: false };
      }
      const id = newId('f');
      const { type, size } = await receiveUpload(files, id, input.body, settings);
      let stored: { value: AttachmentRecord; created: boolean };
      try {
        stored = await store.createAttachment({
          id, siteId: input.site.id, conversationId: input.conversationId, clientId: input.clientId,
          author: input.author, agentId: input.agentId, name: safeFileName(input.name, type), type, size,
        });
      } catch (error) {
        await files.delete(id).catch(() => {});
        throw error;
      }
      // Two attempts with one clientId at once: the other stored the record first; ours goes.
      if (!stored.created) {
        await files.delete(id);
        if (!sameSender(stored.value)) throw new ParleyError('CLIENT_ID_REUSED', 'This clientId was already used for another file; generate a new id for each file.');
      }
      return { attachment: brief(stored.value), created: stored.created };
    },

    /** Records with a signed link each, for a caller allowed to see them. */
    links(records: AttachmentRecord[]): AttachmentLink[] {
      const now = clock.now();
      return records.map((r) => ({
        ...brief(r), conversationId: r.conversationId, messageId: r.messageId, author: r.author, internal: r.internal, createdAt: r.createdAt,
        ...signLink(serverSecret, r.id, now),
      }));
    },

    /**
     * Deletes the bytes of every file whose conversation was deleted (a visitor's data, retention)
     * or that was never sent within a day, then their records; and bytes more than a day old that
     * no record names (a crash between writing them and recording them). Safe to run anywhere,
     * any time, concurrently: each step is idempotent.
     */
    async sweep(): Promise<number> {
      const before = clock.now() - UNSENT_KEPT_MS;
      let deleted = 0;
      for (;;) {
        const ids = await store.sweepAttachments(before, SWEEP_BATCH);
        for (const id of ids) await files.delete(id);
        await store.forgetAttachments(ids);
        deleted += ids.length;
        if (ids.length < SWEEP_BATCH) break;
      }
      for (let after: string | null = null; ;) {
        const keys = await files.keysBefore(before, after, SWEEP_BATCH);
        const known = new Set(await store.knownAttachments(keys));
        for (const key of keys) if (!known.has(key)) await files.delete(key);
        if (keys.length < SWEEP_BATCH) break;
        after = keys.at(-1)!;
      }
      return deleted;
    },
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
