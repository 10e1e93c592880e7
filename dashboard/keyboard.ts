/**
 * Queue and conversation shortcuts (issue 4): j/k move through the queue, Enter opens, e resolves,
 * ? lists them, Escape closes dialogs. Ignored while typing in a field, so they never eat text.
 */
import type { Controller } from './controller.ts';
import { current } from './state/conversation.ts';
import { shortcutsOpen, showShortcuts } from './state/ui.ts';

export const SHORTCUTS: Array<[string, string]> = [
  ['j', 'Next conversation in the queue'],
  ['k', 'Previous conversation in the queue'],
  ['Enter', 'Open the selected conversation'],
  ['e', 'Resolve the open conversation'],
  ['r', 'Reply: focus the composer'],
  ['l', 'Labels of the open conversation'],
  ['/', 'Canned responses (in the composer: Enter or Tab inserts, Esc closes)'],
  ['?', 'Show this list'],
  ['Esc', 'Close this list'],
];

const typingInField = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

export function installKeyboard(target: Window, controller: Controller): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape' && shortcutsOpen.value) {
      showShortcuts(false);
      return;
    }
    if (typingInField(event.target) || event.defaultPrevented) return;
    // Enter on a focused button or link is that control's own business.
    if (event.key === 'Enter' && event.target instanceof HTMLElement && /^(BUTTON|A)$/.test(event.target.tagName)) return;
    switch (event.key) {
      case 'j': controller.moveCursor(1); break;
      case 'k': controller.moveCursor(-1); break;
      case 'Enter': controller.openCursor(); break;
      case 'e': {
        const c = current.value;
        if (c && c.status !== 'resolved') void controller.resolve(c.id);
        break;
      }
      case 'r': target.document.getElementById('composer-input')?.focus(); break;
      case 'l': target.document.getElementById('labels-button')?.click(); break;
      case '/': {
        // Into the composer with a `/`, which opens the canned responses.
        const c = current.value;
        const field = target.document.getElementById('composer-input');
        if (!c || !(field instanceof HTMLTextAreaElement)) return;
        field.focus();
        const at = field.value.length;
        field.setRangeText(at > 0 && !/\s$/.test(field.value) ? ' /' : '/', at, at, 'end');
        field.dispatchEvent(new Event('input', { bubbles: true }));
        break;
      }
      case '?': showShortcuts(!shortcutsOpen.value); break;
      default: return;
    }
    event.preventDefault();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
