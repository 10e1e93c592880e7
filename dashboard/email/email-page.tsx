/**
 * Settings → Email (issue 12): whether this server sends email at all (and what to set when it
 * does not), and the site's two delays — how long an agent's reply may stay unread before it is
 * emailed, and how long a new conversation may wait unanswered before the agents are.
 */
import { useEffect, useState } from 'preact/hooks';
import { EMAIL_DEFAULTS, type AdminSite, type SiteEmailSettings } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { SaveStatus, useSave } from '../settings/save-status.tsx';

export function EmailPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [settings, setSettings] = useState<SiteEmailSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reply, setReply] = useState('');
  const [alert, setAlert] = useState('');
  const [status, save] = useSave();
  useEffect(() => {
    void controller.email.siteEmail(site.id).then((result) => {
      setLoadError(result.error);
      if (result.value) {
        setSettings(result.value);
        setReply(String(result.value.replyDelayMinutes));
        setAlert(String(result.value.alertDelayMinutes));
      }
    });
  }, [site.id]);
  const valid = (text: string) => {
    const n = Number(text);
    return Number.isInteger(n) && n >= 1 && n <= EMAIL_DEFAULTS.delayMaxMinutes;
  };
  return (
    <section class="settings-page" aria-labelledby="email-title">
      <h1 id="email-title">Email</h1>
      <p class="muted">When a visitor has left, an agent's reply they have not read is emailed to them, with a link back to the conversation. Agents are emailed about new conversations nobody answers while nobody is online.</p>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {!settings ? (!loadError && <p class="muted" role="status">Loading…</p>) : (
        <>
          <div class="card" data-email-configured={settings.configured ? 'yes' : 'no'}>
            <h2>Sending</h2>
            {settings.configured ? (
              <>
                <p><span class="ok">Email is on.</span> Emails come from <strong>{site.name}</strong> &lt;{settings.from}&gt;.</p>
                <p class="muted small">{settings.replyDomain
                  ? <>Visitors can answer an email directly: replies go to <code>reply+…@{settings.replyDomain}</code> and land in the conversation.</>
                  : <>Emails have no reply address, so they ask visitors to answer through their link. Set <code>INBOUND_EMAIL_DOMAIN</code> to let them reply by email.</>}</p>
              </>
            ) : (
              <>
                <p class="warn">This server sends no email, so visitors who leave are not told of your replies, and the widget does not promise email.</p>
                <p>To turn it on, set these environment variables on the server and restart it:</p>
                <ul class="env-list">
                  <li><code>SMTP_URL</code> — your mail server, e.g. <code>smtp://user:password@smtp.example.com:587</code></li>
                  <li><code>EMAIL_FROM</code> — the sender address, e.g. <code>support@{hostOf(site)}</code> (its domain needs SPF and DKIM for the mail to arrive)</li>
                  <li><code>INBOUND_EMAIL_DOMAIN</code> — optional: the domain visitors' email replies go to</li>
                </ul>
                <p class="muted small">Parley's docs/configuration.md and docs/deployment.md (“Email”) explain each, and the DNS records your domain needs.</p>
              </>
            )}
          </div>
          <form
            class="card form"
            onSubmit={(event) => {
              event.preventDefault();
              if (!valid(reply) || !valid(alert)) return;
              void save(async () => {
                const result = await controller.email.updateSiteEmail(site.id, { replyDelayMinutes: Number(reply), alertDelayMinutes: Number(alert) });
                if (result.value) setSettings(result.value);
                return result.error;
              });
            }}
          >
            <h2>Delays</h2>
            <label class="inline">
              Email a reply the visitor has not read after
              <input type="number" class="days" min={1} max={EMAIL_DEFAULTS.delayMaxMinutes} value={reply} aria-label="Minutes before an unread reply is emailed" onInput={(e) => setReply(e.currentTarget.value)} />
              minutes
            </label>
            <p class="muted small">Replies sent within that time go out together in one email. Default {EMAIL_DEFAULTS.replyDelayMinutes}.</p>
            <label class="inline">
              Email the agents when a new conversation has waited unanswered for
              <input type="number" class="days" min={1} max={EMAIL_DEFAULTS.delayMaxMinutes} value={alert} aria-label="Minutes before agents are emailed about a waiting conversation" onInput={(e) => setAlert(e.currentTarget.value)} />
              minutes
            </label>
            <p class="muted small">Only while no agent is online. Each agent can turn these off on their Account page. Default {EMAIL_DEFAULTS.alertDelayMinutes}.</p>
            {(!valid(reply) || !valid(alert)) && <p class="error small" role="alert">Between 1 and {EMAIL_DEFAULTS.delayMaxMinutes} minutes.</p>}
            <div class="row">
              <button type="submit" class="primary" disabled={!valid(reply) || !valid(alert) || status.state === 'saving'}>Save delays</button>
              <SaveStatus status={status} />
            </div>
          </form>
        </>
      )}
    </section>
  );
}

/** A domain to suggest for EMAIL_FROM: the site's first allowed origin's, else an example. */
function hostOf(site: AdminSite): string {
  const origin = site.allowedOrigins.find((o) => !o.includes('*'));
  try {
    return origin ? new URL(origin).hostname.replace(/^www\./, '') : 'example.com';
  } catch {
    return 'example.com';
  }
}
