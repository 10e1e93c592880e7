/**
 * The `/` list of canned responses under the composer: filtered by what follows the slash,
 * Up/Down to choose, Enter or Tab to insert, Esc to close. The composer owns the keys and asks
 * `slashQuery` whether a list is open; this only renders it.
 */
import type { CannedResponse } from '../../protocol/protocol.ts';

/** The `/word` being typed just before the caret, if any: where it starts and what follows the slash. */
export function slashQuery(text: string, caret: number): { start: number; typed: string } | null {
  const match = /(^|\s)\/([a-z0-9_-]*)$/i.exec(text.slice(0, caret));
  return match ? { start: match.index + match[1]!.length, typed: match[2]!.toLowerCase() } : null;
}

/** The text with `/word` replaced by the response, and where the caret goes. */
export function insertCanned(text: string, caret: number, start: number, body: string): { text: string; caret: number } {
  const next = text.slice(0, start) + body + text.slice(caret);
  return { text: next, caret: start + body.length };
}

export function CannedPicker({ items, active, onPick }: { items: CannedResponse[]; active: number; onPick: (item: CannedResponse) => void }) {
  return (
    <ul class="canned-picker" role="listbox" id="canned-picker" aria-label="Canned responses">
      {items.length === 0 && <li class="muted" role="presentation">No canned response matches. Owners add them in Settings → Canned responses.</li>}
      {items.map((item, i) => (
        <li
          key={item.id}
          id={`canned-${item.id}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : ''}
          onMouseDown={(event) => { event.preventDefault(); onPick(item); }}
        >
          <code>/{item.shortcut}</code> <span class="canned-body">{item.body}</span>
        </li>
      ))}
    </ul>
  );
}
