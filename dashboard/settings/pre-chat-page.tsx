/** What the widget asks before the first message: name and email, each off, optional or required. */
import { useState } from 'preact/hooks';
import type { AdminSite, WidgetConfig } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { SaveStatus, useSave } from './save-status.tsx';

type Requirement = WidgetConfig['preChat']['name'];
const CHOICES: Array<[Requirement, string]> = [['off', 'Don’t ask'], ['optional', 'Ask (optional)'], ['required', 'Required']];

export function PreChatPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [preChat, setPreChat] = useState(site.widget.preChat);
  const [status, save] = useSave();
  return (
    <section class="settings-page" aria-labelledby="prechat-title">
      <h1 id="prechat-title">Pre-chat form</h1>
      <p class="muted">Ask visitors who they are before their first message. Required fields must be filled in to start the chat.</p>
      <form class="card form" onSubmit={(event) => { event.preventDefault(); void save(() => controller.settings.updateSite(site.id, { widget: { preChat } })); }}>
        {(['name', 'email'] as const).map((field) => (
          <fieldset key={field}>
            <legend>{field === 'name' ? 'Name' : 'Email'}</legend>
            {CHOICES.map(([value, label]) => (
              <label class="inline" key={value}>
                <input type="radio" name={`prechat-${field}`} checked={preChat[field] === value} onChange={() => setPreChat({ ...preChat, [field]: value })} /> {label}
              </label>
            ))}
          </fieldset>
        ))}
        <div class="row">
          <button type="submit" class="primary" disabled={status.state === 'saving'}>Save pre-chat form</button>
          <SaveStatus status={status} />
        </div>
      </form>
    </section>
  );
}
