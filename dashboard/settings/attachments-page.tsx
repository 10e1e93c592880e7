/**
 * Files (issue 13): whether visitors may attach files, the largest file, the allowed types (by
 * content, whatever a file's name says), and how much the site stores. Agents may always attach
 * files within the same size and types.
 */
import { useEffect, useState } from 'preact/hooks';
import { LIMITS, type AdminSite, type AttachmentType, type AttachmentUsage } from '../../protocol/protocol.ts';
import { formatSize } from '../attachments/file-rules.ts';
import { useController } from '../controller-context.ts';
import { SaveStatus, useSave } from './save-status.tsx';
import '../attachments/attachments.css';

const GROUPS: Array<[string, Array<[AttachmentType, string]>]> = [
  ['Images', [['image/png', 'PNG'], ['image/jpeg', 'JPEG'], ['image/gif', 'GIF'], ['image/webp', 'WebP']]],
  ['Documents', [['application/pdf', 'PDF'], ['text/plain', 'Plain text (.txt, .csv, .log)']]],
  ['Office', [
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Word (.docx)'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel (.xlsx)'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'PowerPoint (.pptx)'],
    ['application/vnd.oasis.opendocument.text', 'OpenDocument text (.odt)'],
    ['application/vnd.oasis.opendocument.spreadsheet', 'OpenDocument sheet (.ods)'],
    ['application/vnd.oasis.opendocument.presentation', 'OpenDocument slides (.odp)'],
    ['application/msword', 'Word 97–2003 (.doc)'],
    ['application/vnd.ms-excel', 'Excel 97–2003 (.xls)'],
    ['application/vnd.ms-powerpoint', 'PowerPoint 97–2003 (.ppt)'],
  ]],
  ['Archives', [['application/zip', 'ZIP (its content cannot be checked)']]],
];
const MAX_MB = LIMITS.attachmentBytesMax / 1048576;

export function AttachmentsPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [settings, setSettings] = useState(site.widget.attachments);
  const [megabytes, setMegabytes] = useState(String(Math.round((site.widget.attachments.maxBytes / 1048576) * 10) / 10));
  const [usage, setUsage] = useState<AttachmentUsage | null>(null);
  const [status, save] = useSave();
  useEffect(() => void controller.attachments.usage(site.id).then(setUsage, () => setUsage(null)), [site.id]);
  const size = Number(megabytes);
  const sizeOk = Number.isFinite(size) && size >= 0.1 && size <= MAX_MB;
  const toggle = (type: AttachmentType, on: boolean) =>
    setSettings({ ...settings, types: on ? [...settings.types, type] : settings.types.filter((t) => t !== type) });
  return (
    <section class="settings-page" aria-labelledby="files-title">
      <h1 id="files-title">Files</h1>
      <p class="muted">Visitors and agents can send screenshots, photos and documents. A file's type is decided by what it contains, never by its name; pictures lose their location and camera details on upload. Web pages and SVG images are never accepted.</p>
      <form class="card form" onSubmit={(event) => {
        event.preventDefault();
        if (!sizeOk) return;
        void save(() => controller.settings.updateSite(site.id, { widget: { attachments: { ...settings, maxBytes: Math.round(size * 1048576) } } }));
      }}>
        <label class="inline">
          <input type="checkbox" checked={settings.visitors} onChange={(e) => setSettings({ ...settings, visitors: e.currentTarget.checked })} />
          {' '}Visitors may attach files
        </label>
        <label>
          Largest file (MB)
          <input type="number" min="0.1" max={MAX_MB} step="0.1" value={megabytes} required onInput={(e) => setMegabytes(e.currentTarget.value)} aria-invalid={!sizeOk} />
        </label>
        {!sizeOk && <p class="error small" role="alert">Between 0.1 and {MAX_MB} MB.</p>}
        {GROUPS.map(([group, types]) => (
          <fieldset key={group}>
            <legend>{group}</legend>
            <div class="file-types">
              {types.map(([type, label]) => (
                <label class="inline" key={type}>
                  <input type="checkbox" checked={settings.types.includes(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} /> {label}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <div class="row">
          <button type="submit" class="primary" disabled={status.state === 'saving' || !sizeOk}>Save file settings</button>
          <SaveStatus status={status} />
        </div>
      </form>
      <p class="card usage" aria-live="polite">
        Stored for this site: {usage ? `${usage.files} ${usage.files === 1 ? 'file' : 'files'}, ${formatSize(usage.bytes)}` : '…'}
      </p>
    </section>
  );
}
