/**
 * Identity verification: the site's server signs the visitor's id with the site secret (HMAC),
 * so nobody can chat as someone else. The secret is shown once, when rotated.
 */
import { useState } from 'preact/hooks';
import type { AdminSite } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { shownSecret } from '../state/sites.ts';
import { OneTimeSecret } from './one-time-secret.tsx';
import { SaveStatus, useSave } from './save-status.tsx';

const NODE_EXAMPLE = `import { createHmac } from 'node:crypto';
// On your server, for the signed-in user:
const hash = createHmac('sha256', process.env.PARLEY_SECRET).update(user.id).digest('hex');
// In the page: Parley('identify', { id: user.id, hash, name: user.name, email: user.email });`;

export function IdentityPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [confirming, setConfirming] = useState(false);
  const [rotateStatus, rotate] = useSave();
  const [status, save] = useSave();
  const secret = shownSecret.value;
  // Like the radios below: the box shows the owner's click at once, then the saved value.
  const [requiring, setRequiring] = useState<boolean | null>(null);
  const required = requiring ?? site.widget.requireVerifiedIdentity;
  const require = async (requireVerifiedIdentity: boolean) => {
    setRequiring(requireVerifiedIdentity);
    await save(() => controller.settings.updateSite(site.id, { widget: { requireVerifiedIdentity } }));
    setRequiring(null);
  };
  // Sites saved before the choice existed have none: they show the note (protocol.ts WidgetConfig).
  // Shown chosen at once, while it saves (a radio bound only to the saved value would flip back
  // until the answer); then the site's value again, saved or not.
  const [choosing, setChoosing] = useState<'message' | 'hide' | null>(null);
  const unverified = choosing ?? site.widget.whenUnverified ?? 'message';
  const choose = async (whenUnverified: 'message' | 'hide') => {
    setChoosing(whenUnverified);
    await save(() => controller.settings.updateSite(site.id, { widget: { whenUnverified } }));
    setChoosing(null);
  };
  return (
    <section class="settings-page" aria-labelledby="identity-title">
      <h1 id="identity-title">Identity verification</h1>
      <p class="muted">
        When your visitors are signed in to your site, your server can prove who they are: it computes
        <code>HMAC-SHA256(secret, user id)</code> and the page passes the id and the hash to the widget.
        Agents then see a “Verified identity” badge.
      </p>
      <div class="card form">
        <h2>Secret</h2>
        {secret?.siteId === site.id ? (
          <OneTimeSecret
            id="rotated-secret"
            title="New identity secret"
            value={secret.secret}
            warning="Copy it now: it is never shown again. Hashes made with the old secret no longer verify, so update your server right away."
            onDone={controller.settings.dismissSecret}
          />
        ) : (
          <p class="muted small">The secret is shown only when it is created or rotated. Lost it? Rotate it and update your server.</p>
        )}
        {!confirming ? (
          <div><button type="button" class="secondary" onClick={() => setConfirming(true)}>Rotate secret…</button></div>
        ) : (
          <div class="confirm" role="group" aria-label="Confirm rotating the secret">
            <p class="warn">Rotating makes the current secret stop working at once: verified visitors will fail to identify until your server uses the new one.</p>
            <div class="row">
              <button type="button" class="danger" onClick={async () => { if (await rotate(() => controller.settings.rotateSecret(site.id))) setConfirming(false); }}>Rotate now</button>
              <button type="button" class="ghost" onClick={() => setConfirming(false)}>Cancel</button>
            </div>
          </div>
        )}
        <SaveStatus status={rotateStatus.state === 'saved' ? { state: 'idle' } : rotateStatus} />
      </div>
      <div class="card form">
        <h2>Require verified identities</h2>
        <label class="inline">
          <input
            type="checkbox"
            checked={required}
            onChange={(e) => void require(e.currentTarget.checked)}
          />
          Only visitors identified by your server may chat
        </label>
        <p class="muted small">Turn this on only once every page that shows the widget passes a valid hash; anonymous visitors will not be able to chat.</p>
        <fieldset disabled={!required}>
          <legend>What visitors who are not signed in see</legend>
          <label class="inline"><input type="radio" name="unverified" checked={unverified === 'message'} onChange={() => void choose('message')} /> The chat button, and “Sign in to chat with us” instead of the message box</label>
          <label class="inline"><input type="radio" name="unverified" checked={unverified === 'hide'} onChange={() => void choose('hide')} /> No chat button at all</label>
        </fieldset>
        <p class="muted small">Either way the widget sends nothing until your page identifies the visitor, then works at once, without a reload. The browser console tells your developers the page must call <code>Parley('identify', …)</code>.</p>
        <SaveStatus status={status} />
      </div>
      <div class="card">
        <h2>Computing the hash</h2>
        <pre class="code-block"><code>{NODE_EXAMPLE}</code></pre>
        <p class="small muted">Python and PHP examples, and how the widget is told: <code>docs/widget.md</code>, section “Identity verification”, in your Parley installation. Never put the secret in a page.</p>
      </div>
    </section>
  );
}
