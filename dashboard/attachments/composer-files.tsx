/**
 * The composer's files (issue 13): the attach button, and each staged file with its upload
 * progress, or why it was refused (with retry after a failed upload); plus what the composer needs
 * to take files dropped on it or pasted into it (a screenshot from the clipboard).
 */
import { useRef } from 'preact/hooks';
import type { AttachmentSettings, Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { sitesById } from '../state/session.ts';
import { stagedFor } from './attachments-state.ts';
import { formatSize } from './file-rules.ts';
import './attachments.css';

/** The site's rules; the defaults until the site is known. */
export function rulesOf(conversation: Conversation): AttachmentSettings | null {
  return sitesById.value.get(conversation.siteId)?.widget.attachments ?? null;
}

/** Files in a drop or a paste, if any (a pasted screenshot is a file item of the clipboard). */
export function filesIn(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length) return files;
  return [...data.items].filter((item) => item.kind === 'file').map((item) => item.getAsFile()).filter((f): f is File => !!f);
}

export function ComposerFiles({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const list = stagedFor(conversation.id);
  if (!list.length) return null;
  return (
    <ul class="staged" aria-label="Files to send">
      {list.map((file) => (
        <li key={file.key} class={`staged-item ${file.error ? 'refused' : ''}`}>
          {file.preview && <img src={file.preview} alt="" />}
          <span class="file-text">
            <span class="file-name">{file.name}</span>
            <span class="file-size">{formatSize(file.size)}</span>
            {file.error
              ? <span class="error small" role="alert">{file.error} {!/Too large|not accepted|empty/.test(file.error) && <button type="button" class="link" onClick={() => controller.attachments.retry(conversation.id, file.key)}>Retry</button>}</span>
              : !file.attachment && <span class="progress" role="progressbar" aria-label={`Uploading ${file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(file.progress * 100)}><span style={{ width: `${Math.round(file.progress * 100)}%` }} /></span>}
          </span>
          <button type="button" class="remove" aria-label={`Remove ${file.name}`} onClick={() => controller.attachments.unstage(conversation.id, file.key)}>×</button>
        </li>
      ))}
    </ul>
  );
}

export function AttachButton({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  const rules = rulesOf(conversation);
  if (!rules) return null;
  return (
    <label class="attach ghost button-like" title="Attach files (or drop them here, or paste a screenshot)">
      <input
        ref={input}
        type="file"
        multiple
        aria-label="Attach files"
        onChange={(event) => {
          controller.attachments.stage(conversation.id, [...(event.currentTarget.files ?? [])], rules);
          event.currentTarget.value = '';
        }}
      />
      <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7" /></svg> Attach
    </label>
  );
}
