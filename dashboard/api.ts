/**
 * The agent REST API as typed functions: JSON in and out, the CSRF header on every state change,
 * errors as ApiError (the server's stable code) or NetworkError (no answer at all, so worth
 * retrying). A 401 on anything but login reports the session as ended. It holds no state of its own.
 */
import {
  ACCOUNT_PATHS, AGENT_PATHS, type CannedResponse, CSRF_HEADER, LIMITS, path, type AgentSendMessageRequest, type AgentStatus, type Conversation,
  type ConversationDetail, type ConversationListResponse, type ConversationView, type ErrorBody, type ErrorCode, type LoginRequest,
  type MeResponse, type Message, type MessagePage, type Colleague, type LinkInfo, type UpdateAccountRequest, type User,
} from '../protocol/protocol.ts';

export class ApiError extends Error {
  readonly status: number;
  /** The catalogue's code; null when the answer was not Parley's (a proxy's error page, say). */
  readonly code: ErrorCode | null;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: ErrorCode | null, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The request never got an answer (offline, server down): safe to retry with the same client id. */
export class NetworkError extends Error {}

export interface ApiOptions {
  fetch: typeof fetch;
  /** A request unanswered after this long is aborted and counts as no answer (NetworkError). Default 15 s. */
  timeoutMs?: number;
  /** The session's CSRF token, sent on every non-GET. */
  csrf: () => string | null;
  onUnauthenticated: () => void;
}


export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** One JSON request with the session's CSRF token; what every typed call is built on. */
export type Call = <T>(method: Method, url: string, body?: unknown) => Promise<T>;

export function createApi({ fetch, csrf, onUnauthenticated, timeoutMs = 15_000 }: ApiOptions) {
  async function call<T>(method: Method, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = csrf();
    if (method !== 'GET' && token) headers[CSRF_HEADER] = token;
    let response: Response;
    try {
      // A hung request would block the outbox for good; a timeout is as good as no answer (clientIds make retries safe).
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* a proxy's HTML error page */ }
    if (response.ok) return json as T;
    const error = (json as ErrorBody | null)?.error;
    // Gateways answer 502/503 while the server restarts: as good as no answer.
    if (!error && response.status >= 500) throw new NetworkError(`HTTP ${response.status}`);
    const failure = new ApiError(response.status, error?.code ?? null, error?.message ?? `HTTP ${response.status}`, error?.details);
    // A wrong password on login, redeem or password change is not a session ending.
    if (response.status === 401 && error?.code !== 'PARLEY_ERR_INVALID_CREDENTIALS' && url !== AGENT_PATHS.login) onUnauthenticated();
    throw failure;
  }
  const id = (template: string, conversationId: string) => path(template, { conversationId });

  return {
    call: call as Call,
    login: (request: LoginRequest) => call<MeResponse>('POST', AGENT_PATHS.login, request),
    logout: () => call<void>('POST', AGENT_PATHS.logout, {}),
    me: () => call<MeResponse>('GET', AGENT_PATHS.me),
    setPresence: (status: AgentStatus) => call<{ status: AgentStatus }>('POST', AGENT_PATHS.presence, { status }),
    agents: () => call<{ agents: Colleague[] }>('GET', AGENT_PATHS.agents),
    conversations(view: ConversationView, q = '', label: string | null = null) {
      const query = new URLSearchParams({ view, limit: '200' });
      if (q.trim()) query.set('q', q.trim());
      if (label) query.set('label', label);
      return call<ConversationListResponse>('GET', `${AGENT_PATHS.conversations}?${query}`);
    },
    conversation: (conversationId: string) => call<ConversationDetail>('GET', id(AGENT_PATHS.conversation, conversationId)),
    messages(conversationId: string, options: { after?: number; before?: number } = {}) {
      // The largest page (the inbox pages forward after a gap for as long as pages come back full).
      const query = new URLSearchParams({ limit: String(LIMITS.historyPageMax) });
      if (options.after !== undefined) query.set('after', String(options.after));
      if (options.before !== undefined) query.set('before', String(options.before));
      return call<MessagePage>('GET', `${id(AGENT_PATHS.messages, conversationId)}?${query}`);
    },
    send: (conversationId: string, request: AgentSendMessageRequest) =>
      call<{ message: Message }>('POST', id(AGENT_PATHS.messages, conversationId), request),
    typing: (conversationId: string, typing: boolean) => call<void>('POST', id(AGENT_PATHS.typing, conversationId), { typing }),
    read: (conversationId: string, seq: number) => call<{ conversation: Conversation }>('POST', id(AGENT_PATHS.read, conversationId), { seq }),
    claim: (conversationId: string) => call<{ conversation: Conversation }>('POST', id(AGENT_PATHS.claim, conversationId), {}),
    transfer: (conversationId: string, agentId: string) =>
      call<{ conversation: Conversation }>('POST', id(AGENT_PATHS.transfer, conversationId), { agentId }),
    resolve: (conversationId: string) => call<{ conversation: Conversation }>('POST', id(AGENT_PATHS.resolve, conversationId), {}),
    reopen: (conversationId: string) => call<{ conversation: Conversation }>('POST', id(AGENT_PATHS.reopen, conversationId), {}),
    canned: () => call<{ canned: CannedResponse[] }>('GET', ACCOUNT_PATHS.canned),
    /** Accepts an invitation or a password reset; answers like login (the session cookie is set). */
    redeem: (request: { token: string; name?: string; password: string }) => call<MeResponse>('POST', ACCOUNT_PATHS.redeem, request),
    changePassword: (current: string, password: string) => call<void>('POST', ACCOUNT_PATHS.password, { current, password }),
    /** What a link is for, without using it up; 410 PARLEY_ERR_LINK_INVALID when it is used or expired. */
    checkLink: (token: string) => call<LinkInfo>('POST', ACCOUNT_PATHS.link, { token }),
    updateAccount: (patch: UpdateAccountRequest) => call<{ user: User }>('PATCH', ACCOUNT_PATHS.account, patch),
  };
}

export type Api = ReturnType<typeof createApi>;
