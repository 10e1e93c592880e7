/** Where the widget may run: exact origins and https://*.example.com wildcards, validated as the server does. */
import { useState } from 'preact/hooks';
import type { AdminSite } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { parseOrigins } from '../lib/origins.ts';
import { SaveStatus, useSave } from './save-status.tsx';

export function OriginsPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [text, setText] = useState(site.allowedOrigins.join('\n'));
  const [status, save] = useSave();
  const { origins, invalid } = parseOrigins(text);
  return (
    <section class="settings-page" aria-labelledby="origins-title">
      <h1 id="origins-title">Allowed origins</h1>
      <p class="muted">The widget runs only on these origins, and the server refuses its requests from anywhere else (<code>403 PARLEY_ERR_ORIGIN_NOT_ALLOWED</code>). The settings preview on this server always works.</p>
      <form
        class="card form"
        onSubmit={(event) => {
          event.preventDefault();
          if (invalid.length === 0) void save(() => controller.settings.updateSite(site.id, { allowedOrigins: origins }));
        }}
      >
        <label>
          One origin a line
          <textarea
            class="code"
            rows={6}
            value={text}
            aria-invalid={invalid.length > 0}
            aria-describedby="origins-help"
            placeholder={'https://shop.example.com\nhttps://*.example.com'}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <p id="origins-help" class="small muted">
          Scheme and host, and a port if not the default: <code>https://shop.example.com</code>, <code>http://localhost:3000</code>.
          <code>https://*.example.com</code> allows every subdomain of example.com. No paths.
        </p>
        {invalid.length > 0 && (
          <p class="error" role="alert">Not an origin: {invalid.map((o) => <code key={o}>{o}</code>)}. Write it as https://host or https://*.host, without a path.</p>
        )}
        {origins.length === 0 && <p class="warn small">With no origin, the widget runs nowhere but in the preview.</p>}
        <div class="row">
          <button type="submit" class="primary" disabled={invalid.length > 0 || status.state === 'saving'}>Save origins</button>
          <SaveStatus status={status} />
        </div>
      </form>
    </section>
  );
}
