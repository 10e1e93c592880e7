/**
 * REDEEM_PAGE#token=…: an invitation or a password-reset link. The token stays in the fragment
 * (never sent to a server log); the page asks for a name and a password, then signs in.
 */
import { useEffect, useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';

const MIN_PASSWORD = 10;

export function tokenFrom(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.length >= 16 ? token : null;
}

/** Invitation links say `kind=invite`, reset links `kind=reset`; older links said nothing. */
export function kindFrom(hash: string): 'invite' | 'reset' | null {
  const kind = new URLSearchParams(hash.replace(/^#/, '')).get('kind');
  return kind === 'invite' || kind === 'reset' ? kind : null;
}

export function RedeemPage() {
  const controller = useController();
  const [token] = useState(() => tokenFrom(location.hash));
  const [kind] = useState(() => kindFrom(location.hash));
  // The token is in memory now: take it out of the address bar at once, so it does not linger in
  // history, a screenshot or a shared screen while the form is filled in (not only after success).
  useEffect(() => {
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  }, []);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(token ? null : 'This link is incomplete: copy the whole link you were given, including everything after “#”.');
  const [busy, setBusy] = useState(false);
  const mismatch = repeat.length > 0 && repeat !== password;
  return (
    <main class="login">
      <form
        class="login-card"
        aria-labelledby="redeem-title"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!token || password.length < MIN_PASSWORD || mismatch) return;
          setBusy(true);
          setError(await controller.redeem(token, name, password));
          setBusy(false);
        }}
      >
        <h1 id="redeem-title"><span class="brand-mark" aria-hidden="true">P</span> {kind === 'reset' ? 'Choose a new password' : 'Welcome to Parley'}</h1>
        <p class="muted">{kind === 'reset'
          ? 'Set a new password for your account. Your other sessions will be signed out. The link works once.'
          : 'Choose a password to finish setting up your account. The link works once.'}</p>
        {kind !== 'reset' && (
          <label>
            Your name <span class="muted small">(optional: as your owner wrote it if empty)</span>
            <input type="text" name="name" autocomplete="name" maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        )}
        <label>
          New password <span class="muted small">(at least {MIN_PASSWORD} characters)</span>
          <input type="password" name="new-password" autocomplete="new-password" required minLength={MIN_PASSWORD} maxLength={1024} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          Repeat the password
          <input type="password" name="repeat-password" autocomplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} aria-invalid={mismatch} />
        </label>
        {mismatch && <p class="error small">The two passwords differ.</p>}
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy || !token || password.length < MIN_PASSWORD || mismatch}>{busy ? 'Setting up…' : 'Set password and sign in'}</button>
        <p class="small muted">Already have an account? <a href="/app/">Sign in</a></p>
      </form>
    </main>
  );
}
