/**
 * A label as agents see it (issue 14): its name on its colour, in whichever ink — white or
 * near-black — reads better on that colour (lib/contrast.ts), so an owner's colour never makes a
 * name unreadable in either theme. Optionally with a × to take it off.
 */
import type { Label } from '../../protocol/protocol.ts';
import { contrastRatio } from '../lib/contrast.ts';
import { labelsOf } from '../state/labels.ts';

const LIGHT_INK = '#ffffff';
const DARK_INK = '#111111';

/** The ink with the better contrast on a label's colour. */
export const inkOn = (color: string): string => (contrastRatio(color, LIGHT_INK) >= contrastRatio(color, DARK_INK) ? LIGHT_INK : DARK_INK);

/** How readable a label's name is on its colour, with the better ink. */
export const labelContrast = (color: string): number => contrastRatio(color, inkOn(color));

export function LabelChip({ label, onRemove }: { label: Label; onRemove?: () => void }) {
  return (
    <span class="label-chip" style={{ background: label.color, color: inkOn(label.color) }} data-label-id={label.id}>
      <span class="label-name">{label.name}</span>
      {onRemove && (
        <button type="button" class="label-remove" aria-label={`Remove label ${label.name}`} title={`Remove ${label.name}`} onClick={onRemove}>×</button>
      )}
    </span>
  );
}

/** The labels of a queue row, or nothing. */
export function ConversationLabelList({ conversationId }: { conversationId: string }) {
  const list = labelsOf(conversationId);
  if (list.length === 0) return null;
  return (
    <span class="label-list" aria-label={`Labels: ${list.map((l) => l.name).join(', ')}`}>
      {list.map((label) => <LabelChip key={label.id} label={label} />)}
    </span>
  );
}
