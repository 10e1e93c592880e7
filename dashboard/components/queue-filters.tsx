/**
 * Under the queue's search (issue 14): the label filter, and the agent's saved views — open one,
 * delete one, or save what the queue shows now (view, label, search) under a name.
 */
import { useRef, useState } from 'preact/hooks';
import { LIMITS, type SavedView } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { labelFilter, labels, labelsBySite } from '../state/labels.ts';
import { query, VIEWS } from '../state/queue.ts';
import { activeView, views } from '../state/saved-views.ts';
import { sitesById } from '../state/session.ts';
import { Popover } from './popover.tsx';

export function QueueFilters() {
  const controller = useController();
  const bySite = labelsBySite.value;
  const manySites = bySite.size > 1;
  return (
    <div class="queue-filters">
      {labels.value.size > 0 && (
        <select
          class="label-filter"
          aria-label="Filter by label"
          value={labelFilter.value ?? ''}
          onChange={(event) => void controller.teamInbox.filterByLabel(event.currentTarget.value || null)}
        >
          <option value="">All labels</option>
          {[...bySite].map(([siteId, list]) => manySites ? (
            <optgroup key={siteId} label={sitesById.value.get(siteId)?.name ?? siteId}>
              {list.map((label) => <option key={label.id} value={label.id}>{label.name}</option>)}
            </optgroup>
          ) : list.map((label) => <option key={label.id} value={label.id}>{label.name}</option>))}
        </select>
      )}
      <SavedViews />
    </div>
  );
}

function SavedViews() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const active = activeView.value;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div class="popover-anchor saved-views">
      <button ref={button} type="button" class="secondary small-button" aria-expanded={open} aria-controls="saved-views-menu" onClick={() => setOpen(!open)}>
        {active ? `View: ${active.name}` : 'Saved views'} <span aria-hidden="true">▾</span>
      </button>
      {open && <SavedViewsMenu onClose={close} />}
    </div>
  );
}

const describe = (view: SavedView, labelName: (id: string) => string): string => [
  VIEWS.find((v) => v.id === view.filter.view)?.label ?? 'All',
  view.filter.labelId ? labelName(view.filter.labelId) : null,
  view.filter.q ? `“${view.filter.q}”` : null,
].filter(Boolean).join(' · ');

function SavedViewsMenu({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const labelName = (id: string) => labels.value.get(id)?.name ?? 'a deleted label';
  const active = activeView.value?.id;
  return (
    <Popover id="saved-views-menu" class="views-menu" label="Saved views" focus={first} onClose={onClose}>
      {views.value.length === 0 ? <p class="muted small">No saved views yet. Pick a view, a label or a search, then save it here.</p> : (
        <ul class="view-options">
          {views.value.map((view) => (
            <li key={view.id}>
              <button type="button" class="ghost view-open" aria-current={view.id === active ? 'true' : undefined} onClick={() => { onClose(); void controller.teamInbox.openView(view); }}>
                <span class="view-name">{view.name}</span>
                <span class="muted small">{describe(view, labelName)}</span>
              </button>
              <button type="button" class="ghost icon danger-text" aria-label={`Delete view ${view.name}`} onClick={async () => setError(await controller.teamInbox.deleteView(view.id))}>×</button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="save-view"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!name.trim()) return;
          const failed = await controller.teamInbox.saveView(name);
          setError(failed);
          if (!failed) setName('');
        }}
      >
        <label class="small" for="save-view-name">Save what the queue shows now{query.value.trim() || labelFilter.value ? '' : ' (this tab)'}</label>
        <div class="row">
          <input ref={first} id="save-view-name" type="text" maxLength={LIMITS.viewNameMax} placeholder="Name, e.g. Refunds" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit" class="primary small-button" disabled={!name.trim()}>Save view</button>
        </div>
        {error && <p class="error small" role="alert">{error}</p>}
      </form>
    </Popover>
  );
}
