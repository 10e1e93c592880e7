/**
 * The site's labels (issue 14), owners only: create one (name and colour), rename or recolour it
 * in place, delete it (after a confirmation: it comes off every conversation). Agents put labels
 * on conversations and filter the queue by them; every dashboard follows changes live.
 */
import { useEffect, useState } from 'preact/hooks';
import { LIMITS, type AdminSite, type Label } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { MIN_TEXT_CONTRAST } from '../lib/contrast.ts';
import { LabelChip, labelContrast } from '../components/label-chip.tsx';
import { labelsBySite } from '../state/labels.ts';
import { SaveStatus, useSave } from './save-status.tsx';

const PALETTE = ['#e03131', '#f08c00', '#2f9e44', '#1971c2', '#7048e8', '#c2255c', '#0c8599', '#495057'];
const COLOR = /^#[0-9a-f]{6}$/i;

export function LabelsPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const list = labelsBySite.value.get(site.id) ?? [];
  const [name, setName] = useState('');
  const [color, setColor] = useState(PALETTE[list.length % PALETTE.length]!);
  const [status, run] = useSave();
  return (
    <section class="settings-page" aria-labelledby="labels-title">
      <h1 id="labels-title">Labels</h1>
      <p class="muted">Agents put labels on conversations (press <kbd>l</kbd> in a conversation) and filter the queue by them. Names are unique on a site, whatever their case.</p>
      <div class="card">
        {list.length === 0 ? <p class="muted">No labels yet.</p> : (
          <ul class="labels-list" aria-label="Labels">
            {list.map((label) => <LabelRow key={label.id} label={label} />)}
          </ul>
        )}
      </div>
      <form
        class="card form"
        aria-labelledby="label-add-title"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!name.trim() || !COLOR.test(color)) return;
          if (await run(() => controller.teamInbox.createLabel(site.id, name, color))) {
            setName('');
            setColor(PALETTE[(list.length + 1) % PALETTE.length]!);
          }
        }}
      >
        <h2 id="label-add-title">Add a label</h2>
        <div class="field-row">
          <label>
            Name
            <input type="text" maxLength={LIMITS.labelNameMax} value={name} placeholder="Refund" onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <ColorField id="new-label-color" value={color} onChange={setColor} />
        </div>
        {name.trim() && COLOR.test(color) && <p class="small">Looks like: <LabelChip label={{ id: 'preview', siteId: site.id, name: name.trim(), color }} /></p>}
        <div class="row">
          <button type="submit" class="primary" disabled={!name.trim() || !COLOR.test(color) || status.state === 'saving'}>Add label</button>
          <SaveStatus status={status} />
        </div>
      </form>
    </section>
  );
}

function ColorField({ id, value, onChange }: { id: string; value: string; onChange: (color: string) => void }) {
  const valid = COLOR.test(value);
  return (
    <div class="field">
      <label for={id}>Colour</label>
      <div class="color-input">
        <input type="color" aria-label="Pick a colour" value={valid ? value : '#000000'} onInput={(e) => onChange(e.currentTarget.value)} />
        <input id={id} type="text" value={value} maxLength={7} aria-invalid={!valid} onInput={(e) => onChange(e.currentTarget.value.trim())} />
      </div>
      {valid && labelContrast(value) < MIN_TEXT_CONTRAST && <p class="warn small contrast-warning">Names are hard to read on this colour; a darker or lighter one reads better.</p>}
    </div>
  );
}

function LabelRow({ label }: { label: Label }) {
  const controller = useController();
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(label.color);
  const [confirming, setConfirming] = useState(false);
  const [status, run] = useSave();
  // Another owner's change arrives as an event: the fields follow it.
  useEffect(() => {
    setName(label.name);
    setColor(label.color);
  }, [label.name, label.color]);
  const changed = name.trim() !== label.name || color.toLowerCase() !== label.color;
  return (
    <li class="label-row" data-label-row={label.id}>
      <form
        class="label-edit"
        aria-label={`Label ${label.name}`}
        onSubmit={async (event) => {
          event.preventDefault();
          if (!changed || !name.trim() || !COLOR.test(color)) return;
          await run(() => controller.teamInbox.updateLabel(label, { name: name.trim(), color: color.toLowerCase() }));
        }}
      >
        <LabelChip label={label} />
        <label class="inline">
          <span class="sr-only">Name of {label.name}</span>
          <input type="text" maxLength={LIMITS.labelNameMax} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <span class="color-input">
          <input type="color" aria-label={`Colour of ${label.name}`} value={COLOR.test(color) ? color : '#000000'} onInput={(e) => setColor(e.currentTarget.value)} />
        </span>
        <button type="submit" class="secondary small-button" disabled={!changed || !name.trim() || status.state === 'saving'}>Save</button>
        {!confirming ? (
          <button type="button" class="ghost danger-text small-button" onClick={() => setConfirming(true)}>Delete…</button>
        ) : (
          <span class="row" role="group" aria-label={`Confirm deleting ${label.name}`}>
            <span class="small">Take it off every conversation?</span>
            <button type="button" class="danger small-button" onClick={() => void run(() => controller.teamInbox.deleteLabel(label))}>Delete label</button>
            <button type="button" class="ghost small-button" onClick={() => setConfirming(false)}>Cancel</button>
          </span>
        )}
        <SaveStatus status={status} />
      </form>
    </li>
  );
}
