/** A stand-in customer website for trying Parley: an ordinary page with the snippet pasted in. */
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

/** A blank page with the widget opened, for the settings preview frame. */
export function previewPage(snippet: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget preview</title>
<style>body { margin: 0; min-height: 100vh; background: repeating-linear-gradient(45deg, #f3f4f6 0 12px, #fff 12px 24px); }</style>
</head>
<body>
${snippet}
<script>Parley('open');</script>
</body>
</html>`;
}
