/**
 * A small panel opened from a button (the label checklist, the saved views): the keyboard is in it
 * at once (its `focus` element), and Esc or a click anywhere outside its anchor closes it — the
 * anchor's own button toggles it instead, and gets the focus back (the caller's onClose does that).
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

export function Popover({ id, class: className, label, focus, onClose, children }: {
  id: string;
  class: string;
  label: string;
  focus: RefObject<HTMLElement | null>;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const root = useRef<HTMLDivElement>(null);
  // Before the browser paints, not after (useEffect): a key typed right after the one that opened
  // the panel lands in it, never on the page behind.
  useLayoutEffect(() => focus.current?.focus(), []);
  useEffect(() => {
    const away = (event: MouseEvent) => {
      if (root.current && !root.current.parentElement!.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, []);
  return (
    <div
      ref={root}
      id={id}
      class={`popover ${className}`}
      role="group"
      aria-label={label}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }}
    >
      {children}
    </div>
  );
}
