/**
 * The panel's CSS, scoped by the Shadow DOM: nothing here reaches the host page, nothing there reaches us.
 * Inside the panel only flex order and logical properties, so dir="rtl" mirrors it; the panel's own
 * corner (right/left) is the site's choice and stays physical, like the launcher's. The pre-chat
 * and email forms bring their own rules (prechat.tsx, away.tsx). Kept terse: it ships in the panel
 * chunk. Variables: --c site color, --b background, --f text, --m muted text, --i agent bubbles, --l lines.
 */
export const css = '.p{all:initial;position:fixed;bottom:88px;right:20px;z-index:2147483000;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--b);color:var(--f);font:14px/1.45 system-ui,sans-serif;border-radius:14px;box-shadow:0 10px 40px #0004;overflow:hidden;--b:#fff;--f:#111827;--m:#6b7280;--i:#f3f4f6;--l:#e5e7eb}'
  + '.left{right:auto;left:20px}'
  + '.dark{--b:#111827;--f:#f9fafb;--m:#9ca3af;--i:#1f2937;--l:#374151}'
  + '.p *{box-sizing:border-box;font:inherit;color:inherit;margin:0}'
  + '.x,.r,.s{all:unset;cursor:pointer}'
  + '.h,.f{display:flex;align-items:center;gap:10px;padding:14px 16px;background:var(--c)}'
  + '.h,.me,.s{color:#fff}'
  + '.av,.x{width:36px;height:36px;border-radius:50%;background:#fff4;display:grid;place-items:center;font-weight:700;flex:none;object-fit:cover;position:relative}'
  // The team's picture over its initial (panel.tsx): a picture that fails to load leaves the initial.
  + '.av .av{position:absolute;inset:0;background:var(--c)}'
  + '.t{flex:1;min-width:0}.t b{display:block;font-weight:600;font-size:15px}.t small{display:flex;align-items:center;gap:6px;font-size:12px}'
  + '.dot{width:8px;height:8px;border-radius:50%;background:#9ca3af}.on{background:#4ade80}'
  + '.x{background:0;font-size:22px}'
  + ':focus-visible{outline:2px solid #93c5fd}'
  + '.m{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:6px}'
  + '.d,.sy{align-self:center;margin:6px}'
  + '.g{align-self:flex-start;max-width:85%;padding:9px 12px;border-radius:14px;background:var(--i);white-space:pre-wrap;overflow-wrap:anywhere}'
  + '.r{text-decoration:underline}'
  + '.me,.st{align-self:flex-end}.me{background:var(--c)}'
  + '.d,.sy,.who,.st,.ty{font-size:11px;color:var(--m)}'
  + '.bad,.r{color:#dc2626}'
  + '.ban{padding:6px 16px;font-size:12px;background:#fef3c7;color:#92400e}'
  + '.f{padding:10px;background:0;border-top:1px solid var(--l)}'
  + '.f textarea{flex:1;resize:none;border:1px solid var(--l);border-radius:10px;padding:8px 10px;max-height:120px;background:var(--b);outline:0}'
  + '.f textarea:focus{border-color:var(--c)}'
  + '.s{background:var(--c);border-radius:10px;padding:0 14px;line-height:40px;font-weight:600}'
  + '@media (max-width:480px){.p{inset:0;width:auto;height:auto;border-radius:0}}'
  // iOS zooms the page into a field whose text is under 16 px when it gets focus.
  + '@media (pointer:coarse){.f textarea{font-size:16px}}';
