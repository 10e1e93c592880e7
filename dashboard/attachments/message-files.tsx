/** The files a message carries, under its text (issue 13); asks for fresh links when they are missing or about to expire. */
import { useEffect } from 'preact/hooks';
import type { Message } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { links } from './attachments-state.ts';
import { FileView } from './file-view.tsx';
import './attachments.css';

export function MessageFiles({ message }: { message: Message }) {
  const controller = useController();
  const files = message.attachments ?? [];
  const ids = files.map((f) => f.id).join();
  useEffect(() => {
    if (files.length) void controller.attachments.ensureLinks(message.conversationId, files.map((f) => f.id));
  }, [ids, links.value]);
  if (!files.length) return null;
  return (
    <div class="files" aria-label={`${files.length} ${files.length === 1 ? 'file' : 'files'}`}>
      {files.map((file) => <FileView key={file.id} file={file} link={links.value[file.id]} />)}
    </div>
  );
}
