/** One transient message at a time, e.g. a failed action the agent should know about. */
import { dismissToast, toast } from '../state/ui.ts';

export function Toast() {
  const current = toast.value;
  if (!current) return null;
  return (
    <div class={`toast toast-${current.tone}`} role={current.tone === 'error' ? 'alert' : 'status'}>
      <span>{current.text}</span>
      <button type="button" class="ghost icon" aria-label="Dismiss" onClick={dismissToast}>×</button>
    </div>
  );
}
