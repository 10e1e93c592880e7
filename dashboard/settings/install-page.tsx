/** The site's snippet with a Copy button, how to add it to a page or an SPA, and the CSP lines a strict site needs. */
import type { AdminSite } from '../../protocol/protocol.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { serverOrigin } from '../lib/origins.ts';

export function InstallPage({ site }: { site: AdminSite }) {
  const origin = serverOrigin(site.snippet, location.origin);
  const csp = `script-src ${origin};\nconnect-src ${origin};`;
  return (
    <section class="settings-page" aria-labelledby="install-title">
      <h1 id="install-title">Install on {site.name}</h1>
      <p class="muted">Paste this snippet into every page where visitors should be able to chat, just before <code>&lt;/body&gt;</code>.</p>
      <div class="card">
        <div class="card-head">
          <h2>Snippet</h2>
          <CopyButton text={site.snippet} what="snippet" fallbackId="snippet" />
        </div>
        <textarea id="snippet" class="code" readOnly rows={5} value={site.snippet} aria-label="Snippet" onFocus={(e) => e.currentTarget.select()} />
        <p class="small muted">Site id: <code>{site.id}</code>. The widget only runs on the origins allowed for this site (see Allowed origins).</p>
      </div>
      <div class="card">
        <h2>A plain HTML page</h2>
        <p>Paste the snippet once per page (or in your template's footer). It loads asynchronously and never blocks your page.</p>
        <h2>A single-page app (React, Vue, …)</h2>
        <p>Put the snippet in <code>index.html</code> so it loads once for the whole app — not in a component that mounts and unmounts. Route changes need nothing: the widget stays open across them. If a part of your app must not show the chat, call <code>Parley('shutdown')</code> when that part mounts (for example in React's <code>useEffect</code> cleanup or Vue's <code>onUnmounted</code>), and load the snippet again when the chat should come back.</p>
      </div>
      <div class="card">
        <div class="card-head">
          <h2>Content-Security-Policy</h2>
          <CopyButton text={csp} what="CSP lines" fallbackId="csp" />
        </div>
        <p>If your site sends a <code>Content-Security-Policy</code> header, add the Parley server's origin to these directives:</p>
        <textarea id="csp" class="code" readOnly rows={2} value={csp} aria-label="CSP lines" />
        <p class="small muted">
          <code>script-src</code> loads the widget; <code>connect-src</code> lets it talk to Parley (requests and the event stream).
          style-src: see docs/widget.md (the widget's styles live inside its own shadow root).
          The snippet's first line is a tiny inline script: with a strict <code>script-src</code>, put it in one of your own script files or give it your nonce.
        </p>
      </div>
    </section>
  );
}
