/**
 * The first owner's first sign-in: the account was made by the server's first start without a name
 * (server/first-run.ts), so before anything else the dashboard asks what visitors should call them.
 * Nothing else shows until there is a name: no reply can go out under a blank one, or as "Owner".
 */
import { useController } from '../controller-context.ts';
import { user } from '../state/session.ts';
import { ProfileForm } from './profile-form.tsx';

export function WelcomePage() {
  const controller = useController();
  return (
    <main class="login">
      <div class="welcome">
        <h1><span class="brand-mark" aria-hidden="true">P</span> Welcome to Parley</h1>
        <p class="muted">You are signed in as {user.value?.email}. One thing first: the name visitors will see beside your replies.</p>
        <ProfileForm submitLabel="Continue" />
        <p class="small muted">Not you? <button type="button" class="link" onClick={() => void controller.logout()}>Log out</button></p>
      </div>
    </main>
  );
}
