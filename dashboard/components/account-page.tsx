/** The signed-in user's own account: who they are, their name and picture, and changing their password. */
import { useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { user } from '../state/session.ts';
import { ProfileForm } from './profile-form.tsx';
import { ThemeChoiceCard } from './theme-choice.tsx';
import { EmailAlertsCard } from '../email/email-alerts-card.tsx';

const MIN_PASSWORD = 10;

export function AccountPage() {
  const controller = useController();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const me = user.value;
  return (
    <main class="page">
      <div class="page-body narrow">
        <h1>Your account</h1>
        <p class="muted">{me?.name} · {me?.email} · {me?.role === 'owner' ? 'Owner' : 'Agent'}</p>
        <ProfileForm />
        <form
          class="card form"
          aria-labelledby="password-title"
          onSubmit={async (event) => {
            event.preventDefault();
            setBusy(true);
            const error = await controller.changePassword(current, password);
            setBusy(false);
            setResult(error ? { ok: false, text: error } : { ok: true, text: 'Your password is changed.' });
            if (!error) { setCurrent(''); setPassword(''); }
          }}
        >
          <h2 id="password-title">Change password</h2>
          <label>
            Current password
            <input type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
          </label>
          <label>
            New password <span class="muted small">(at least {MIN_PASSWORD} characters)</span>
            <input type="password" autocomplete="new-password" required minLength={MIN_PASSWORD} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          {result && <p class={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'}>{result.text}</p>}
          <div><button type="submit" class="primary" disabled={busy || password.length < MIN_PASSWORD || !current}>Change password</button></div>
        </form>
        <ThemeChoiceCard />
        <EmailAlertsCard />
      </div>
    </main>
  );
}
