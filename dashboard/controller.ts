/**
 * Everything a user can ask for, as intents, composed from one module per responsibility:
 * session (sign in/out, the live connection, account links), inbox (queue and conversations),
 * composer (replies, typing, drafts) and settings (the owner's configuration). Components call
 * these and render state; they never fetch. Built once by main.tsx, so tests can pass fakes.
 */
import { createComposerIntents } from './intents/composer.ts';
import type { ControllerDeps } from './intents/deps.ts';
import { createInboxIntents } from './intents/inbox.ts';
import { createNavigationIntents } from './intents/navigation.ts';
import { createSessionIntents } from './intents/session.ts';
import { createSettingsIntents } from './settings/settings-intents.ts';

export type { ControllerDeps } from './intents/deps.ts';

export function createController(deps: ControllerDeps) {
  // The session owns the connection; the composer reaches it through this getter.
  let connection: ReturnType<typeof createSessionIntents>['connection'] = () => null;
  const composer = createComposerIntents(deps, () => connection());
  const inbox = createInboxIntents(deps, { beforeOpen: composer.stopTyping });
  const session = createSessionIntents(deps, inbox, composer);
  connection = session.connection;
  const settings = createSettingsIntents(deps);
  const navigation = createNavigationIntents(deps, inbox);
  return { ...session, ...inbox, ...composer, ...navigation, settings };
}

export type Controller = ReturnType<typeof createController>;
