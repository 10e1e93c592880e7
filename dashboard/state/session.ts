/** Who is signed in: the /me answer (user, CSRF token, sites, presence), or why nobody is. */
import { computed, signal } from '@preact/signals';
import type { AgentStatus, MeResponse, Site, User } from '../../protocol/protocol.ts';

export type Phase = 'loading' | 'login' | 'ready';

export const phase = signal<Phase>('loading');
export const me = signal<MeResponse | null>(null);
/** Shown above the login form, e.g. why the session ended. */
export const loginNotice = signal<string | null>(null);
export const loginError = signal<string | null>(null);
export const loggingIn = signal(false);

export const user = computed(() => me.value?.user ?? null);
export const status = computed<AgentStatus>(() => me.value?.status ?? 'away');
export const sitesById = computed(() => new Map<string, Site>((me.value?.sites ?? []).map((site) => [site.id, site])));

export const csrfToken = (): string | null => me.value?.csrfToken ?? null;

export function signedIn(response: MeResponse): void {
  me.value = response;
  loginNotice.value = null;
  loginError.value = null;
  loggingIn.value = false;
  phase.value = 'ready';
}

export function signedOut(notice: string | null = null): void {
  me.value = null;
  loginNotice.value = notice;
  loggingIn.value = false;
  phase.value = 'login';
}

export function loginStarted(): void {
  loggingIn.value = true;
  loginError.value = null;
}

export function loginFailed(message: string): void {
  loggingIn.value = false;
  loginError.value = message;
}

export function statusChanged(next: AgentStatus): void {
  if (me.value) me.value = { ...me.value, status: next };
}

/** The signed-in user changed their own name or avatar. */
export function userChanged(next: User): void {
  if (me.value?.user.id === next.id) me.value = { ...me.value, user: next };
}

/** A user who has not said what visitors should call them yet: the first owner, until asked at sign-in. */
export const needsName = computed(() => phase.value === 'ready' && !!me.value && !me.value.user.name.trim());
