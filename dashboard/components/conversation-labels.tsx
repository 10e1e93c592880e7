/**
 * The open conversation's labels (issue 14): each with a × to take it off, and "+ Label" (or the
 * `l` key) opening a checklist of the site's labels, filtered as you type. Plain checkboxes, so
 * Tab, Space and Esc do what a keyboard user expects; every agent's dashboard follows live.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { hasLabel, labelsBySite, labelsOf } from '../state/labels.ts';
import { LabelChip } from './label-chip.tsx';
import { Popover } from './popover.tsx';

export function ConversationLabels({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const available = labelsBySite.value.get(conversation.siteId) ?? [];
  const current = labelsOf(conversation.id);
  useEffect(() => setOpen(false), [conversation.id]);
  if (available.length === 0 && current.length === 0) return null;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div class="conversation-labels" role="group" aria-label="Labels">
      {current.map((label) => (
        <LabelChip key={label.id} label={label} onRemove={() => void controller.teamInbox.setLabel(conversation.id, label.id, false)} />
      ))}
      <div class="popover-anchor">
        <button
          ref={button}
          id="labels-button"
          type="button"
          class="ghost small-button"
          aria-expanded={open}
          aria-controls="label-menu"
          aria-keyshortcuts="l"
          onClick={() => setOpen(!open)}
        >
          + Label
        </button>
        {open && <LabelMenu conversation={conversation} onClose={close} />}
      </div>
    </div>
  );
}

function LabelMenu({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const controller = useController();
  const [typed, setTyped] = useState('');
  const filter = useRef<HTMLInputElement>(null);
  const available = labelsBySite.value.get(conversation.siteId) ?? [];
  const shown = available.filter((label) => label.name.toLowerCase().includes(typed.trim().toLowerCase()));
  // Opened from the button or the `l` key: the keyboard is in the filter at once.
  return (
    <Popover id="label-menu" class="label-menu" label="Labels for this conversation" focus={filter} onClose={onClose}>
      <input ref={filter} type="search" class="popover-filter" placeholder="Find a label" aria-label="Find a label" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      {shown.length === 0 ? <p class="muted small">No label matches.</p> : (
        <ul class="label-options">
          {shown.map((label) => (
            <li key={label.id}>
              <label class="inline">
                <input
                  type="checkbox"
                  checked={hasLabel(conversation.id, label.id)}
                  onChange={(event) => void controller.teamInbox.setLabel(conversation.id, label.id, event.currentTarget.checked)}
                />
                <span class="swatch" style={{ background: label.color }} aria-hidden="true" />
                {label.name}
              </label>
            </li>
          ))}
        </ul>
      )}
    </Popover>
  );
}
