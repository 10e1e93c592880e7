/** JSON over node:http to 127.0.0.1 with a keep-alive agent: the load generator's only HTTP client. */
import { Agent, request } from 'node:http';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export const newAgent = (maxSockets = 256): Agent => new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });

export function httpJson(agent: Agent, port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const sendHeaders: Record<string, string | number> = { ...headers };
  if (payload !== undefined) {
    sendHeaders['content-type'] ??= 'application/json';
    sendHeaders['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent, headers: sendHeaders, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = null;
        try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs task(i) for i in [0, count) with at most `concurrency` in flight; collects failures. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ failed: number; firstError: string | null }> {
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      try { await task(i); } catch (error) { failed++; firstError ??= (error as Error).message; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { failed, firstError };
}
