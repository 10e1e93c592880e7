/** @jsxRuntime classic */
/** @jsx h */
/**
 * Files in the widget (issue 13), a chunk of its own: loaded only when a visitor attaches, drops
 * or pastes a file, or a conversation shows one, so the typical text-only panel never downloads it.
 * - add/pick: files checked against the site's rules before any byte is sent (too large, a type it
 *   refuses), held in the tray above the composer until the visitor sends (with the text as caption);
 * - deliver: the outbox's send for a message with files (chat.ts hands it over): each file uploaded
 *   with its own clientId (the message's id and its place), so a retry — after a reload, offline,
 *   hours later — stores one file; then the message naming them. The files wait in IndexedDB with
 *   their message (client/outbox.ts stores Blobs as they are) until both are through;
 * - List: a message's files: pictures as thumbnails that open full size in the panel, other files
 *   as cards with name, size and a download link; a pending message's with upload progress.
 * Links are the server's short-lived signed ones, fetched per conversation and again before they
 * expire. Names are text.
 */
import type { h } from 'preact';
import type { AttachmentLink, Message, UploadResponse } from '../protocol/protocol.ts';
import type { OutboxItem, SendResult } from '../client/outbox.ts';
import type { Chat, Draft, LocalFile } from './chat.ts';

/** What deliver needs of chat.ts (spelled out: chat.ts imports this module, so Chat cannot be inferred through it). */
interface Sender {
  api(method: string, target: string, body?: unknown): Promise<SendResult>;
  siteUrl(route: string): string;
  storage: { get(name: string): string | null };
}

const words = {
  en: { big: 'is too large: the most is', type: 'is a kind of file we cannot accept.', many: 'At most 10 files per message.', keep: 'This browser cannot keep files until you are back online: attach it again then. Your text stays.', remove: 'Remove', close: 'Close', wait: 'Waiting for the connection', download: 'Download' },
  zh: { big: '太大，最大', type: '是无法接收的文件类型。', many: '每条消息最多 10 个文件。', keep: '此浏览器无法在离线时保存文件：恢复连接后请重新添加。您的文字会保留。', remove: '移除', close: '关闭', wait: '等待连接', download: '下载' },
};

/**
 * This chunk's state. Not signals: importing signals-core here would split it into a chunk of its
 * own that every opened panel downloads. The panel re-renders when told (Files' `redraw`).
 */
const state = {
  staged: [] as LocalFile[],
  /** Why a file was refused (or could not be kept): shown above the composer until the next file. */
  notice: '',
  /** Upload progress per file id, 0–1. */
  progress: {} as Record<string, number>,
  links: {} as Record<string, AttachmentLink>,
  /** The picture shown full size over the panel. */
  big: null as string | null,
};
let redraw = () => {};
const set = (patch: Partial<typeof state>) => {
  Object.assign(state, patch);
  redraw();
};

const PICTURE = /^image\/(png|jpeg|gif|webp)$/;
const mb = (bytes: number) => `${Math.round(bytes / 104857.6) / 10} MB`;
const size = (bytes: number) => (bytes < 1048576 ? `${Math.ceil(bytes / 1024)} KB` : mb(bytes));
const previews = new WeakMap<Blob, string>();
const preview = (blob: Blob) => previews.get(blob) ?? (previews.set(blob, URL.createObjectURL(blob)), previews.get(blob)!);
const newId = () => crypto.getRandomValues(new Uint32Array(4)).join('-');

/** Whether this browser can keep `bytes` more until the connection returns (IndexedDB, within its quota). */
async function canKeep(bytes: number): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  // Quoted, as `storage` is one of our own names the build shortens (widget/property-names.ts).
  const estimate = await navigator['storage']?.estimate?.().catch(() => null);
  return !estimate?.quota || estimate.quota - (estimate.usage ?? 0) > bytes * 2;
}

export async function add(chat: Chat, list: File[], zh: boolean): Promise<void> {
  const rules = chat.config.value?.attachments;
  const t = zh ? words.zh : words.en;
  if (!rules?.visitors) return;
  set({ notice: '' });
  for (const file of list) {
    const name = file.name || 'screenshot.png';
    // The browser's guess from the name; the server decides by content. Unknown: the server says.
    const type = /^text\//.test(file.type) ? 'text/plain' : file.type;
    if (state.staged.length >= 10) set({ notice: t.many });
    else if (file.size > rules.maxBytes) set({ notice: `${name} ${t.big} ${mb(rules.maxBytes)}.` });
    else if (!file.size || (type && !(rules.types as string[]).includes(type))) set({ notice: `${name} ${t.type}` });
    else if (chat.status.value === 'offline' && !(await canKeep(file.size))) set({ notice: t.keep });
    else set({ staged: [...state.staged, { id: newId(), blob: file, name: name.slice(0, 200), type: file.type, size: file.size }] });
  }
}

export function pick(chat: Chat, root: ShadowRoot, zh: boolean): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.hidden = true;
  input.onchange = () => {
    void add(chat, [...(input.files ?? [])], zh);
    input.remove();
  };
  root.append(input);
  input.click();
}

/** The staged files, taken for the message being sent (the tray empties). */
export function take(): LocalFile[] | undefined {
  const files = state.staged;
  set({ staged: [] });
  return files.length ? files : undefined;
}

/** The outbox's send for a message with files: every file uploaded (idempotent), then the message. */
export async function deliver(chat: Sender, item: OutboxItem<Draft>, conversationId: string): Promise<SendResult> {
  const base = chat.siteUrl(`/conversations/${encodeURIComponent(conversationId)}` as '/conversations');
  const ids: string[] = [];
  for (const [i, file] of item.payload.files!.entries()) {
    const result = await upload(chat, `${base}/attachments?clientId=${item.id}-${i}&name=${encodeURIComponent(file.name)}`, file);
    if (result.status >= 300) {
      set({ notice: (result.body as { error?: { message?: string } } | null)?.error?.message ?? '' });
      return result;
    }
    ids.push((result.body as UploadResponse).attachment.id);
  }
  return chat.api('POST', `${base}/messages`, { clientId: item.id, body: item.payload.body, attachmentIds: ids });
}

/** XMLHttpRequest for its upload progress; no answer rejects, so the outbox tries again later. */
function upload(chat: Sender, target: string, file: LocalFile): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', target);
    request.setRequestHeader('authorization', `Bearer ${chat.storage.get('token')}`);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.upload.onprogress = (e) => set({ progress: { ...state.progress, [file.id]: e.loaded / (e.total || file.size) } });
    request.onload = () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { /* not ours: the status says enough */ }
      resolve({ status: request.status, body });
    };
    request.onerror = request.ontimeout = () => reject(0);
    // Quoted: the build shortens our own `send` (widget/property-names.ts), not XMLHttpRequest's.
    request['send'](file.blob);
  });
}

/** When each file's link was last asked for: a file still without one (not the visitor's to see) is not asked again at once. */
const asked: Record<string, number> = {};
const inFlight = new Set<string>();
/** Fresh links for a conversation's files, unless every one named has one for another minute. */
function ensure(chat: Sender, conversationId: string, ids: string[]): void {
  const now = Date.now();
  const wanted = ids.filter((id) => (state.links[id]?.expiresAt ?? 0) - now < 60_000 && now - (asked[id] ?? 0) > 10_000);
  if (!wanted.length || inFlight.has(conversationId)) return;
  for (const id of wanted) asked[id] = now;
  inFlight.add(conversationId);
  void chat.api('GET', chat.siteUrl(`/conversations/${encodeURIComponent(conversationId)}/attachments` as '/conversations'))
    .then((result) => {
      const list = (result.body as { attachments?: AttachmentLink[] } | null)?.attachments ?? [];
      set({ links: { ...state.links, ...Object.fromEntries(list.map((l) => [l.id, { ...l, url: new URL(l.url, chat.siteUrl('/config')).href }])) } });
    }, () => {})
    .finally(() => inFlight.delete(conversationId));
}

const CSS = '.fl{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}.fl:first-child{margin:0}.th{all:unset;cursor:zoom-in;line-height:0;border-radius:8px;overflow:hidden;background:#0001}.th img{max-width:200px;max-height:150px;display:block}'
  + '.fc{display:flex;gap:8px;align-items:center;max-width:230px;padding:6px 10px;border-radius:8px;background:var(--b);color:var(--f);text-decoration:none;border:1px solid var(--l)}.fc b{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:500}.fc small{color:var(--m);white-space:nowrap}'
  + '.pr{height:3px;width:100%;background:#0002;border-radius:2px}.pr i{display:block;height:100%;background:currentColor}'
  + '.tr{display:flex;flex-wrap:wrap;gap:6px;padding:8px 10px 0}.tr>span{position:relative;display:flex;align-items:center;gap:6px;padding:4px 26px 4px 4px;border:1px solid var(--l);border-radius:8px;font-size:12px;max-width:160px}.tr img{width:36px;height:36px;object-fit:cover;border-radius:4px}.tr em{font-style:normal;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.tr button{all:unset;cursor:pointer;position:absolute;right:6px;color:var(--m)}'
  + '.nt{padding:8px 10px 0;font-size:12px;color:#dc2626}.bx{position:absolute;inset:0;z-index:2;background:#000d;display:grid;place-items:center;cursor:zoom-out}.bx img{max-width:100%;max-height:100%}';

/** Takes the panel's `h`, so this chunk carries no copy of Preact, and how to re-render the panel. */
export const Files = (h: typeof import('preact').h, again: () => void) => (redraw = again, {
  /** Above the composer: the files to send, why one was refused, and a picture opened full size. */
  Tray({ zh }: { zh: boolean }) {
    const t = zh ? words.zh : words.en;
    return [
      <style>{CSS}</style>,
      state.notice ? <p class="nt" role="alert">{state.notice}</p> : null,
      state.staged.length ? (
        <div class="tr">
          {state.staged.map((f) => (
            <span key={f.id}>
              {PICTURE.test(f.type) ? <img src={preview(f.blob)} alt="" /> : null}
              <em>{f.name}</em>
              <button aria-label={`${t.remove} ${f.name}`} onClick={() => set({ staged: state.staged.filter((x) => x !== f) })}>×</button>
            </span>
          ))}
        </div>
      ) : null,
      state.big ? <div class="bx" role="dialog" aria-label={t.close} tabIndex={-1} ref={(el) => el?.focus()} onClick={() => set({ big: null })} onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); set({ big: null }); } }}><img src={state.big} alt="" /></div> : null,
    ];
  },

  /** A message's files (sent: `m`; still in the outbox: `local`, with upload progress). */
  List({ chat, m, local, zh }: { chat: Chat; m?: Message; local?: LocalFile[]; zh: boolean }) {
    const t = zh ? words.zh : words.en;
    if (m) ensure(chat, m.conversationId, m.attachments!.map((a) => a.id));
    const files = m ? m.attachments! : local!;
    return (
      <div class="fl">
        {files.map((f) => {
          const url = m ? state.links[f.id]?.url : preview((f as LocalFile).blob);
          const done = state.progress[f.id];
          if (PICTURE.test(f.type) && url) {
            return (
              <button class="th" key={f.id} aria-label={f.name} onClick={() => set({ big: url })}>
                <img src={url} alt={f.name} />
                {local && done !== undefined ? <span class="pr"><i style={{ width: `${done * 100}%` }} /></span> : null}
              </button>
            );
          }
          const card = [
            <b>{f.name}</b>,
            <small>{size(f.size)}{local && chat.status.value === 'offline' ? ` · ${t.wait}` : ''}</small>,
          ];
          return m && url
            ? <a class="fc" key={f.id} href={`${url}&download=1`} download={f.name} target="_blank" rel="noopener noreferrer" title={`${t.download} ${f.name}`}>{card}</a>
            : <span class="fc" key={f.id}>{card}{local && done !== undefined ? <span class="pr"><i style={{ width: `${done * 100}%` }} /></span> : null}</span>;
        })}
      </div>
    );
  },
});
