/**
 * How the widget looks, beside a live preview that is the real widget (an iframe of the server's
 * /preview/:siteId page) showing the edits as they are made. Saving publishes a `config` event:
 * every widget open on visitors' pages restyles without reloading; until then they see nothing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PREVIEW_MESSAGE, type AdminSite, type WidgetConfig } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { contrastRatio, MIN_TEXT_CONTRAST } from '../lib/contrast.ts';
import { SaveStatus, useSave } from './save-status.tsx';

type Look = Pick<WidgetConfig, 'color' | 'position' | 'launcherLabel' | 'greeting' | 'teamName' | 'avatarUrl' | 'theme'>;

const pick = (w: WidgetConfig): Look => ({
  color: w.color, position: w.position, launcherLabel: w.launcherLabel, greeting: w.greeting, teamName: w.teamName, avatarUrl: w.avatarUrl, theme: w.theme,
});

export function AppearancePage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [look, setLook] = useState<Look>(() => pick(site.widget));
  const [status, save] = useSave();
  const set = <K extends keyof Look>(key: K, value: Look[K]) => setLook((before) => ({ ...before, [key]: value }));
  const validColor = /^#[0-9a-fA-F]{6}$/.test(look.color);
  const ratio = validColor ? contrastRatio(look.color, '#ffffff') : NaN;
  const validAvatar = !look.avatarUrl || /^https:\/\//.test(look.avatarUrl);
  const changed = JSON.stringify(look) !== JSON.stringify(pick(site.widget));
  // What the preview shows: the saved settings with every valid unsaved edit on top (issue 14).
  const shown: WidgetConfig = { ...site.widget, ...look, color: validColor ? look.color : site.widget.color, avatarUrl: validAvatar ? look.avatarUrl?.trim() || null : site.widget.avatarUrl };
  return (
    <section class="settings-page with-preview" aria-labelledby="appearance-title">
      <div>
        <h1 id="appearance-title">Appearance</h1>
        <form
          class="card form"
          onSubmit={(event) => {
            event.preventDefault();
            if (validColor && validAvatar) void save(() => controller.settings.updateSite(site.id, { widget: { ...look, avatarUrl: look.avatarUrl?.trim() || null } }));
          }}
        >
          <div class="field-row">
            <label>
              Primary colour
              <span class="color-input">
                <input type="color" aria-label="Pick the primary colour" value={validColor ? look.color : '#000000'} onInput={(e) => set('color', e.currentTarget.value)} />
                <input type="text" class="mono" aria-label="Primary colour (hex)" value={look.color} maxLength={7} pattern="#[0-9a-fA-F]{6}" onInput={(e) => set('color', e.currentTarget.value.trim())} />
              </span>
            </label>
            <fieldset>
              <legend>Position</legend>
              <label class="inline"><input type="radio" name="position" checked={look.position === 'right'} onChange={() => set('position', 'right')} /> Bottom right</label>
              <label class="inline"><input type="radio" name="position" checked={look.position === 'left'} onChange={() => set('position', 'left')} /> Bottom left</label>
            </fieldset>
          </div>
          {!validColor && <p class="error small" role="alert">Write the colour as #rrggbb, e.g. #4f46e5.</p>}
          {validColor && ratio < MIN_TEXT_CONTRAST && (
            <p class="warn contrast-warning" role="alert">
              White text on this colour is hard to read (contrast {ratio.toFixed(1)}:1; at least {MIN_TEXT_CONTRAST}:1 is recommended). Choose a darker colour.
            </p>
          )}
          <fieldset>
            <legend>Theme</legend>
            {(['light', 'dark', 'auto'] as const).map((theme) => (
              <label class="inline" key={theme}>
                <input type="radio" name="theme" checked={look.theme === theme} onChange={() => set('theme', theme)} /> {theme === 'auto' ? 'Follow the visitor’s system' : theme === 'light' ? 'Light' : 'Dark'}
              </label>
            ))}
          </fieldset>
          <label>
            Launcher label
            <input type="text" maxLength={40} value={look.launcherLabel} onInput={(e) => set('launcherLabel', e.currentTarget.value)} />
          </label>
          <label>
            Team name
            <input type="text" required maxLength={80} value={look.teamName} onInput={(e) => set('teamName', e.currentTarget.value)} />
          </label>
          <label>
            Greeting
            <textarea rows={2} maxLength={500} value={look.greeting} onInput={(e) => set('greeting', e.currentTarget.value)} />
          </label>
          <label>
            Avatar URL <span class="muted small">(https, optional)</span>
            <input type="url" placeholder="https://…" maxLength={2000} value={look.avatarUrl ?? ''} aria-invalid={!validAvatar} onInput={(e) => set('avatarUrl', e.currentTarget.value || null)} />
          </label>
          {!validAvatar && <p class="error small" role="alert">The avatar must be an https:// address.</p>}
          <div class="row">
            <button type="submit" class="primary" disabled={!validColor || !validAvatar || status.state === 'saving'}>Save appearance</button>
            {changed && status.state !== 'saving' && <span class="muted small">Unsaved changes</span>}
            <SaveStatus status={status} />
          </div>
        </form>
      </div>
      <WidgetPreview siteId={site.id} config={shown} unsaved={changed} />
    </section>
  );
}

/**
 * The real widget on the server's own origin (always allowed). The page's unsaved edits are handed
 * to it (PREVIEW_MESSAGE, same origin only), which shows them in place of what its stream says
 * while they are unsaved: trying a colour publishes nothing, Save does.
 */
export function WidgetPreview({ siteId, config, unsaved }: { siteId: string; config: WidgetConfig; unsaved: boolean }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const post = () => frame.current?.contentWindow?.postMessage({ type: PREVIEW_MESSAGE, config, unsaved }, location.origin);
  useEffect(post, [JSON.stringify(config), unsaved]);
  return (
    <figure class="widget-preview">
      <figcaption>Live preview <span class="muted small">— the real widget, with your changes as you make them; visitors see them once you save</span></figcaption>
      <iframe ref={frame} src={`/preview/${encodeURIComponent(siteId)}`} title="Widget preview" data-preview-site={siteId} onLoad={post} />
    </figure>
  );
}
