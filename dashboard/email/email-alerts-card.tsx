/**
 * Account → the agent's own email alerts (issue 12): whether they are emailed when a new
 * conversation of their sites waits unanswered while nobody is online. Saved as soon as it is
 * switched; says plainly when the server sends no email at all.
 */
import { useEffect, useState } from 'preact/hooks';
import type { EmailAlertsResponse } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';

export function EmailAlertsCard() {
  const controller = useController();
  const [alerts, setAlerts] = useState<EmailAlertsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void controller.email.alerts().then((result) => {
      setAlerts(result.value);
      setError(result.error);
    });
  }, []);
  return (
    <section class="card form" aria-labelledby="email-alerts-title">
      <h2 id="email-alerts-title">Email alerts</h2>
      {!alerts ? <p class={error ? 'error' : 'muted'} role={error ? 'alert' : 'status'}>{error ?? 'Loading…'}</p> : (
        <>
          <label class="inline">
            <input
              type="checkbox"
              checked={alerts.enabled}
              disabled={!alerts.configured}
              onChange={async (event) => {
                const enabled = event.currentTarget.checked;
                setSaved(false);
                const result = await controller.email.setAlerts(enabled);
                setError(result.error);
                if (result.value) {
                  setAlerts(result.value);
                  setSaved(true);
                }
              }}
            />
            Email me when a new conversation waits unanswered and nobody is online
          </label>
          {alerts.configured
            ? <p class="muted small">Sent to your account's address once per conversation, after the delay the owner set. {saved && <span class="save-status saved" role="status">Saved</span>}</p>
            : <p class="muted small">This server sends no email yet: an owner can set it up (Settings → Email).</p>}
          {error && <p class="error" role="alert">{error}</p>}
        </>
      )}
    </section>
  );
}
