/** "Saving…", "Saved", or why not — for a settings form's explicit Save. */
import { useState } from 'preact/hooks';

export type SaveState = { state: 'idle' | 'saving' | 'saved' } | { state: 'error'; text: string };

/** Runs an intent that answers the sentence to show on failure (null on success). */
export function useSave(): [SaveState, (action: () => Promise<string | null>) => Promise<boolean>] {
  const [status, setStatus] = useState<SaveState>({ state: 'idle' });
  const run = async (action: () => Promise<string | null>) => {
    setStatus({ state: 'saving' });
    const error = await action();
    setStatus(error ? { state: 'error', text: error } : { state: 'saved' });
    return !error;
  };
  return [status, run];
}

export function SaveStatus({ status }: { status: SaveState }) {
  if (status.state === 'idle') return null;
  if (status.state === 'error') return <p class="error" role="alert">{status.text}</p>;
  return <span class={`save-status ${status.state}`} role="status">{status.state === 'saving' ? 'Saving…' : 'Saved'}</span>;
}
