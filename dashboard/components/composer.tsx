/**
 * Reply or internal note. Enter sends, Shift+Enter adds a line. The text is a draft per
 * conversation (kept across session expiry and reloads); typing is announced for replies only.
 */
import { useState } from 'preact/hooks';
import { LIMITS, type Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { drafts } from '../state/drafts.ts';

export function Composer({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const [internal, setInternal] = useState(false);
  const text = drafts.value[conversation.id] ?? '';
  const send = () => {
    if (text.trim()) void controller.sendReply(conversation.id, text, internal);
  };
  return (
    <form
      class={`composer ${internal ? 'composer-note' : ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div class="composer-modes" role="radiogroup" aria-label="Message type">
        <button type="button" role="radio" aria-checked={!internal} class="mode" onClick={() => setInternal(false)}>Reply</button>
        <button type="button" role="radio" aria-checked={internal} class="mode" onClick={() => setInternal(true)}>Internal note</button>
      </div>
      <textarea
        id="composer-input"
        aria-label={internal ? 'Internal note (only agents see it)' : 'Reply to the visitor'}
        placeholder={internal ? 'Write a note for your team — the visitor never sees it' : 'Write a reply… (Enter to send, Shift+Enter for a new line)'}
        rows={3}
        maxLength={LIMITS.messageBodyMax}
        value={text}
        onInput={(event) => controller.composing(conversation.id, event.currentTarget.value, internal)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-foot">
        <span class="muted small">{internal ? 'Visible to agents only' : conversation.status === 'waiting' ? 'Replying claims this conversation' : ''}</span>
        <button type="submit" class="primary" disabled={!text.trim()}>{internal ? 'Add note' : 'Send'}</button>
      </div>
    </form>
  );
}
