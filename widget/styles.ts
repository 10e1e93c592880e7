/**
 * The panel's CSS, scoped by the Shadow DOM: nothing here reaches the host page, nothing there reaches us.
 * Inside the panel only flex order and logical properties, so dir="rtl" mirrors it; the panel's own
 * corner (right/left) is the site's choice and stays physical, like the launcher's.
 */
export const css = `
.p{all:initial;position:fixed;bottom:88px;right:20px;z-index:2147483000;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;box-sizing:border-box;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,sans-serif;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.22);overflow:hidden;--bg:#fff;--fg:#111827;--mute:#6b7280;--in:#f3f4f6;--line:#e5e7eb}
.p.left{right:auto;left:20px}
.p.dark{--bg:#111827;--fg:#f9fafb;--mute:#9ca3af;--in:#1f2937;--line:#374151}
.p *{box-sizing:border-box;font:inherit;color:inherit;margin:0}
.h{display:flex;align-items:center;gap:10px;padding:14px 16px;background:var(--c);color:#fff}
.h *{color:#fff}
.av{width:36px;height:36px;border-radius:50%;background:rgba(255,255,255,.25);display:flex;align-items:center;justify-content:center;font-weight:700;flex:none;object-fit:cover}
.t{flex:1;min-width:0}.t b{display:block;font-weight:600;font-size:15px}.t small{display:flex;align-items:center;gap:6px;font-size:12px;opacity:.9}
.dot{width:8px;height:8px;border-radius:50%;background:#9ca3af;display:inline-block}.dot.on{background:#4ade80}
.x{all:unset;cursor:pointer;width:32px;height:32px;display:flex;align-items:center;justify-content:center;border-radius:8px;font-size:22px;line-height:1}
:focus-visible{outline:2px solid #93c5fd}
.m{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:6px}
.d{align-self:center;font-size:11px;color:var(--mute);margin:8px 0 2px}
.g{align-self:flex-start;max-width:85%;padding:9px 12px;border-radius:14px;background:var(--in);white-space:pre-wrap;overflow-wrap:anywhere}
.me{align-self:flex-end;background:var(--c);color:#fff}
.me a{color:#fff}
.g a{text-decoration:underline}
.who{font-size:11px;color:var(--mute);margin:4px 2px 0}
.st{align-self:flex-end;font-size:11px;color:var(--mute);display:flex;gap:6px;align-items:center}
.st.bad{color:#dc2626}
.r{all:unset;cursor:pointer;text-decoration:underline;color:#dc2626;font-size:11px}
.ty{font-size:12px;color:var(--mute);font-style:italic}
.sy{align-self:center;font-size:12px;color:var(--mute)}
.ban{padding:6px 12px;font-size:12px;background:#fef3c7;color:#92400e}
.f{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--line)}
.f textarea{flex:1;resize:none;border:1px solid var(--line);border-radius:10px;padding:8px 10px;min-height:40px;max-height:120px;background:var(--bg);color:var(--fg);outline:none}
.f textarea:focus{border-color:var(--c)}
.s{all:unset;cursor:pointer;background:var(--c);color:#fff;border-radius:10px;padding:0 14px;height:40px;font-weight:600;display:flex;align-items:center}
.e{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid var(--line);font-size:12px}
.e label{flex:1;display:flex;flex-direction:column;gap:4px}
.e input{border:1px solid var(--line);border-radius:10px;padding:0 10px;height:40px;background:var(--bg)}
.e input:focus{outline:none;border-color:var(--c)}
.pc{flex-direction:column;align-items:stretch;font-size:13px}
.pc .s{justify-content:center}
@media (max-width:480px){.p,.p.left{inset:0;width:100%;height:100%;border-radius:0}}
`;
