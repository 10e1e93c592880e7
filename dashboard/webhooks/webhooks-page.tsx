/**
 * Settings → Webhooks (issue 15): a site's endpoints, each with its health, test delivery and
 * delivery log (endpoint-card.tsx), and adding one — whose signing secret is shown once, here,
 * with how to check it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AdminSite, WebhookEndpoint } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { OneTimeSecret } from '../settings/one-time-secret.tsx';
import { EndpointCard } from './endpoint-card.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import './webhooks.css';

/** How often the endpoints' health and counts are read again while the page is open. */
const LOOK_AGAIN_MS = 5000;

export function WebhooksPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [allowPrivate, setAllowPrivate] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ endpointId: string; secret: string; created: boolean } | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    void controller.webhooks.list(site.id).then((result) => {
      if (!live) return;
      setLoadError(result.error);
      if (result.value) {
        setEndpoints(result.value.endpoints);
        setAllowPrivate(result.value.allowPrivate);
      }
    });
    return () => { live = false; };
  }, [site.id, reloads]);

  // Deliveries change without anyone here doing anything (events, retries, the breaker): look again.
  useEffect(() => {
    if (endpoints === null) return;
    const timer = setTimeout(() => setReloads((n) => n + 1), LOOK_AGAIN_MS);
    return () => clearTimeout(timer);
  }, [endpoints]);

  const reload = () => setReloads((n) => n + 1);
  const replace = (next?: WebhookEndpoint) => {
    if (next && endpoints) setEndpoints(endpoints.map((e) => (e.id === next.id ? next : e)));
    reload();
  };
  const secretFor = (endpoint: WebhookEndpoint) => (secret?.endpointId === endpoint.id ? secret : null);

  return (
    <section class="settings-page webhooks-page" aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p class="muted">
        Parley sends the events you choose to your own systems — a CRM, a Slack bridge, a ticketing tool — as signed JSON over HTTPS.
        Each delivery has an id that stays the same when it is retried (for up to 24 hours) or replayed, so your receiver can ignore repeats.
        Check the <code>X-Parley-Signature</code> header with the endpoint's secret: Parley's docs/webhooks.md shows how, in Node, Python and PHP.
      </p>
      {allowPrivate && <p class="muted small">This server also sends to private and loopback addresses (<code>WEBHOOKS_ALLOW_PRIVATE</code> is on).</p>}
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {endpoints === null ? (!loadError && <p class="muted" role="status">Loading…</p>) : (
        <>
          {endpoints.length === 0 && !adding && <p class="card muted">No endpoints yet.</p>}
          {endpoints.map((endpoint) => (
            <div key={endpoint.id}>
              {secretFor(endpoint) && (
                <OneTimeSecret
                  id={`webhook-secret-${endpoint.id}`}
                  title={secretFor(endpoint)!.created ? 'Signing secret of the new endpoint' : 'New signing secret'}
                  value={secretFor(endpoint)!.secret}
                  warning="Copy it into your receiver now: it is never shown again. It signs every delivery to this endpoint."
                  onDone={() => setSecret(null)}
                />
              )}
              <EndpointCard
                site={site} endpoint={endpoint} onChanged={replace}
                onSecret={(endpointId, value) => setSecret({ endpointId, secret: value, created: false })}
                onDeleted={reload}
              />
            </div>
          ))}
          {adding || endpoints.length === 0 ? (
            <div class="card" aria-labelledby="new-webhook-title">
              <h2 id="new-webhook-title">New endpoint</h2>
              <EndpointForm
                idPrefix="new-webhook" submitLabel="Add endpoint" onCancel={endpoints.length > 0 ? () => setAdding(false) : undefined}
                onSave={async (draft) => {
                  const result = await controller.webhooks.create(site.id, draft);
                  if (result.value) {
                    setEndpoints([...endpoints, result.value.endpoint]);
                    setSecret({ endpointId: result.value.endpoint.id, secret: result.value.secret, created: true });
                    setAdding(false);
                  }
                  return result.error;
                }}
              />
            </div>
          ) : (
            <button type="button" class="secondary" onClick={() => setAdding(true)}>Add endpoint</button>
          )}
        </>
      )}
    </section>
  );
}
