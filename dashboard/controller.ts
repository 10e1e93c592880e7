/**
 * Everything a user can ask for, as intents, composed from one module per responsibility:
 * session (sign in/out, the live connection, account links), inbox (queue and conversations),
 * composer (replies, typing, drafts) and settings (the owner's configuration). Components call
 * these and render state; they never fetch. Built once by main.tsx, so tests can pass fakes.
 */
import { createAccountIntents } from './intents/account.ts';
import { createAssignmentIntents } from './intents/assignment.ts';
import { createAttachmentIntents } from './attachments/attachment-intents.ts';
import { createComposerIntents } from './intents/composer.ts';
import type { ControllerDeps } from './intents/deps.ts';
import { createEmailIntents } from './email/email-intents.ts';
import { createWebhookIntents } from './webhooks/webhooks-intents.ts';
import { createHeldIntents } from './held/held-intents.ts';
import { createInboxIntents } from './intents/inbox.ts';
import { createNavigationIntents } from './intents/navigation.ts';
import { createSessionIntents } from './intents/session.ts';
import { createTeamInboxIntents } from './intents/team-inbox.ts';
import { createSettingsIntents } from './settings/settings-intents.ts';
import { createApiTokenIntents } from './settings/api-token-intents.ts';
import { createRatingIntents } from './ratings/rating-intents.ts';
import { createReportIntents } from './reports/report-intents.ts';

export type { ControllerDeps } from './intents/deps.ts';

export function createController(deps: ControllerDeps) {
  // The session owns the connection; the composer reaches it through this getter.
  let connection: ReturnType<typeof createSessionIntents>['connection'] = () => null;
  const composer = createComposerIntents(deps, () => connection());
  const inbox = createInboxIntents(deps, { beforeOpen: composer.stopTyping });
  const session = createSessionIntents(deps, inbox, composer);
  connection = session.connection;
  const settings = createSettingsIntents(deps);
  const account = createAccountIntents(deps);
  const navigation = createNavigationIntents(deps, inbox);
  const teamInbox = createTeamInboxIntents(deps, inbox);
  const held = createHeldIntents(deps);
  const assignment = createAssignmentIntents(deps);
  const email = createEmailIntents(deps);
  const webhooks = createWebhookIntents(deps);
  const attachments = createAttachmentIntents(deps);
  const ratings = createRatingIntents(deps);
  const reports = createReportIntents(deps);
  const apiTokens = createApiTokenIntents(deps);
  return { ...session, ...inbox, ...composer, ...navigation, settings, account, teamInbox, held, assignment, email, attachments, ratings, reports, apiTokens, webhooks };
}

export type Controller = ReturnType<typeof createController>;
