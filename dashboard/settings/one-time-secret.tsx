/** A secret or link shown once: readable, copyable, with the warning that it will not be shown again. */
import { CopyButton } from '../components/copy-button.tsx';

export function OneTimeSecret({ id, title, value, warning, onDone }: { id: string; title: string; value: string; warning: string; onDone: () => void }) {
  return (
    <div class="one-time" role="region" aria-label={title}>
      <strong>{title}</strong>
      <div class="copy-row">
        <input id={id} class="mono" readOnly value={value} aria-label={title} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={value} what={title.toLowerCase()} fallbackId={id} />
      </div>
      <p class="warn small">{warning}</p>
      <button type="button" class="ghost small-button" onClick={onDone}>I have saved it — hide</button>
    </div>
  );
}
