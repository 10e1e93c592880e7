/**
 * The owner's intents for Settings: sites (create, change, rotate the secret), agents (invite,
 * role, disable, reset links), canned responses, visitor deletion. Each returns the sentence to
 * show when it did not work (null when it did), worded from the server's stable error codes.
 */
import { batch } from '@preact/signals';
import type { InviteRequest, UpdateSiteRequest, UpdateUserRequest } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';
import * as canned from '../state/canned.ts';
import * as conversation from '../state/conversation.ts';
import * as queue from '../state/queue.ts';
import * as sites from '../state/sites.ts';
import * as team from '../state/team.ts';
import { route, routeChanged, routePath } from '../state/route.ts';

export const FORBIDDEN = 'Only owners can see and change Settings. Ask an owner of this Parley if something needs changing.';

/** What the owner is told, by error code; anything else shows the server's own message. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  switch (error.code) {
    case 'PARLEY_ERR_FORBIDDEN': return FORBIDDEN;
    case 'PARLEY_ERR_LAST_OWNER': return 'This is the only active owner. Make someone else an owner first, so that somebody can still change the settings.';
    case 'PARLEY_ERR_EMAIL_TAKEN': return 'Someone with this email already has an account. To give them a new password, use “Reset password” on their row.';
    case 'PARLEY_ERR_SHORTCUT_TAKEN': return `This site already has a /${String(error.details.shortcut ?? '')} response. Delete it first, or choose another shortcut.`;
    case 'PARLEY_ERR_USER_NOT_FOUND': return 'This user no longer exists; reload the list.';
    case 'PARLEY_ERR_SITE_NOT_FOUND': return 'This site no longer exists.';
    default: return error.message;
  }
}

export function createSettingsIntents(deps: ControllerDeps) {
  const { admin } = deps;

  async function attempt(run: () => Promise<void>): Promise<string | null> {
    try {
      await run();
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null; // back to login already
      if (error instanceof ApiError && error.code === 'PARLEY_ERR_FORBIDDEN') sites.loadFailed('forbidden', FORBIDDEN);
      return explain(error);
    }
  }

  return {
    async load(): Promise<void> {
      sites.loading();
      try {
        const [siteList, users] = await Promise.all([admin.sites(), admin.users()]);
        batch(() => {
          sites.loaded(siteList.sites);
          team.membersLoaded(users.users);
        });
      } catch (error) {
        const forbidden = error instanceof ApiError && error.code === 'PARLEY_ERR_FORBIDDEN';
        sites.loadFailed(forbidden ? 'forbidden' : 'failed', explain(error));
      }
    },

    selectSite: (siteId: string) => sites.select(siteId),

    createSite: (name: string) => attempt(async () => {
      const { site, secret } = await admin.createSite(name.trim());
      batch(() => {
        sites.siteChanged(site);
        sites.select(site.id);
        sites.secretShown({ siteId: site.id, secret, why: 'created' });
      });
    }),

    /** Saved settings reach open widgets (and the preview) as a `config` event on their streams. */
    updateSite: (siteId: string, patch: UpdateSiteRequest) => attempt(async () => {
      sites.siteChanged((await admin.updateSite(siteId, patch)).site);
    }),

    rotateSecret: (siteId: string) => attempt(async () => {
      const { site, secret } = await admin.rotateSecret(siteId);
      batch(() => {
        sites.siteChanged(site);
        sites.secretShown({ siteId, secret, why: 'rotated' });
      });
    }),
    dismissSecret: () => sites.secretShown(null),

    loadCanned: (siteId: string) => attempt(async () => canned.siteLoaded(siteId, (await admin.canned(siteId)).canned)),
    addCanned: (siteId: string, shortcut: string, body: string) => attempt(async () => {
      const { canned: created } = await admin.addCanned(siteId, shortcut.trim().replace(/^\//, ''), body.trim()).catch(async (error: unknown) => {
        // Someone added it meanwhile: show theirs, so the list says what the refusal is about.
        if (error instanceof ApiError && error.code === 'PARLEY_ERR_SHORTCUT_TAKEN') canned.siteLoaded(siteId, (await admin.canned(siteId)).canned);
        throw error;
      });
      canned.siteLoaded(siteId, [...(canned.bySite.value.get(siteId) ?? []), created]);
      canned.availableLoaded((await deps.api.canned()).canned);
    }),
    deleteCanned: (siteId: string, cannedId: string) => attempt(async () => {
      await admin.deleteCanned(siteId, cannedId);
      canned.siteLoaded(siteId, (canned.bySite.value.get(siteId) ?? []).filter((c) => c.id !== cannedId));
      canned.availableLoaded(canned.available.value.filter((c) => c.id !== cannedId));
    }),

    invite: (request: InviteRequest) => attempt(async () => {
      const link = await admin.invite(request);
      team.linkShown({ ...link, kind: 'invite', email: request.email });
    }),
    /** Disabling ends the user's sessions and closes their dashboards at once (server side). */
    updateUser: (userId: string, patch: UpdateUserRequest) => attempt(async () => {
      team.memberChanged((await admin.updateUser(userId, patch)).user);
    }),
    passwordReset: (userId: string, email: string) => attempt(async () => {
      const link = await admin.passwordReset(userId);
      team.linkShown({ ...link, kind: 'reset', email });
    }),
    dismissLink: () => team.linkShown(null),

    /** Deletes the visitor, their conversations and messages; closes the conversation if it was theirs. */
    deleteVisitor: (visitorId: string) => attempt(async () => {
      await admin.deleteVisitor(visitorId.trim());
      batch(() => {
        if (conversation.visitor.value?.id === visitorId.trim()) {
          conversation.opened(null);
          const inbox = { section: 'inbox' as const, conversationId: null };
          if (route.value.section === 'inbox') {
            routeChanged(inbox);
            deps.navigate(routePath(inbox), true);
          }
        }
        queue.visitorDeleted(visitorId.trim());
      });
    }),
  };
}

export type SettingsIntents = ReturnType<typeof createSettingsIntents>;
