/**
 * The Reports section's entry in the dashboard's frame (issue 15): owners only, and its page —
 * charts, tables, their CSS — is a chunk loaded the first time it is opened, so the inbox that
 * every agent loads carries none of it.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

let loaded: ComponentType | null = null;

export function ReportsSection() {
  const [Page, setPage] = useState<ComponentType | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Page) return;
    import('./reports-page.tsx').then((m) => setPage(() => (loaded = m.ReportsPage)), () => setFailed(true));
  }, []);
  if (Page) return <Page />;
  return (
    <main class="page">
      <div class="page-body">
        <h1>Reports</h1>
        {failed
          ? <p class="card notice-card" role="alert">The Reports page could not be loaded; check the connection and reload.</p>
          : <p class="muted" role="status">Loading the report…</p>}
      </div>
    </main>
  );
}
