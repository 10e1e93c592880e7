/** The `?` list of keyboard shortcuts. */
import { SHORTCUTS } from '../keyboard.ts';
import { shortcutsOpen, showShortcuts } from '../state/ui.ts';

export function ShortcutsDialog() {
  if (!shortcutsOpen.value) return null;
  return (
    <div class="backdrop" onClick={() => showShortcuts(false)}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl class="shortcuts">
          {SHORTCUTS.map(([key, what]) => (
            <div key={key}><dt><kbd>{key}</kbd></dt><dd>{what}</dd></div>
          ))}
        </dl>
        <button type="button" class="primary" autofocus onClick={() => showShortcuts(false)}>Close</button>
      </div>
    </div>
  );
}
