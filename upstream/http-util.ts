// Small HTTP helpers for the ingest: bounded body reading, JSON answers, and one error type whose code and status
// become the `{ "error": { "code", "message" } }` body every failure answers with.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { SealscanError } from '../hal/errors.js';

/** An answer other than success: HTTP status, a stable code (docs/ingest-api.md) and a message naming the problem. */
export class ApiError extends SealscanError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: { [name: string]: string } = {},
    /** False: close at once without reading what the client still sends (a client that is being refused anyway). */
    readonly drain = true,
  ) {
    super(code, message);
    this.name = 'ApiError';
  }
}

/** A look at a body's first bytes before the rest is read: `check` throws an ApiError to refuse the body at once. */
export interface BodyPeek {
  /** Bytes wanted (fewer when the body is shorter). */
  bytes: number;
  check(prefix: Uint8Array): void;
}

/**
 * The request body, at most `limit` bytes. A declared content-length over the limit is refused before reading; a
 * body that grows past it while streaming is refused as soon as it does (413 body-too-large); `peek` may refuse it
 * from its first bytes, before the rest is read or buffered.
 */
export function readBody(req: IncomingMessage, limit: number, peek?: BodyPeek): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(new ApiError(413, 'body-too-large', `body of ${declared} bytes is over the limit of ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    let peeked = !peek;
    const look = (): boolean => {
      peeked = true;
      try {
        peek!.check(Buffer.concat(chunks, size));
        return true;
      } catch (e) {
        failed = true;
        chunks.length = 0;
        reject(e);
        return false;
      }
    };
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new ApiError(413, 'body-too-large', `body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
      if (!peeked && size >= peek!.bytes) look();
    });
    req.on('end', () => {
      if (failed || (!peeked && !look())) return;
      const b = Buffer.concat(chunks, size);
      resolve(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    });
    req.on('error', (e) => {
      if (!failed) reject(new ApiError(400, 'body-unreadable', `request body broke off: ${e.message}`));
      failed = true;
    });
  });
}

/** Sends `value` as JSON with `status`. */
/** What {@link matchRoute} needs of a route-table entry. */
export interface RouteEntry {
  method: string;
  path: RegExp;
}

/**
 * The entry of `routes` for `method` on `pathname`: a 404 ApiError when no path matches, a 405 naming the allowed
 * methods when no method does. With `headAsGet`, HEAD is answered by the GET route.
 */
export function matchRoute<R extends RouteEntry>(routes: readonly R[], method: string | undefined, pathname: string, headAsGet = false): R {
  const matches = routes.filter((r) => r.path.test(pathname));
  if (!matches.length) throw new ApiError(404, 'not-found', `no route ${pathname.slice(0, 200)}`);
  const route = matches.find((r) => r.method === method || (headAsGet && method === 'HEAD' && r.method === 'GET'));
  if (!route) throw new ApiError(405, 'method-not-allowed', `${method} is not allowed on ${pathname}`, { allow: matches.map((r) => r.method).join(', ') });
  return route;
}

/** The path parameters `route` captures from `pathname`, percent-decoded; a 400 ApiError for a bad encoding. */
export function routeParams(route: RouteEntry, pathname: string): string[] {
  return route.path.exec(pathname)!.slice(1).map((raw) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      throw new ApiError(400, 'bad-parameter', `${JSON.stringify(raw.slice(0, 80))} is not valid percent-encoding`);
    }
  });
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: { [name: string]: string } = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Sends raw bytes with a content type. */
export function sendBytes(res: ServerResponse, status: number, type: string, body: Uint8Array): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Sends an error body. When the request's body was not read to its end (a 413, or a refusal before reading), the
 * answer closes the connection, and what the client still sends is read and dropped for a bounded time and
 * amount first: closing a socket with unread bytes makes the peer's TCP send a reset, which many clients report
 * instead of the answer.
 */
export function sendError(res: ServerResponse, e: ApiError, req?: IncomingMessage): void {
  const headers: { [name: string]: string } = { ...e.headers };
  const unread = req !== undefined && !req.complete;
  if (unread || e.status === 413) headers.connection = 'close';
  sendJson(res, e.status, { error: { code: e.code, message: e.message } }, headers);
  if (unread && e.drain) drain(req);
  else if (unread) res.once('finish', () => req.socket.destroy());
}

/** Drains at most DRAIN_BYTES of what is left of `req` within DRAIN_MS, then lets the socket go. */
const DRAIN_BYTES = 8 * 1024 * 1024;
const DRAIN_MS = 5000;
function drain(req: IncomingMessage): void {
  let left = DRAIN_BYTES;
  const socket = req.socket;
  const stop = () => socket.destroy();
  const timer = setTimeout(stop, DRAIN_MS);
  timer.unref();
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    left -= c.length;
    if (left < 0) stop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Parses a JSON body into an object, or throws a 400 naming where it broke. */
export function jsonObject(body: Uint8Array): { [k: string]: unknown } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    throw new ApiError(400, 'bad-json', `body is not JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'bad-json', 'body must be a JSON object');
  return v as { [k: string]: unknown };
}

/** A non-negative integer query parameter, or `fallback` when absent; 400 naming the parameter otherwise. */
export function intParam(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const v = params.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d{1,15}$/.test(v)) throw new ApiError(400, 'bad-parameter', `${name} must be a non-negative integer, got ${JSON.stringify(v.slice(0, 40))}`);
  return Math.min(Number(v), max);
}

const CLIENT_ERRORS: { [code: string]: [number, string, string] } = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', 'request headers are over the limit'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request-timeout', 'the request did not arrive in time'],
};

/**
 * Answers what node:http refuses before a request reaches a handler (malformed HTTP, headers over the limit, a
 * request that took too long) in the JSON error shape, then closes the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const [status, code, message] = CLIENT_ERRORS[e.code ?? ''] ?? [400, 'bad-request', 'malformed HTTP request'];
    const body = JSON.stringify({ error: { code, message } });
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${code}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    else socket.destroy();
  });
}

/** Refuses (501) a transfer-encoding other than chunked: node:http would otherwise read `gzip, chunked` as chunked. */
export function checkTransferEncoding(req: IncomingMessage): void {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined && te.trim().toLowerCase() !== 'chunked') throw new ApiError(501, 'not-implemented', `transfer-encoding ${JSON.stringify(te.slice(0, 60))} is not supported (only chunked)`);
}
