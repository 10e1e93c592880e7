/** Copies a text to the clipboard and says so; when the browser refuses, selects the text to copy by hand. */
import { useState } from 'preact/hooks';

export function CopyButton({ text, label = 'Copy', what, fallbackId }: { text: string; label?: string; what: string; fallbackId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="secondary copy"
      aria-label={`${label} ${what}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setState('copied');
        } catch {
          // Insecure origins (plain http other than localhost) have no clipboard API.
          const field = fallbackId ? document.getElementById(fallbackId) : null;
          if (field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement) field.select();
          setState('failed');
        }
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Press Ctrl+C' : label}
    </button>
  );
}
