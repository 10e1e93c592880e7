/**
 * Settings → API tokens (issue 15): the installation's tokens (name, permission, sites, created,
 * last used), a new one shown once with a copy button, and revoking — which the server applies
 * at once everywhere. Not per site like the pages beside it: a token may reach several sites, so
 * the list is every token and the form starts from the site being edited.
 */
import { useEffect, useState } from 'preact/hooks';
import { OPENAPI_PATH, type ApiToken, type ApiTokenScope } from '../../protocol/api-tokens.ts';
import { LIMITS, type AdminSite } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatDuration } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { sites } from '../state/sites.ts';
import { OneTimeSecret } from './one-time-secret.tsx';
import { SaveStatus, useSave } from './save-status.tsx';
import './api-tokens.css';

const SCOPES: Record<ApiTokenScope, { label: string; help: string }> = {
  'read-only': { label: 'Read only', help: 'GET requests only: conversations, messages, visitors, settings, exports.' },
  'read-write': { label: 'Read and write', help: 'Also reply, claim, resolve, and change settings, as you could.' },
};

const day = (at: number) => new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function ApiTokensPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const reload = async () => {
    const result = await controller.apiTokens.list();
    setLoadError(result.error);
    if (result.value) setTokens(result.value);
  };
  useEffect(() => { void reload(); }, []);
  const active = (tokens ?? []).filter((token) => token.revokedAt === null);
  const revoked = (tokens ?? []).filter((token) => token.revokedAt !== null);
  return (
    <section class="settings-page api-tokens" aria-labelledby="api-tokens-title">
      <h1 id="api-tokens-title">API tokens</h1>
      <p class="muted">
        Let your own servers call Parley — a CRM sync, a helpdesk bridge, a nightly export. A token acts as you, limited to the
        sites and permission you choose, and is sent as <code>Authorization: Bearer …</code>. The API is described
        at <a href={OPENAPI_PATH} target="_blank" rel="noopener">{OPENAPI_PATH}</a> (OpenAPI 3.1).
      </p>
      {created && (
        <OneTimeSecret
          id="new-api-token"
          title={`API token “${created.name}”`}
          value={created.secret}
          warning="Copy it now into your server's secrets: it is not shown again. Anyone who has it can use Parley as you, within its limits."
          onDone={() => setCreated(null)}
        />
      )}
      <div class="card">
        <h2>Tokens in use</h2>
        {loadError && <p class="error" role="alert">{loadError}</p>}
        {!tokens ? (!loadError && <p class="muted" role="status">Loading…</p>)
          : active.length === 0 ? <p class="muted">No tokens yet. Create one below when a server needs to call Parley.</p>
          : <TokenTable tokens={active} onRevoked={(token) => setTokens((list) => (list ?? []).map((t) => (t.id === token.id ? token : t)))} />}
      </div>
      <CreateForm
        defaultSiteId={site.id}
        full={active.length >= LIMITS.apiTokensMax}
        onCreated={(made) => {
          setCreated({ name: made.token.name, secret: made.secret });
          setTokens((list) => [made.token, ...(list ?? [])]);
        }}
      />
      {revoked.length > 0 && (
        <details class="card revoked-tokens">
          <summary>Revoked tokens ({revoked.length})</summary>
          <ul>
            {revoked.map((token) => (
              <li key={token.id}>
                <strong>{token.name}</strong> <code class="muted">…{token.hint}</code>
                <span class="muted small"> — revoked {day(token.revokedAt!)}; last used {lastUsed(token)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function lastUsed(token: ApiToken): string {
  if (token.lastUsedAt === null) return 'never';
  const ago = now.value - token.lastUsedAt;
  return ago < 60_000 ? 'just now' : `${formatDuration(ago)} ago`;
}

function TokenTable({ tokens, onRevoked }: { tokens: ApiToken[]; onRevoked: (token: ApiToken) => void }) {
  const siteNames = new Map(sites.value.map((s) => [s.id, s.name]));
  return (
    <table class="team token-table">
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Permission</th><th scope="col">Sites</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
      </thead>
      <tbody>
        {tokens.map((token) => <TokenRow key={token.id} token={token} siteNames={siteNames} onRevoked={onRevoked} />)}
      </tbody>
    </table>
  );
}

function TokenRow({ token, siteNames, onRevoked }: { token: ApiToken; siteNames: Map<string, string>; onRevoked: (token: ApiToken) => void }) {
  const controller = useController();
  const [confirming, setConfirming] = useState(false);
  const [status, run] = useSave();
  return (
    <tr data-token={token.name}>
      <td><strong>{token.name}</strong><br /><code class="muted small">parley_pat_…{token.hint}</code></td>
      <td><span class={`pill ${token.scope === 'read-write' ? 'write' : ''}`}>{SCOPES[token.scope].label}</span></td>
      <td class="small">{token.siteIds === null ? <span class="muted">All sites</span> : token.siteIds.map((id) => siteNames.get(id) ?? id).join(', ')}</td>
      <td class="small">{day(token.createdAt)}<br /><span class="muted">by {token.createdBy.name}</span></td>
      <td class="small">{lastUsed(token)}</td>
      <td class="row-actions">
        {confirming ? (
          <>
            <button type="button" class="danger" aria-label={`Revoke ${token.name} now`} disabled={status.state === 'saving'} onClick={() => void run(async () => {
              const result = await controller.apiTokens.revoke(token.id);
              if (result.value) onRevoked(result.value);
              return result.error;
            })}>Revoke now</button>
            <button type="button" class="ghost" onClick={() => setConfirming(false)}>Keep</button>
          </>
        ) : (
          <button type="button" class="secondary danger-text" aria-label={`Revoke ${token.name}`} onClick={() => setConfirming(true)}>Revoke</button>
        )}
        {confirming && <p class="muted small">Servers using it are refused from the next request.</p>}
        <SaveStatus status={status.state === 'saved' ? { state: 'idle' } : status} />
      </td>
    </tr>
  );
}

function CreateForm({ defaultSiteId, full, onCreated }: { defaultSiteId: string; full: boolean; onCreated: (made: { token: ApiToken; secret: string }) => void }) {
  const controller = useController();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiTokenScope>('read-only');
  const [everySite, setEverySite] = useState(false);
  const [siteIds, setSiteIds] = useState<string[]>([defaultSiteId]);
  const [status, run] = useSave();
  const ready = name.trim() !== '' && (everySite || siteIds.length > 0) && !full;
  return (
    <form
      class="card form"
      aria-labelledby="api-token-create-title"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!ready) return;
        await run(async () => {
          const result = await controller.apiTokens.create({ name: name.trim(), scope, siteIds: everySite ? null : siteIds });
          if (result.value) {
            onCreated(result.value);
            setName('');
          }
          return result.error;
        });
      }}
    >
      <h2 id="api-token-create-title">Create a token</h2>
      <label>
        Name <span class="muted small">(what uses it, so you know what to revoke)</span>
        <input type="text" required maxLength={LIMITS.apiTokenNameMax} value={name} placeholder="e.g. CRM sync" onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Permission</legend>
        {(Object.keys(SCOPES) as ApiTokenScope[]).map((value) => (
          <label class="inline choice" key={value}>
            <input type="radio" name="api-token-scope" value={value} checked={scope === value} onChange={() => setScope(value)} />
            <span><strong>{SCOPES[value].label}</strong> <span class="muted small">{SCOPES[value].help}</span></span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Sites</legend>
        <label class="inline choice">
          <input type="radio" name="api-token-sites" checked={!everySite} onChange={() => setEverySite(false)} />
          <span>Only these sites</span>
        </label>
        {!everySite && (
          <div class="site-checks">
            {sites.value.map((s) => (
              <label class="inline" key={s.id}>
                <input type="checkbox" checked={siteIds.includes(s.id)} onChange={(e) => setSiteIds(e.currentTarget.checked ? [...siteIds, s.id] : siteIds.filter((id) => id !== s.id))} />
                {s.name}
              </label>
            ))}
          </div>
        )}
        <label class="inline choice">
          <input type="radio" name="api-token-sites" checked={everySite} onChange={() => setEverySite(true)} />
          <span>All sites, including ones added later <span class="muted small">— needed to manage agents and create sites</span></span>
        </label>
      </fieldset>
      {!everySite && siteIds.length === 0 && <p class="error small" role="alert">Choose at least one site, or all sites.</p>}
      {full && <p class="error small" role="alert">There are {LIMITS.apiTokensMax} tokens in use already: revoke one you no longer need first.</p>}
      <p class="muted small">Tokens can never manage tokens, passwords, or your own account.</p>
      <div class="row">
        <button type="submit" class="primary" disabled={!ready || status.state === 'saving'}>Create token</button>
        <SaveStatus status={status.state === 'saved' ? { state: 'idle' } : status} />
      </div>
    </form>
  );
}
