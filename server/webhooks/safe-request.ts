/**
 * Outbound webhook requests that cannot be turned against the network Parley runs in (issue 15).
 *
 * - The name is resolved once, by the request's own `lookup` hook, and every address it resolves
 *   to is checked (ssrf.ts) before the socket connects to one of them: the address checked is the
 *   address connected to, so a name that answers a public address to a check and 127.0.0.1 to the
 *   connection (DNS rebinding) has no second answer to give. Literal IP hosts, which Node connects
 *   to without a lookup, are checked first.
 * - A redirect is an answer, not an instruction: never followed (a 3xx fails the attempt and says
 *   where it pointed), so a receiver cannot bounce Parley to an address it would refuse.
 * - One deadline for the whole attempt (connect, TLS, answer), on real time: it bounds a network
 *   wait, which an injected clock does not move. A fresh connection each time (no keep-alive pool
 *   that would outlive the check), and at most a few KB of the answer read.
 *
 * It does not retry, sign or decide anything: webhook-worker.ts does.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import https from 'node:https';
import { createRequire } from 'node:module';
import { isIP, type LookupFunction } from 'node:net';
import { WEBHOOK_LIMITS } from '../../protocol/protocol.ts';
import { refusal } from './ssrf.ts';

/** Every address a name resolves to: dns.lookup by default (what the system would use), a fake in tests. */
export type Resolve = (hostname: string) => Promise<Array<{ address: string; family: number }>>;
// Required, not imported: importing node:http as an ES module makes Node read every export of it
// to build the module's namespace, the lazy `WebSocket` too, which loads Node's whole fetch stack
// (undici) into every server at start: ~13 MiB of RSS that nothing here uses (nodejs/node#59686).
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface OutboundOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolve;
  /** Aborts the attempt (the server is stopping). */
  signal?: AbortSignal;
}

export interface OutboundResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseSnippet: string | null;
  /** Aborted by `signal`, not failed: the receiver is not to blame. */
  interrupted: boolean;
}

/** Bytes of an answer read at most: enough for the snippet, and a receiver cannot make Parley read a film. */
const READ_MAX = 8 * 1024;

class RefusedTarget extends Error {}

/**
 * The URL as Parley will send to it, or why not: http(s) only, no user:password (it would sit in
 * the settings and the log), no refused IP literal. Names are judged when resolved (checkTarget,
 * postJson).
 */
export function parseTarget(text: string, allowPrivate: boolean): { url: URL } | { error: string; address?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'This is not a URL; give one like https://example.com/hooks/parley.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `Webhooks are sent over https:// or http://, not ${url.protocol}//.` };
  if (url.username || url.password) return { error: 'Leave user:password out of the URL; check the X-Parley-Signature header instead (docs/webhooks.md).' };
  if (!url.hostname) return { error: 'The URL has no host name.' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = refusal(host, allowPrivate);
    if (why) return { error: why, address: host };
  }
  return { url };
}

/**
 * For the settings form: the URL is refused when it is malformed, or names or resolves to an
 * address Parley would not send to. A name that does not resolve (yet) is accepted: the test
 * delivery and the log will say so.
 */
export async function checkTarget(text: string, { allowPrivate, resolve = systemResolve, timeoutMs = 3000 }: { allowPrivate: boolean; resolve?: Resolve; timeoutMs?: number }): Promise<{ error: string; address?: string } | null> {
  const parsed = parseTarget(text, allowPrivate);
  if ('error' in parsed) return parsed;
  const host = parsed.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    resolve(host).catch(() => []),
    new Promise<[]>((done) => { timer = setTimeout(() => done([]), timeoutMs); }),
  ]).finally(() => clearTimeout(timer));
  for (const { address } of addresses) {
    const why = refusal(address, allowPrivate);
    if (why) return { error: `${host} resolves to ${address}: ${why.replace(/^\S+ is /, 'that is ')}`, address };
  }
  return null;
}

/** Resolves, checks every address, and hands the connection only addresses that passed. */
function checkedLookup(resolve: Resolve, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then((all) => {
      const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
      if (wanted.length === 0) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
      // One refused address refuses the name: a mixed answer is what a rebinding attack looks like.
      for (const { address } of all) {
        const why = refusal(address, allowPrivate);
        if (why) throw new RefusedTarget(`${hostname} resolves to ${address}: ${why.replace(/^\S+ is /, 'that is ')}`);
      }
      const addresses: LookupAddress[] = wanted.map(({ address, family }) => ({ address, family }));
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    }).catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/** A failure in words an owner can act on. */
function explain(error: NodeJS.ErrnoException & { address?: string; port?: number }, url: URL, timeoutMs: number): string {
  if (error instanceof RefusedTarget) return error.message;
  const where = error.address ? `${error.address}${error.port ? `:${error.port}` : ''}` : url.host;
  switch (error.code) {
    case 'PARLEY_TIMEOUT': return `No answer within ${Math.round(timeoutMs / 1000)} s.`;
    case 'ECONNREFUSED': return `The connection was refused by ${where}: nothing listens there.`;
    case 'ECONNRESET': return `The connection was reset by ${where} before it answered.`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `${url.hostname} does not resolve (DNS).`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return `${where} cannot be reached from this server.`;
  }
  if (error.code && /CERT|SSL|TLS|SELF_SIGNED/.test(error.code)) return `TLS: ${error.message} (${error.code}).`;
  return error.message || String(error);
}

/** POSTs `body` once. Never throws: every outcome is an OutboundResult for the delivery log. */
export function postJson(target: string, body: string, headers: Record<string, string>, options: OutboundOptions): Promise<OutboundResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const failed = (error: string, interrupted = false): OutboundResult =>
    ({ ok: false, statusCode: null, latencyMs: latency(), error, responseSnippet: null, interrupted });
  const parsed = parseTarget(target, options.allowPrivate);
  if ('error' in parsed) return Promise.resolve(failed(parsed.error));
  const { url } = parsed;
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<OutboundResult>((done) => {
    let settled = false;
    const finish = (result: OutboundResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', abort);
      done(result);
    };
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: checkedLookup(options.resolve ?? systemResolve, options.allowPrivate),
      agent: false,
    });
    const deadline = setTimeout(() => request.destroy(Object.assign(new Error('timed out'), { code: 'PARLEY_TIMEOUT' })), options.timeoutMs);
    const abort = () => {
      request.destroy();
      finish(failed('Interrupted: Parley was stopping; it is tried again.', true));
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });

    request.on('error', (error) => finish(failed(explain(error, url, options.timeoutMs))));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let read = 0;
      const answer = () => {
        const text = Buffer.concat(chunks).toString('utf8').replace(/\uFFFD+$/, '').trim();
        const snippet = text ? text.slice(0, WEBHOOK_LIMITS.responseSnippetMax) : null;
        const ok = status >= 200 && status < 300;
        const location = response.headers.location;
        const error = ok ? null : status >= 300 && status < 400
          ? `Answered ${status}, a redirect${location ? ` to ${location.slice(0, 200)}` : ''}: redirects are not followed, so give the final URL.`
          : `Answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}.`;
        finish({ ok, statusCode: status, latencyMs: latency(), error, responseSnippet: snippet, interrupted: false });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (read < READ_MAX) chunks.push(chunk.subarray(0, READ_MAX - read));
        read += chunk.length;
        if (read >= READ_MAX) answer();
      });
      response.on('end', answer);
      // Cut off mid-answer: the status came, so it counts as the answer.
      response.on('error', answer);
      response.on('close', answer);
    });
    request.end(body);
  });
}
