/**
 * An endpoint's delivery log (issue 15): every delivery, newest first, with its state, and each
 * attempt's status, latency and the receiver's answer; one delivery or everything dead-lettered
 * replayed from here. While something is waiting or on its way it looks again every few seconds.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AdminSite, WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryFilter, WebhookEndpoint } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { now } from '../state/clock.ts';
import { answerText, statusText, typeLabel, when } from './webhook-words.ts';

const FILTERS: Array<[WebhookDeliveryFilter, string]> = [['all', 'All'], ['pending', 'Waiting'], ['delivered', 'Delivered'], ['dead', 'Dead-lettered']];
const LOOK_AGAIN_MS = 2500;

export function DeliveryLog({ site, endpoint, version, onChanged }: {
  site: AdminSite;
  endpoint: WebhookEndpoint;
  /** Changed by the card (a test was sent, a new attempt somewhere): the log loads again. */
  version: string;
  onChanged: () => void;
}) {
  const controller = useController();
  const [filter, setFilter] = useState<WebhookDeliveryFilter>('all');
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const unfinished = deliveries?.some((d) => d.status === 'pending' || d.status === 'delivering') ?? false;

  useEffect(() => {
    let live = true;
    void controller.webhooks.deliveries(site.id, endpoint.id, filter).then((result) => {
      if (!live) return;
      setError(result.error);
      if (result.value) {
        setDeliveries(result.value.deliveries);
        setNext(result.value.next);
      }
    });
    return () => { live = false; };
  }, [site.id, endpoint.id, filter, version, reloads]);

  // Something is on its way: look again soon, and let the card update its counts.
  useEffect(() => {
    if (!unfinished) return;
    const timer = setTimeout(() => {
      setReloads((n) => n + 1);
      onChanged();
    }, LOOK_AGAIN_MS);
    return () => clearTimeout(timer);
  }, [unfinished, deliveries]);

  const older = async () => {
    const result = await controller.webhooks.deliveries(site.id, endpoint.id, filter, next);
    setError(result.error);
    if (result.value) {
      setDeliveries([...(deliveries ?? []), ...result.value.deliveries]);
      setNext(result.value.next);
    }
  };
  const replay = async (delivery: WebhookDelivery) => {
    const result = await controller.webhooks.replay(site.id, endpoint.id, delivery.id);
    setError(result.error);
    if (result.value) {
      setReloads((n) => n + 1);
      onChanged();
    }
  };

  return (
    <section class="delivery-log" aria-label={`Delivery log of ${endpoint.url}`}>
      <div class="row log-head">
        <h3>Delivery log</h3>
        <div class="filters" role="group" aria-label="Show">
          {FILTERS.map(([value, label]) => (
            <button key={value} type="button" class="mode" aria-pressed={filter === value} onClick={() => setFilter(value)}>{label}</button>
          ))}
        </div>
        <button type="button" class="ghost small-button" onClick={() => setReloads((n) => n + 1)}>Refresh</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {deliveries === null ? (!error && <p class="muted" role="status">Loading…</p>)
        : deliveries.length === 0 ? <p class="muted">{filter === 'all' ? 'Nothing sent yet. Events you chose are sent as they happen; “Send test” sends one now.' : 'None.'}</p>
        : (
          <table class="deliveries">
            <thead>
              <tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Last answer</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <DeliveryRow
                  key={delivery.id} site={site} endpoint={endpoint} delivery={delivery} open={open === delivery.id}
                  onToggle={() => setOpen(open === delivery.id ? null : delivery.id)} onReplay={() => void replay(delivery)}
                />
              ))}
            </tbody>
          </table>
        )}
      {next && <button type="button" class="secondary small-button" onClick={() => void older()}>Older deliveries</button>}
    </section>
  );
}

function DeliveryRow({ site, endpoint, delivery, open, onToggle, onReplay }: {
  site: AdminSite; endpoint: WebhookEndpoint; delivery: WebhookDelivery; open: boolean; onToggle: () => void; onReplay: () => void;
}) {
  const finished = delivery.status === 'delivered' || delivery.status === 'dead';
  const failed = delivery.last && !delivery.last.ok;
  return (
    <>
      <tr data-delivery={delivery.id} data-status={delivery.status} class={open ? 'open' : undefined}>
        <td class="when">{when(delivery.createdAt, now.value)}</td>
        <td>{typeLabel(delivery.type)}<div class="muted small mono">{delivery.type}</div></td>
        <td><span class={`delivery-state ${delivery.status}`}>{statusText(delivery, endpoint, now.value)}</span>
          {delivery.attempts > 1 && <div class="muted small">{delivery.attempts} attempts</div>}</td>
        <td class={failed ? 'danger-text' : undefined}>{answerText(delivery)}
          {delivery.last?.error && <div class="small answer-error">{delivery.last.error}</div>}</td>
        <td class="row-actions">
          <button type="button" class="ghost small-button" aria-expanded={open} onClick={onToggle}>Details</button>
          {finished && delivery.type !== 'webhook.test' && <button type="button" class="secondary small-button" onClick={onReplay}>Replay</button>}
        </td>
      </tr>
      {open && (
        <tr class="delivery-detail">
          <td colSpan={5}><DeliveryDetail site={site} endpoint={endpoint} delivery={delivery} /></td>
        </tr>
      )}
    </>
  );
}

function DeliveryDetail({ site, endpoint, delivery }: { site: AdminSite; endpoint: WebhookEndpoint; delivery: WebhookDelivery }) {
  const controller = useController();
  const [detail, setDetail] = useState<WebhookDeliveryDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void controller.webhooks.delivery(site.id, endpoint.id, delivery.id).then((result) => {
      setError(result.error);
      if (result.value) setDetail(result.value);
    });
  }, [delivery.id, delivery.attempts, delivery.status]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!detail) return <p class="muted" role="status">Loading…</p>;
  return (
    <div class="attempts">
      <p class="small muted">Delivery <code>{delivery.id}</code> · event <code>{delivery.eventId}</code> — the same on every attempt and replay.</p>
      {detail.attempts.length === 0 ? <p class="muted small">Not tried yet.</p> : (
        <ol class="attempt-list" aria-label="Attempts">
          {detail.attempts.map((attempt, i) => (
            <li key={i} data-ok={attempt.ok ? 'yes' : 'no'}>
              <div class="row attempt-line">
                <span class={attempt.ok ? 'ok' : 'danger-text'}>{attempt.statusCode === null ? 'No answer' : `HTTP ${attempt.statusCode}`}</span>
                <span class="muted small">{when(attempt.at, now.value)} · {attempt.latencyMs} ms</span>
              </div>
              {attempt.error && <div class="small">{attempt.error}</div>}
              {attempt.responseSnippet && <pre class="snippet" aria-label="The receiver's answer">{attempt.responseSnippet}</pre>}
            </li>
          ))}
        </ol>
      )}
      <details class="body">
        <summary>Body sent</summary>
        <pre class="snippet">{pretty(detail.body)}</pre>
      </details>
    </div>
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
