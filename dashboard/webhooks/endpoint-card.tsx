/**
 * One webhook endpoint in Settings (issue 15): where it points and what it gets, how it is doing
 * (healthy, failing, paused by the circuit breaker — said plainly, with what to do), and what the
 * owner can do with it: send a test, read and replay its delivery log, turn it off, edit it,
 * rotate its secret, delete it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AdminSite, WebhookDelivery, WebhookEndpoint } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { now } from '../state/clock.ts';
import { DeliveryLog } from './delivery-log.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import { answerText, EVENT_LABELS, healthText, when } from './webhook-words.ts';

type Confirming = null | 'rotate' | 'delete';
/** Looks for a test's outcome once a second for this many seconds (an attempt takes at most WEBHOOK_TIMEOUT_SECONDS). */
const TEST_PATIENCE = 40;

export function EndpointCard({ site, endpoint, onChanged, onSecret, onDeleted }: {
  site: AdminSite;
  endpoint: WebhookEndpoint;
  onChanged: (endpoint?: WebhookEndpoint) => void;
  onSecret: (endpointId: string, secret: string) => void;
  onDeleted: () => void;
}) {
  const controller = useController();
  const [editing, setEditing] = useState(false);
  const [logOpen, setLogOpen] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function act<T>(run: () => Promise<{ value: T; error: null } | { value: null; error: string }>, then: (value: T) => void): Promise<void> {
    setBusy(true);
    setError(null);
    setNotice(null);
    const result = await run();
    setBusy(false);
    if (result.error !== null) setError(result.error);
    else then(result.value as T);
  }
  const sendTest = () => act(() => controller.webhooks.test(site.id, endpoint.id), (delivery: WebhookDelivery) => {
    setNotice('Sending a test delivery…');
    setTesting(delivery.id);
    setLogOpen(true);
    setLogVersion((n) => n + 1);
  });

  // The test's outcome, said here once it has one (the log shows every attempt too).
  const [testing, setTesting] = useState<string | null>(null);
  useEffect(() => {
    if (!testing) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let tries = 0;
    const look = async () => {
      const result = await controller.webhooks.delivery(site.id, endpoint.id, testing);
      const delivery = result.value?.delivery;
      if (delivery && (delivery.status === 'delivered' || delivery.status === 'dead')) {
        setTesting(null);
        setNotice(delivery.status === 'delivered'
          ? `Test delivered: ${answerText(delivery)}.`
          : `Test failed: ${delivery.last?.error ?? 'it could not be sent.'}`);
        setLogVersion((n) => n + 1);
      } else if (++tries < TEST_PATIENCE) {
        timer = setTimeout(() => void look(), 1000);
      } else {
        setTesting(null);
        setNotice('The test has not been sent yet; the log below shows it when it is.');
      }
    };
    timer = setTimeout(() => void look(), 500);
    return () => clearTimeout(timer);
  }, [testing]);
  const replayDead = () => act(() => controller.webhooks.replayDead(site.id, endpoint.id), (replayed: number) => {
    setNotice(`${replayed} dead-lettered ${replayed === 1 ? 'delivery is' : 'deliveries are'} being sent again, with the same ids.`);
    setLogVersion((n) => n + 1);
    onChanged();
  });
  const label = endpoint.description || endpoint.url;

  return (
    <article class="card webhook-card" aria-label={`Webhook ${label}`} data-endpoint={endpoint.id} data-health={endpoint.enabled ? endpoint.health : 'off'}>
      <div class="card-head webhook-head">
        <div class="webhook-title">
          <h2 class="mono webhook-url">{endpoint.url}</h2>
          {endpoint.description && <p class="muted small">{endpoint.description}</p>}
        </div>
        <span class={`health ${endpoint.enabled ? endpoint.health : 'off'}`}>{healthText(endpoint)}</span>
      </div>

      {endpoint.enabled && endpoint.health === 'paused' && (
        <div class="warn paused-note" role="alert">
          <p>
            <strong>Paused since {when(endpoint.pausedAt!, now.value)}:</strong> the last {endpoint.consecutiveFailures} attempts failed
            {endpoint.lastError ? <> — {endpoint.lastError.replace(/[.\s]+$/, '')}</> : null}. One delivery is tried again
            {endpoint.probeAt ? ` at ${when(endpoint.probeAt, now.value)}` : ' soon'}; the rest wait, and are dead-lettered after 24 hours.
            Fix the endpoint, then resume it.
          </p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void act(() => controller.webhooks.resume(site.id, endpoint.id), (next) => onChanged(next))}>Resume now</button>
        </div>
      )}
      {endpoint.enabled && endpoint.health === 'failing' && endpoint.lastError && (
        <p class="small failing-note"><span class="danger-text">Last attempt failed:</span> {endpoint.lastError.replace(/[.\s]+$/, '')}. Retries go on for 24 hours.</p>
      )}

      <ul class="event-chips" aria-label="Events it gets">
        {endpoint.events.map((type) => <li key={type} class="pill">{EVENT_LABELS[type]}</li>)}
      </ul>
      <p class="small muted webhook-counts">
        {endpoint.pending} waiting · {endpoint.dead} dead-lettered
        {endpoint.lastSuccessAt ? ` · last delivered ${when(endpoint.lastSuccessAt, now.value)}` : ' · nothing delivered yet'}
      </p>

      <div class="row webhook-actions">
        <button type="button" class="secondary" disabled={busy} onClick={() => void sendTest()}>Send test</button>
        <button type="button" class="secondary" aria-expanded={logOpen} onClick={() => setLogOpen(!logOpen)}>{logOpen ? 'Hide delivery log' : 'Delivery log'}</button>
        {endpoint.dead > 0 && <button type="button" class="secondary" disabled={busy} onClick={() => void replayDead()}>Replay {endpoint.dead} dead-lettered</button>}
        <label class="inline enabled-toggle">
          <input type="checkbox" checked={endpoint.enabled} disabled={busy}
            onChange={(e) => void act(() => controller.webhooks.update(site.id, endpoint.id, { enabled: e.currentTarget.checked }), (next) => onChanged(next))} />
          Sending
        </label>
        <span class="spacer" />
        <button type="button" class="ghost" aria-expanded={editing} onClick={() => setEditing(!editing)}>Edit</button>
        <button type="button" class="ghost" onClick={() => setConfirming('rotate')}>Rotate secret…</button>
        <button type="button" class="ghost danger-text" onClick={() => setConfirming('delete')}>Delete…</button>
      </div>

      {confirming === 'rotate' && (
        <div class="confirm" role="group" aria-label="Confirm rotating the secret">
          <p class="warn">The current secret stops signing at once: until your receiver uses the new one, it will refuse deliveries (they are retried for 24 hours).</p>
          <div class="row">
            <button type="button" class="danger" disabled={busy} onClick={() => void act(() => controller.webhooks.rotateSecret(site.id, endpoint.id), (result) => {
              setConfirming(null);
              onSecret(endpoint.id, result.secret);
            })}>Rotate now</button>
            <button type="button" class="ghost" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
      {confirming === 'delete' && (
        <div class="confirm" role="group" aria-label="Confirm deleting the endpoint">
          <p class="warn">Delete this endpoint and its delivery log? What waits for it is not sent.</p>
          <div class="row">
            <button type="button" class="danger" disabled={busy} onClick={() => void act(() => controller.webhooks.remove(site.id, endpoint.id), () => onDeleted())}>Delete endpoint</button>
            <button type="button" class="ghost" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {notice && <p class="small test-notice" role="status">{notice}</p>}

      {editing && (
        <EndpointForm
          idPrefix={`edit-${endpoint.id}`} initial={endpoint} submitLabel="Save changes" onCancel={() => setEditing(false)}
          onSave={async (draft) => {
            const result = await controller.webhooks.update(site.id, endpoint.id, draft);
            if (result.value) {
              setEditing(false);
              onChanged(result.value);
            }
            return result.error;
          }}
        />
      )}
      {logOpen && (
        <DeliveryLog
          site={site} endpoint={endpoint} onChanged={() => onChanged()}
          // New attempts anywhere (the counts, the last success or failure moved): the log reads again.
          version={`${logVersion}:${endpoint.pending}:${endpoint.dead}:${endpoint.lastSuccessAt}:${endpoint.lastFailureAt}`}
        />
      )}
    </article>
  );
}
