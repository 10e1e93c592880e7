/**
 * REDEEM_PAGE#token=…: an invitation or a password-reset link. The token stays in the fragment
 * (never sent to a server log); the page asks the server what the link is for as it opens (saying
 * at once when it is used or expired), then for a name and a password, and signs in.
 */
import { useEffect, useState } from 'preact/hooks';
import type { LinkInfo } from '../../protocol/protocol.ts';
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
  const [hinted] = useState(() => kindFrom(location.hash));
  // What the server says the link is for, asked as the page opens: a used or expired link says so
  // at once, not after a password has been chosen and typed twice.
  const [check, setCheck] = useState<{ link: LinkInfo | null; refusal: string | null } | null>(null);
  useEffect(() => {
    if (token) void controller.account.checkLink(token).then(setCheck);
  }, []);
  const kind = check?.link?.kind ?? hinted;
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
  if (check?.refusal) {
    return (
      <main class="login">
        <div class="login-card" role="group" aria-labelledby="redeem-title">
          <h1 id="redeem-title"><span class="brand-mark" aria-hidden="true">P</span> This link cannot be used</h1>
          <p class="error" role="alert">{check.refusal}</p>
          <p class="small muted">Already have an account? <a href="/app/">Sign in</a></p>
        </div>
      </main>
    );
  }
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
        {token && !check && <p class="muted small" role="status">Checking the link…</p>}
        {check?.link && <p class="small">For <strong>{check.link.email}</strong>, until {new Date(check.link.expiresAt).toLocaleString()}.</p>}
        {kind !== 'reset' && (
          <label>
            Your name <span class="muted small">(optional: as your owner wrote it if empty)</span>
            <input type="text" name="name" autocomplete="name" maxLength={100} value={name} placeholder={check?.link?.name} onInput={(e) => setName(e.currentTarget.value)} />
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
