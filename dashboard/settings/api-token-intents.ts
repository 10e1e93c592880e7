/**
 * Settings → API tokens (issue 15): the owner API of protocol/api-tokens.ts over the dashboard's
 * one request function (so the CSRF header, error codes and 401 handling are as everywhere), as
 * intents that answer the value, or the sentence to show when it did not work.
 */
import {
  API_TOKEN_PATHS, type ApiToken, type ApiTokenListResponse, type ApiTokenResponse, type CreateApiTokenRequest, type CreateApiTokenResponse,
} from '../../protocol/api-tokens.ts';
import { path } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { messageOf, type ControllerDeps } from '../intents/deps.ts';

type Outcome<T> = { value: T; error: null } | { value: null; error: string };

export function createApiTokenIntents({ api }: ControllerDeps) {
  async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { value: await run(), error: null };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return { value: null, error: 'Your session has ended; sign in again.' };
      return { value: null, error: messageOf(error) };
    }
  }
  return {
    list: (): Promise<Outcome<ApiToken[]>> => attempt(async () => (await api.call<ApiTokenListResponse>('GET', API_TOKEN_PATHS.tokens)).tokens),
    create: (request: CreateApiTokenRequest): Promise<Outcome<CreateApiTokenResponse>> =>
      attempt(() => api.call<CreateApiTokenResponse>('POST', API_TOKEN_PATHS.tokens, request)),
    revoke: (tokenId: string): Promise<Outcome<ApiToken>> =>
      attempt(async () => (await api.call<ApiTokenResponse>('DELETE', path(API_TOKEN_PATHS.token, { tokenId }))).token),
  };
}

export type ApiTokenIntents = ReturnType<typeof createApiTokenIntents>;
