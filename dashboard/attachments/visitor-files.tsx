/** The visitor panel's list of every file in the visitor's conversations, newest first (issue 13). */
import { useEffect } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { messages } from '../state/conversation.ts';
import { visitorFiles } from './attachments-state.ts';
import { FileView } from './file-view.tsx';
import './attachments.css';

export function VisitorFiles({ visitorId }: { visitorId: string }) {
  const controller = useController();
  // Again whenever the open conversation gets files, so the list stays complete.
  const shown = messages.value.reduce((n, m) => n + (m.attachments?.length ?? 0), 0);
  useEffect(() => void controller.attachments.loadVisitorFiles(visitorId), [visitorId, shown]);
  const loaded = visitorFiles.value?.visitorId === visitorId ? visitorFiles.value.files : null;
  if (!loaded?.length) return null;
  return (
    <>
      <h3>Files</h3>
      <ul class="visitor-files">
        {loaded.map((file) => (
          <li key={file.id}><FileView file={file} link={file} card /></li>
        ))}
      </ul>
    </>
  );
}
