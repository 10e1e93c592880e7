/**
 * Reply or internal note. Enter sends, Shift+Enter adds a line. The text is a draft per
 * conversation (kept across session expiry and reloads); typing is announced for replies only.
 * Typing `/` opens the canned responses (issue 4): Enter or Tab inserts, Esc closes.
 */
import { useRef, useState } from 'preact/hooks';
import { LIMITS, type CannedResponse, type Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { available, matching } from '../state/canned.ts';
import { drafts } from '../state/drafts.ts';
import { CannedPicker, insertCanned, slashQuery } from './canned-picker.tsx';
import { EmailToggle } from '../email/email-toggle.tsx';
import { AttachButton, ComposerFiles, filesIn, rulesOf } from '../attachments/composer-files.tsx';
import { stagedFor } from '../attachments/attachments-state.ts';

export function Composer({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const [internal, setInternal] = useState(false);
  const [emailIt, setEmailIt] = useState(true);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** Where the `/` was when the agent pressed Esc: the list stays closed for that word. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const text = drafts.value[conversation.id] ?? '';
  const slash = slashQuery(text, caret);
  const open = slash !== null && slash.start !== dismissed;
  const items = open ? matching(available.value.filter((c) => c.siteId === conversation.siteId), slash.typed).slice(0, 8) : [];
  // Files (issue 13): sent once every staged one is uploaded; a refused one must be removed first.
  const files = stagedFor(conversation.id);
  const filesReady = files.every((f) => f.attachment);
  const canSend = (!!text.trim() || files.length > 0) && filesReady;
  const send = () => {
    if (!canSend) return;
    void controller.sendReply(conversation.id, text, internal, !emailIt, controller.attachments.take(conversation.id));
    setEmailIt(true);
  };
  const [dropping, setDropping] = useState(false);
  const takeFiles = (data: DataTransfer | null) => {
    const picked = filesIn(data);
    const rules = rulesOf(conversation);
    if (picked.length && rules) controller.attachments.stage(conversation.id, picked, rules);
    return picked.length > 0;
  };
  const pick = (item: CannedResponse) => {
    if (!slash) return;
    const next = insertCanned(text, caret, slash.start, item.body);
    controller.composing(conversation.id, next.text, internal);
    setCaret(next.caret);
    requestAnimationFrame(() => field.current?.setSelectionRange(next.caret, next.caret));
  };
  const track = (element: HTMLTextAreaElement) => setCaret(element.selectionStart ?? element.value.length);
  return (
    <form
      class={`composer ${internal ? 'composer-note' : ''} ${dropping ? 'dropping' : ''}`}
      onDragOver={(event) => { if (event.dataTransfer?.types.includes('Files')) { event.preventDefault(); setDropping(true); } }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => { setDropping(false); if (takeFiles(event.dataTransfer)) event.preventDefault(); }}
      onPaste={(event) => { if (takeFiles(event.clipboardData)) event.preventDefault(); }}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div class="composer-modes" role="radiogroup" aria-label="Message type">
        <button type="button" role="radio" aria-checked={!internal} class="mode" onClick={() => setInternal(false)}>Reply</button>
        <button type="button" role="radio" aria-checked={internal} class="mode" onClick={() => setInternal(true)}>Internal note</button>
      </div>
      {open && <CannedPicker items={items} active={Math.min(active, Math.max(0, items.length - 1))} onPick={pick} />}
      <textarea
        ref={field}
        id="composer-input"
        aria-label={internal ? 'Internal note (only agents see it)' : 'Reply to the visitor'}
        placeholder={internal ? 'Write a note for your team — the visitor never sees it' : 'Write a reply… (Enter to send, Shift+Enter for a new line, / for canned responses)'}
        rows={3}
        maxLength={LIMITS.messageBodyMax}
        value={text}
        aria-controls={open ? 'canned-picker' : undefined}
        aria-autocomplete="list"
        onInput={(event) => {
          track(event.currentTarget);
          setActive(0);
          controller.composing(conversation.id, event.currentTarget.value, internal);
        }}
        onKeyUp={(event) => { if (/^Arrow(Left|Right)|Home|End$/.test(event.key)) track(event.currentTarget); }}
        onClick={(event) => track(event.currentTarget)}
        onKeyDown={(event) => {
          if (open && !event.isComposing) {
            if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); setDismissed(slash.start); return; }
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              const n = items.length || 1;
              setActive((i) => (Math.min(i, n - 1) + (event.key === 'ArrowDown' ? 1 : n - 1)) % n);
              return;
            }
            if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && items.length > 0) {
              event.preventDefault();
              pick(items[Math.min(active, items.length - 1)]!);
              return;
            }
          }
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <ComposerFiles conversation={conversation} />
      <div class="composer-foot">
        <AttachButton conversation={conversation} />
        <span class="muted small">{internal ? 'Visible to agents only' : conversation.status === 'waiting' ? 'Replying claims this conversation' : ''}</span>
        {!internal && <EmailToggle conversationId={conversation.id} checked={emailIt} onChange={setEmailIt} />}
        <button type="submit" class="primary" disabled={!canSend}>{internal ? 'Add note' : 'Send'}</button>
      </div>
    </form>
  );
}
