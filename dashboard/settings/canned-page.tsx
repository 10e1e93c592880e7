/** The site's canned responses: agents insert them by typing `/shortcut` in the composer. */
import { useEffect, useState } from 'preact/hooks';
import type { AdminSite } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { bySite } from '../state/canned.ts';
import { SaveStatus, useSave } from './save-status.tsx';

export function CannedPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [shortcut, setShortcut] = useState('');
  const [body, setBody] = useState('');
  const [status, run] = useSave();
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    void controller.settings.loadCanned(site.id).then(setLoadError);
  }, [site.id]);
  const list = bySite.value.get(site.id);
  const cleanShortcut = shortcut.trim().replace(/^\//, '');
  const validShortcut = /^[a-z0-9_-]{1,32}$/.test(cleanShortcut);
  // Said while typing; the server refuses it too (409 PARLEY_ERR_SHORTCUT_TAKEN), for a list that is out of date.
  const taken = validShortcut && (list ?? []).some((item) => item.shortcut === cleanShortcut);
  return (
    <section class="settings-page" aria-labelledby="canned-title">
      <h1 id="canned-title">Canned responses</h1>
      <p class="muted">Answers your team gives often. In a conversation, type <kbd>/</kbd> and the shortcut, then <kbd>Enter</kbd> or <kbd>Tab</kbd> to insert.</p>
      <div class="card">
        {loadError && <p class="error" role="alert">{loadError}</p>}
        {!list ? <p class="muted">Loading…</p> : list.length === 0 ? <p class="muted">No canned responses yet.</p> : (
          <ul class="canned-list" aria-label="Canned responses">
            {list.map((item) => (
              <li key={item.id}>
                <code class="shortcut">/{item.shortcut}</code>
                <span class="canned-body">{item.body}</span>
                <button type="button" class="ghost danger-text" aria-label={`Delete /${item.shortcut}`} onClick={() => void run(() => controller.settings.deleteCanned(site.id, item.id))}>Delete</button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <form
        class="card form"
        aria-labelledby="canned-add-title"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!validShortcut || taken || !body.trim()) return;
          if (await run(() => controller.settings.addCanned(site.id, cleanShortcut, body))) { setShortcut(''); setBody(''); }
        }}
      >
        <h2 id="canned-add-title">Add a response</h2>
        <label>
          Shortcut <span class="muted small">(lowercase letters, digits, - and _)</span>
          <input type="text" maxLength={33} value={shortcut} placeholder="shipping" aria-invalid={(shortcut !== '' && !validShortcut) || taken} aria-describedby={taken ? 'shortcut-taken' : undefined} onInput={(e) => setShortcut(e.currentTarget.value.toLowerCase())} />
        </label>
        {taken && <p class="error small" id="shortcut-taken" role="alert">There is already a /{cleanShortcut} response for this site. Delete it first, or choose another shortcut.</p>}
        <label>
          Text
          <textarea rows={3} maxLength={4000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={!validShortcut || taken || !body.trim() || status.state === 'saving'}>Add response</button>
          {/* A refusal for a taken shortcut reloads the list: the line above the button says it then. */}
          {!taken && <SaveStatus status={status} />}
        </div>
      </form>
    </section>
  );
}
