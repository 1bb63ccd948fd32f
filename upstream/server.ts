// The ingest's HTTP face (node:http): routes under /v1, limits, and one error shape. Request handling never lets
// an exception escape: a hostile body gets a 4xx JSON error, a bug a 500, and the server keeps serving.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { nodeSha256 } from '../hal/node/crypto.js';
import { Ingest } from './ingest.js';
import { ApiError, jsonObject, readBody, sendBytes, sendError, sendJson, intParam } from './http-util.js';
import { parseRecordsBody } from './records-body.js';
import { parseRegistration } from './registration.js';
import { deviceStatus } from './status.js';
import { recordJson } from './record-json.js';
import { CONTENT_TYPES, EXPORT_FORMATS, exportRecords, type ExportFormat } from './export.js';
import type { IngestStore } from './store.js';
import type { SignatureChecker } from './signature-check.js';

export interface IngestLimits {
  /** Bytes of a POST /v1/records body. Default 4 MiB. */
  maxBodyBytes: number;
  /** Records in one POST /v1/records. Default 2000. */
  maxRecords: number;
}

export const DEFAULT_LIMITS: IngestLimits = { maxBodyBytes: 4 * 1024 * 1024, maxRecords: 2000 };

export interface IngestServerOptions {
  store: IngestStore;
  /** Provisioning token for POST /v1/devices; without one, registration is refused (403). */
  token?: string;
  limits?: Partial<IngestLimits>;
  checker?: SignatureChecker;
  now?: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

function tokenMatches(given: string, expected: string): boolean {
  // Compare digests so the time taken says nothing about the token's length or prefix.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The request handler and the Ingest behind it, without listening (tests and the bench call `listen` themselves). */
export function createIngestServer(o: IngestServerOptions): { server: Server; ingest: Ingest } {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const ingest = new Ingest({ store: o.store, sha256: { sha256: nodeSha256 }, checker: o.checker, now: o.now });
  const now = o.now ?? Date.now;

  const postRecords: Handler = async (req, res) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/cbor') throw new ApiError(415, 'unsupported-media-type', `content-type must be application/cbor, got ${JSON.stringify(type || '(none)')}`);
    const body = await readBody(req, limits.maxBodyBytes);
    const records = parseRecordsBody(body, limits.maxRecords);
    sendJson(res, 200, await ingest.ingest(records));
  };

  const postDevices: Handler = async (req, res) => {
    const auth = req.headers.authorization;
    if (!auth || !/^Bearer \S+$/.test(auth)) throw new ApiError(401, 'unauthorized', 'authorization: Bearer <provisioning token> is required', { 'www-authenticate': 'Bearer' });
    if (!o.token) throw new ApiError(403, 'registration-disabled', 'this ingest has no provisioning token configured');
    if (!tokenMatches(auth.slice(7), o.token)) throw new ApiError(403, 'forbidden', 'wrong provisioning token');
    const reg = parseRegistration(jsonObject(await readBody(req, 64 * 1024)));
    const outcome = await o.store.register(reg, now());
    if (outcome === 'conflict') throw new ApiError(409, 'key-conflict', `device ${reg.id} is registered with a different key; a device never changes its key (retire the id instead)`);
    const d = (await o.store.device(reg.id))!;
    sendJson(res, outcome === 'created' ? 201 : 200, { created: outcome === 'created', device: deviceStatus(d, await o.store.counts(reg.id)) });
  };

  const device = async (raw: string) => {
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      throw new ApiError(400, 'bad-parameter', `device id ${JSON.stringify(raw.slice(0, 80))} is not valid percent-encoding`);
    }
    const d = await o.store.device(id);
    if (!d) throw new ApiError(404, 'unknown-device', `no device ${JSON.stringify(id.slice(0, 80))} is registered`);
    return d;
  };

  const routes: Array<[string, RegExp, Handler]> = [
    ['POST', /^\/v1\/records$/, postRecords],
    ['POST', /^\/v1\/devices$/, postDevices],
    ['GET', /^\/v1\/devices$/, async (_q, res) => {
      const out = [];
      for (const d of await o.store.devices()) out.push(deviceStatus(d, await o.store.counts(d.id)));
      sendJson(res, 200, { devices: out });
    }],
    ['GET', /^\/v1\/devices\/([^/]+)$/, async (_q, res, _u, [id]) => {
      const d = await device(id);
      sendJson(res, 200, deviceStatus(d, await o.store.counts(d.id)));
    }],
    ['GET', /^\/v1\/devices\/([^/]+)\/records$/, async (_q, res, url, [id]) => {
      const d = await device(id);
      const from = intParam(url.searchParams, 'from', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(url.searchParams, 'limit', 100, 1000);
      const records = (await o.store.records(d.id, from, limit)).map(recordJson);
      const next = records.length === limit ? records[records.length - 1].seq + 1 : null;
      sendJson(res, 200, { device: d.id, records, next });
    }],
    ['GET', /^\/v1\/export$/, async (_q, res, url) => {
      const format = (url.searchParams.get('format') ?? 'cose') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) throw new ApiError(400, 'bad-parameter', `format must be one of ${EXPORT_FORMATS.join(', ')}`);
      const id = url.searchParams.get('device');
      if (id !== null) await device(id);
      sendBytes(res, 200, CONTENT_TYPES[format], await exportRecords(o.store, format, id ?? undefined));
    }],
    ['GET', /^\/v1\/health$/, async (_q, res) => {
      const h = await o.store.health();
      sendJson(res, h.ok ? 200 : 503, { status: h.ok ? 'ok' : 'unavailable', ...h, limits });
    }],
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://ingest');
    const path = routes.filter((r) => r[1].test(url.pathname));
    if (!path.length) throw new ApiError(404, 'not-found', `no route ${url.pathname}`);
    const route = path.find((r) => r[0] === req.method);
    if (!route) throw new ApiError(405, 'method-not-allowed', `${req.method} is not allowed on ${url.pathname}`, { allow: path.map((r) => r[0]).join(', ') });
    await route[2](req, res, url, route[1].exec(url.pathname)!.slice(1));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof ApiError) sendError(res, e);
      else if (e instanceof Error && (e as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        // Another writer held the database past busy_timeout: nothing was stored; the device retries after a pause.
        sendError(res, new ApiError(503, 'busy', 'the store is busy; nothing from this request was acknowledged', { 'retry-after': '1' }));
      } else {
        console.error('sealscan ingest: internal error:', e);
        sendError(res, new ApiError(500, 'internal', 'internal error; nothing from this request was acknowledged'));
      }
      // Drain what is left of a refused body, so the client sees the answer instead of a reset.
      if (!req.complete) req.resume();
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"bad-request","message":"malformed HTTP request"}}');
    else socket.destroy();
  });
  return { server, ingest };
}
