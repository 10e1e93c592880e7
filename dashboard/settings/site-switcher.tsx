/** Which site the settings are for (a select when there are several), and "New site". */
import { useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { selected, shownSecret, sites } from '../state/sites.ts';
import { OneTimeSecret } from './one-time-secret.tsx';

export function SiteSwitcher() {
  const controller = useController();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = sites.value;
  const current = selected.value;
  const secret = shownSecret.value;
  return (
    <div class="site-switcher">
      {list.length > 1 ? (
        <label class="field">
          <span class="label">Site</span>
          <select value={current?.id} onChange={(e) => controller.settings.selectSite(e.currentTarget.value)}>
            {list.map((site) => <option key={site.id} value={site.id}>{site.name}</option>)}
          </select>
        </label>
      ) : current && <div class="site-name"><span class="label">Site</span><strong>{current.name}</strong></div>}
      {!creating ? (
        <button type="button" class="secondary new-site" onClick={() => { setCreating(true); setError(null); }}>+ New site</button>
      ) : (
        <form
          class="new-site-form"
          onSubmit={async (event) => {
            event.preventDefault();
            const failure = await controller.settings.createSite(name);
            setError(failure);
            if (!failure) { setCreating(false); setName(''); }
          }}
        >
          <label class="field">
            <span class="label">New site's name</span>
            <input type="text" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. Shop" autoFocus />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={!name.trim()}>Create</button>
            <button type="button" class="ghost" onClick={() => setCreating(false)}>Cancel</button>
          </div>
          {error && <p class="error small" role="alert">{error}</p>}
        </form>
      )}
      {secret?.why === 'created' && secret.siteId === current?.id && (
        <OneTimeSecret
          id="new-site-secret"
          title="Identity secret"
          value={secret.secret}
          warning="Shown only now. Keep it on your server (for identity verification); you can rotate it later."
          onDone={controller.settings.dismissSecret}
        />
      )}
    </div>
  );
}
