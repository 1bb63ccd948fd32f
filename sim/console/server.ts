// The console's web server: the page's static files from sim/console/static/, the JSON API under /api and a
// Server-Sent Events stream of the log and status. Nothing is fetched from anywhere at run time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize } from 'node:path';
import { answerClientErrors, ApiError, checkTransferEncoding, jsonObject, matchRoute, readBody, routeParams, sendBytes, sendError, sendJson } from '../../upstream/http-util.js';
import { ROUTES } from './api.js';
import type { ConsoleSession } from './session.js';
import { openEventStream } from './sse.js';

/** The page's files: in the source tree beside this module's source (dist/sim/console -> sim/console/static). */
export const STATIC_DIR = fileURLToPath(new URL('../../../sim/console/static/', import.meta.url));

const TYPES: { [ext: string]: string } = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export interface ConsoleServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** A console server that holds its port and answers 503 until {@link serve} gives it the session. */
export interface ListeningConsole extends ConsoleServer {
  serve(session: ConsoleSession): void;
}

async function serveStatic(path: string, res: ServerResponse): Promise<void> {
  const rel = normalize(path === '/' ? '/index.html' : path).replace(/^[/\\]+/, '');
  const type = TYPES[extname(rel)];
  if (!type || rel.includes('..')) throw new ApiError(404, 'not-found', `no page ${path}`);
  let body: Buffer;
  try {
    body = await readFile(join(STATIC_DIR, rel));
  } catch {
    throw new ApiError(404, 'not-found', `no page ${path}`);
  }
  res.writeHead(200, { 'content-type': type, 'content-length': String(body.length), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** Serves the console for `session` on `host:port` (port 0: any free port); see {@link listenConsoleServer}. */
export async function startConsoleServer(session: ConsoleSession, o: { host: string; port: number }): Promise<ConsoleServer> {
  const web = await listenConsoleServer(o);
  web.serve(session);
  return web;
}

/**
 * Takes `host:port` first (port 0: any free port), so that `sealscan sim` on a busy port fails before it creates
 * anything; the session comes with `serve`. Guarantees: on a loopback address only requests whose Host names a
 * loopback address are answered (no DNS rebinding); state changes need POST or DELETE with a JSON body type, which a
 * page of another origin cannot send without a CORS preflight that is never granted.
 */
export async function listenConsoleServer(o: { host: string; port: number }): Promise<ListeningConsole> {
  const loopbackOnly = LOOPBACK.test(o.host.includes(':') ? `[${o.host}]` : o.host);
  let session: ConsoleSession | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console');
    const hostName = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (loopbackOnly && !LOOPBACK.test(hostName)) throw new ApiError(403, 'forbidden-host', `Host ${JSON.stringify(req.headers.host)} is not a loopback address`);
    if (!session) throw new ApiError(503, 'starting', 'the simulator is still starting; try again in a moment');
    checkTransferEncoding(req);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'method-not-allowed', `${req.method} on a page`);
      return serveStatic(url.pathname, res);
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(session, req, res);
    const route = matchRoute(ROUTES, req.method, url.pathname);
    let body: { [k: string]: unknown } = {};
    if (req.method !== 'GET') {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const raw = await readBody(req, 64 * 1024);
      if (raw.length || req.method === 'POST') {
        if (type !== 'application/json') throw new ApiError(415, 'unsupported-media-type', 'send JSON with content-type: application/json');
        body = raw.length ? jsonObject(raw) : {};
      }
    }
    const answer = await route.handle({ session, body, params: routeParams(route, url.pathname), query: url.searchParams });
    const a = answer as { status?: unknown; body?: unknown; contentType?: unknown; bytes?: unknown };
    if (a && typeof a === 'object' && typeof a.status === 'number' && 'body' in a) sendJson(res, a.status, a.body);
    else if (a && typeof a === 'object' && typeof a.contentType === 'string' && a.bytes instanceof Uint8Array) sendBytes(res, 200, a.contentType, a.bytes);
    else sendJson(res, 200, answer);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof ApiError) sendError(res, e, req);
      else {
        console.error('sealscan sim: internal error:', e);
        sendError(res, new ApiError(500, 'internal', e instanceof Error ? e.message : String(e)), req);
      }
    });
  });
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    serve: (s) => {
      session = s;
    },
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
