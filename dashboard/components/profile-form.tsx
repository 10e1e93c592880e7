/**
 * The name and avatar visitors see beside your replies, and colleagues in the transfer list: on
 * the Account page, and as the first step of the first owner's first sign-in (welcome-page.tsx).
 */
import { useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { user } from '../state/session.ts';
import { Avatar } from './avatar.tsx';

export function ProfileForm({ submitLabel = 'Save profile', onSaved }: { submitLabel?: string; onSaved?: () => void }) {
  const controller = useController();
  const me = user.value;
  const [name, setName] = useState(me?.name ?? '');
  const [avatar, setAvatar] = useState(me?.avatarUrl ?? '');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [broken, setBroken] = useState<string | null>(null);
  const avatarUrl = avatar.trim() || null;
  const validAvatar = avatarUrl === null || /^https:\/\/\S+$/.test(avatarUrl);
  const changed = name.trim() !== (me?.name ?? '') || avatarUrl !== (me?.avatarUrl ?? null);
  return (
    <form
      class="card form"
      aria-labelledby="profile-title"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!name.trim() || !validAvatar) return;
        setBusy(true);
        const error = await controller.account.updateProfile({ name: name.trim(), avatarUrl });
        setBusy(false);
        setResult(error ? { ok: false, text: error } : { ok: true, text: 'Saved. Visitors see this beside your replies from now on.' });
        if (!error) onSaved?.();
      }}
    >
      <h2 id="profile-title">Your profile</h2>
      <p class="muted small">Visitors see this name and picture beside your replies; colleagues see them in the dashboard.</p>
      <div class="profile-row">
        <Avatar name={name} url={validAvatar ? avatarUrl : null} size={48} onBroken={setBroken} />
        <div class="profile-fields">
          <label>
            Your name
            <input type="text" name="name" autocomplete="name" required maxLength={100} value={name} onInput={(e) => { setName(e.currentTarget.value); setResult(null); }} />
          </label>
          <label>
            Picture <span class="muted small">(an https:// address, optional: your initial otherwise)</span>
            <input type="url" name="avatar" placeholder="https://…" maxLength={2000} value={avatar} aria-invalid={!validAvatar} onInput={(e) => { setAvatar(e.currentTarget.value); setResult(null); }} />
          </label>
          {!validAvatar && <p class="error small" role="alert">The picture’s address must start with https://.</p>}
          {validAvatar && avatarUrl !== null && broken === avatarUrl && <p class="warn small" role="status">This address does not load as a picture here: your initial shows instead.</p>}
        </div>
      </div>
      {result && <p class={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'}>{result.text}</p>}
      <div><button type="submit" class="primary" disabled={busy || !name.trim() || !validAvatar || (!changed && !!me?.name)}>{submitLabel}</button></div>
    </form>
  );
}
