/**
 * Merging two visitors who are one person (issue 14): find the other one by name, email or what
 * they wrote, choose which profile stays, read what will happen, confirm. The server moves
 * everything in one transaction; the other browser carries on as the visitor that stays.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Visitor } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import type { MergeCandidate } from '../intents/team-inbox.ts';
import { visitorLabel } from '../lib/visitor-label.ts';

const nameOf = (who: { name: string | null; email: string | null }, fallback: string) => who.name || who.email || fallback;

export function MergeVisitor({ visitor }: { visitor: Visitor }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div class="merge">
      <button ref={button} type="button" class="ghost small-button" onClick={() => setOpen(true)}>Merge with another visitor…</button>
      {open && <MergeDialog visitor={visitor} onClose={() => { setOpen(false); button.current?.focus(); }} />}
    </div>
  );
}

function MergeDialog({ visitor, onClose }: { visitor: Visitor; onClose: () => void }) {
  const controller = useController();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<MergeCandidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<MergeCandidate | null>(null);
  const [keepOther, setKeepOther] = useState(false);
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  useEffect(() => {
    const text = q.trim();
    if (!text) { setFound(null); return; }
    const mine = ++asked.current;
    const timer = setTimeout(async () => {
      const result = await controller.teamInbox.findMergeCandidates(text, visitor.id);
      if (mine !== asked.current) return;
      if (typeof result === 'string') setError(result);
      else { setFound(result); setError(null); }
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  const here = nameOf(visitor, 'this visitor');
  const there = picked ? nameOf(picked, visitorLabel(picked.latest)) : '';
  const [keptName, goneName] = keepOther ? [there, here] : [here, there];
  return (
    <div class="backdrop" onClick={onClose}>
      <div
        class="dialog merge-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="merge-title"
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onClose(); } }}
      >
        <h2 id="merge-title">Merge {here} with another visitor</h2>
        <p class="muted small">When one person wrote from two browsers or devices: their conversations, pages and details become one profile.</p>
        <label class="field">
          Find the other visitor
          <input ref={search} type="search" placeholder="Name, email or words they wrote" value={q} onInput={(e) => { setQ(e.currentTarget.value); setPicked(null); }} />
        </label>
        {error && <p class="error small" role="alert">{error}</p>}
        {found && found.length === 0 && <p class="muted small">No other visitor matches.</p>}
        {found && found.length > 0 && (
          <fieldset class="merge-candidates">
            <legend class="sr-only">The other visitor</legend>
            {found.map((candidate) => (
              <label key={candidate.visitorId} class="candidate">
                <input type="radio" name="merge-other" checked={picked?.visitorId === candidate.visitorId} onChange={() => setPicked(candidate)} />
                <span>
                  <span class="candidate-name">{nameOf(candidate, visitorLabel(candidate.latest))}</span>
                  {candidate.email && candidate.name && <span class="muted small"> · {candidate.email}</span>}
                  <span class="candidate-preview muted small">{candidate.latest.preview ?? 'No message yet'}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}
        {picked && (
          <>
            <fieldset class="merge-keep">
              <legend>Which profile stays</legend>
              <label class="inline"><input type="radio" name="merge-keep" checked={!keepOther} onChange={() => setKeepOther(false)} />{here}</label>
              <label class="inline"><input type="radio" name="merge-keep" checked={keepOther} onChange={() => setKeepOther(true)} />{there}</label>
            </fieldset>
            <p class="merge-summary">
              {goneName}'s conversations move to {keptName}; what {keptName}'s profile lacks (name, email, identity, attributes) is taken from {goneName}'s.
              {' '}{goneName}'s browser carries on as {keptName}. This cannot be undone.
            </p>
          </>
        )}
        <div class="row">
          <button
            type="button"
            class="primary"
            disabled={!picked || busy}
            onClick={async () => {
              if (!picked) return;
              setBusy(true);
              const [into, from] = keepOther ? [picked.visitorId, visitor.id] : [visitor.id, picked.visitorId];
              const failed = await controller.teamInbox.merge(into, from);
              setBusy(false);
              if (failed) setError(failed);
              else onClose();
            }}
          >
            Merge
          </button>
          <button type="button" class="ghost" onClick={onClose}>Cancel</button>
        </div>
      </div>
    </div>
  );
}
