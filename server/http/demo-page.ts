/**
 * A stand-in customer website for trying Parley: an ordinary page with the snippet pasted in; and
 * the settings' preview page, the same widget on a blank page showing unsaved appearance edits.
 */
import { PREVIEW_MESSAGE } from '../../protocol/protocol.ts';

export function demoPage(snippet: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Outfitters — Parley demo</title>
<style>
  body { font: 16px/1.6 system-ui, sans-serif; margin: 0; color: #1f2937; background: #f9fafb; }
  header { background: #14532d; color: #fff; padding: 1.25rem 2rem; }
  header h1 { margin: 0; font-size: 1.4rem; }
  main { max-width: 52rem; margin: 2rem auto; padding: 0 1.5rem; }
  .card { background: #fff; border: 1px solid #e5e7eb; border-radius: 12px; padding: 1.5rem; margin-bottom: 1rem; }
  code { background: #f3f4f6; padding: .1rem .35rem; border-radius: 4px; }
</style>
</head>
<body>
<header><h1>Northwind Outfitters</h1></header>
<main>
  <div class="card">
    <h2>Tents, packs and trail gear</h2>
    <p>This is a demo shop page. It embeds the Parley chat widget with the same snippet a site owner pastes into their own website: look for the chat button in the corner.</p>
    <p>Answer the visitor from the agent dashboard at <a href="/app/">/app/</a>.</p>
  </div>
  ${snippet ? '' : '<div class="card"><strong>No demo site exists yet.</strong> Restart the server to create one.</div>'}
</main>
${snippet ?? ''}
</body>
</html>`;
}

/**
 * The settings page's unsaved look, shown by the preview only (issue 14). The widget takes its
 * settings from its stream's `config` events, so this page, as the widget's host, hands it the
 * draft the settings page posts (PREVIEW_MESSAGE, from its parent on this origin only) as one:
 * at once, on every stream it opens, and in place of the stream's own while the draft is unsaved.
 * Nothing of the widget changes and nothing reaches the server: visitors see it after Save.
 * Runs before the snippet, so the widget's EventSource is this one.
 */
const PREVIEW_DRAFTS = `(function () {
  var Native = window.EventSource, streams = [], draft = null;
  function give(es, id) {
    if (draft) es.dispatchEvent(new MessageEvent('config', { data: JSON.stringify({ config: draft.config }), lastEventId: id || '' }));
  }
  function Preview(url, init) {
    var es = new Native(url, init);
    streams.push(es);
    es.addEventListener('open', function () { give(es); });
    es.addEventListener('config', function (event) {
      if (!event.isTrusted || !draft || !draft.unsaved) return;
      event.stopImmediatePropagation();
      give(es, event.lastEventId);
    });
    return es;
  }
  Preview.prototype = Native.prototype;
  window.EventSource = Preview;
  addEventListener('message', function (event) {
    var data = event.data;
    if (event.origin !== location.origin || event.source !== parent || !data || data.type !== ${JSON.stringify(PREVIEW_MESSAGE)}) return;
    draft = data;
    streams = streams.filter(function (es) { return es.readyState !== 2; });
    streams.forEach(function (es) { give(es); });
  });
})();`;

/** A blank page with the widget opened, for the settings preview frame. */
export function previewPage(snippet: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget preview</title>
<style>body { margin: 0; min-height: 100vh; background: repeating-linear-gradient(45deg, #f3f4f6 0 12px, #fff 12px 24px); }</style>
</head>
<body>
<script>${PREVIEW_DRAFTS}</script>
${snippet}
<script>Parley('open');</script>
</body>
</html>`;
}
