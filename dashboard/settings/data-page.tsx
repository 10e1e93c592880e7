/** Retention, export (plain links: the browser downloads with the session cookie), and deleting one visitor's data. */
import { useState } from 'preact/hooks';
import type { AdminSite } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { exportUrl } from './admin-api.ts';
import { SaveStatus, useSave } from './save-status.tsx';

export function DataPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [forever, setForever] = useState(site.retentionDays === null);
  const [days, setDays] = useState(String(site.retentionDays ?? 365));
  const [status, save] = useSave();
  const [visitorId, setVisitorId] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [deleteStatus, remove] = useSave();
  const n = Number(days);
  const validDays = Number.isInteger(n) && n >= 1 && n <= 3650;
  return (
    <section class="settings-page" aria-labelledby="data-title">
      <h1 id="data-title">Data</h1>
      <form
        class="card form"
        onSubmit={(event) => {
          event.preventDefault();
          if (forever || validDays) void save(() => controller.settings.updateSite(site.id, { retentionDays: forever ? null : n }));
        }}
      >
        <h2>Retention</h2>
        <label class="inline"><input type="radio" name="retention" checked={forever} onChange={() => setForever(true)} /> Keep conversations forever</label>
        <label class="inline">
          <input type="radio" name="retention" checked={!forever} onChange={() => setForever(false)} />
          Delete conversations with no activity for
          <input type="number" class="days" min={1} max={3650} value={days} disabled={forever} aria-label="Days to keep conversations" onInput={(e) => { setDays(e.currentTarget.value); setForever(false); }} />
          days
        </label>
        {!forever && !validDays && <p class="error small" role="alert">Between 1 and 3650 days.</p>}
        <div class="row">
          <button type="submit" class="primary" disabled={(!forever && !validDays) || status.state === 'saving'}>Save retention</button>
          <SaveStatus status={status} />
        </div>
      </form>
      <div class="card">
        <h2>Export</h2>
        <p class="muted">Every conversation of {site.name}, with its visitor and messages (internal notes included).</p>
        <div class="row">
          <a class="secondary button-link" href={exportUrl(site.id, 'json')} download>Download JSON</a>
          <a class="secondary button-link" href={exportUrl(site.id, 'csv')} download>Download CSV</a>
        </div>
        <p class="small muted">The CSV has one row per message; cells a spreadsheet would run as formulas are prefixed with '.</p>
      </div>
      <form
        class="card form"
        onSubmit={(event) => {
          event.preventDefault();
          if (visitorId.trim()) setConfirming(true);
        }}
      >
        <h2>Delete a visitor's data</h2>
        <p class="muted">On request (for example under GDPR): the visitor, all their conversations and messages. Their open chat ends. You find the visitor id in the conversation's visitor details, which also offer this button.</p>
        <label>
          Visitor id
          <input type="text" class="mono" value={visitorId} placeholder="v_…" onInput={(e) => { setVisitorId(e.currentTarget.value); setConfirming(false); }} />
        </label>
        {!confirming ? (
          <div><button type="submit" class="secondary" disabled={!visitorId.trim()}>Delete…</button></div>
        ) : (
          <div class="confirm" role="group" aria-label="Confirm deleting the visitor">
            <p class="warn">This deletes everything about visitor <code>{visitorId.trim()}</code> and cannot be undone.</p>
            <div class="row">
              <button type="button" class="danger" onClick={async () => { if (await remove(() => controller.settings.deleteVisitor(visitorId))) { setConfirming(false); setVisitorId(''); } }}>Delete for good</button>
              <button type="button" class="ghost" onClick={() => setConfirming(false)}>Cancel</button>
            </div>
          </div>
        )}
        {deleteStatus.state === 'saved' ? <p class="ok" role="status">Deleted.</p> : <SaveStatus status={deleteStatus} />}
      </form>
    </section>
  );
}
