/** Email and password; says why the last session ended, and that drafts were kept. */
import { useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { loginError, loginNotice, loggingIn } from '../state/session.ts';

export function LoginPage() {
  const controller = useController();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="login">
      <form
        class="login-card"
        aria-labelledby="login-title"
        onSubmit={(event) => {
          event.preventDefault();
          void controller.login(email, password);
        }}
      >
        <h1 id="login-title"><span class="brand-mark" aria-hidden="true">P</span> Parley</h1>
        <p class="muted">Sign in to answer your visitors.</p>
        {loginNotice.value && <p class="notice" role="status">{loginNotice.value}</p>}
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {loginError.value && <p class="error" role="alert">{loginError.value}</p>}
        <button type="submit" class="primary" disabled={loggingIn.value}>{loggingIn.value ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
