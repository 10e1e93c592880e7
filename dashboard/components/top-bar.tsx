/** Brand, sections, connection state, presence, notifications, shortcuts, and the signed-in agent. */
import { useState } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { openId } from '../state/conversation.ts';
import { routePath } from '../state/route.ts';
import { status, user } from '../state/session.ts';
import { showShortcuts } from '../state/ui.ts';
import type { Section } from './app.tsx';
import { Avatar } from './avatar.tsx';
import { ConnectionStatus } from './connection-status.tsx';

export function TopBar({ sections, current }: { sections: Section[]; current: string }) {
  const controller = useController();
  const [permission, setPermission] = useState<string>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  const online = status.value === 'online';
  return (
    <header class="top-bar">
      <div class="brand"><span class="brand-mark" aria-hidden="true">P</span><span class="brand-name">Parley</span></div>
      <nav aria-label="Sections" class="sections">
        {sections.map((section) => {
          // The inbox link returns to the conversation that was open.
          const target = section.id === 'inbox' ? { section: 'inbox' as const, conversationId: openId.value } : section.home;
          return (
            <a
              key={section.id}
              href={routePath(target)}
              aria-current={section.id === current ? 'page' : undefined}
              onClick={(event) => {
                if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                event.preventDefault();
                controller.go(target);
              }}
            >
              {section.label}
              {(section.count?.() ?? 0) > 0 && <span class="nav-count">{section.count!()}<span class="sr-only"> waiting</span></span>}
            </a>
          );
        })}
      </nav>
      <ConnectionStatus />
      <div class="top-actions">
        <button
          type="button"
          class={`presence presence-${status.value}`}
          aria-pressed={online}
          aria-label={online ? 'You are online; set yourself away' : 'You are away; set yourself online'}
          onClick={() => void controller.setPresence(online ? 'away' : 'online')}
        >
          <span class="dot" aria-hidden="true" />{online ? 'Online' : 'Away'}
        </button>
        {permission !== 'granted' && permission !== 'unsupported' && (
          <button
            type="button"
            class="ghost"
            aria-label="Turn on notifications"
            title="Turn on sound and desktop notifications"
            onClick={async () => setPermission(await controller.enableNotifications())}
          >
            <BellIcon /><span class="hide-narrow">Notify me</span>
          </button>
        )}
        <button type="button" class="ghost icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => showShortcuts(true)}>?</button>
        <span class="me-wrap"><Avatar name={user.value?.name ?? ''} url={user.value?.avatarUrl ?? null} size={24} /><span class="me" title={user.value?.email}>{user.value?.name}</span></span>
        <button type="button" class="ghost" onClick={() => void controller.logout()}>Log out</button>
      </div>
    </header>
  );
}

function BellIcon() {
  return (
    <svg class="icon-svg" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
    </svg>
  );
}
