// The console on loopback for tests: a session in a temporary data folder, its web server on port 0, and JSON calls.
import { tempDir } from '../../helpers/tmp.js';
import { request } from 'node:http';
import { ConsoleSession } from '../../../sim/console/session.js';
import { startConsoleServer, type ConsoleServer } from '../../../sim/console/server.js';

export interface RunningConsole {
  session: ConsoleSession;
  web: ConsoleServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startConsole(dataDir = tempDir('console')): Promise<RunningConsole> {
  const session = await ConsoleSession.open({ dataDir });
  const web = await startConsoleServer(session, { host: '127.0.0.1', port: 0 });
  return {
    session,
    web,
    url: web.url.replace(/\/$/, ''),
    dataDir,
    close: async () => {
      await web.close();
      await session.close();
    },
  };
}

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape; tests assert on it
  json: any;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  // The console takes state changes only as JSON (its guard against cross-site form posts): POST always has a body.
  if (body === undefined && method === 'POST') body = {};
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, json };
}

/** A GET with a Host header of our choosing (fetch does not let a caller set it). */
export function getWithHost(base: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls GET /api/status until `cond` holds; throws after `ms` of real time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function until(base: string, cond: (status: any) => boolean, ms = 10000, what = 'condition'): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await call(base, 'GET', '/api/status')).json;
    if (cond(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.device)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
