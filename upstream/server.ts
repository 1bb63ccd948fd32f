// The ingest's HTTP face (node:http): guards (Host names, tokens per role, failed-attempt limits, connection caps,
// timeouts), a route table under /v1, and one error shape. Request handling never lets an exception escape: a
// hostile request gets a 4xx JSON error, a bug a 500, and the server keeps serving.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { nodeSha256 } from '../hal/node/crypto.js';
import { Ingest, type IngestLimits } from './ingest.js';
import { answerClientErrors, ApiError, checkTransferEncoding, matchRoute, routeParams, sendError } from './http-util.js';
import { capConnections, checkHost, checkToken, FailureLimiter, hold, LOOPBACK_NAMES, Tokens } from './guards.js';
import { ROUTES, type RouteContext } from './routes.js';
import type { IngestStore } from './store.js';
import type { SignatureChecker } from './signature-check.js';
import type { DeviceRow } from './store.js';
import type { RefusalLimits } from './refusals.js';
import type { RuleSettings } from './closed-loop.js';
import type { UpstreamTrust } from './rejudge.js';

export interface ServerLimits {
  /** Bytes of a POST /v1/records body. Default 4 MiB. */
  maxBodyBytes: number;
  /** Records in one POST /v1/records. Default 2000. */
  maxRecords: number;
  /** Bytes of one record in an upload. Default 16 KiB (a scan record has about 400). */
  maxRecordBytes: number;
  /** Time to receive a request's headers, ms. Default 10 s. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, ms. Default 60 s. */
  requestTimeoutMs: number;
  /** A connection without any traffic for this long is closed, ms. Default 30 s. */
  idleTimeoutMs: number;
  /** Open connections per client address. Default 32. */
  maxConnectionsPerClient: number;
  /** Bytes of a request's headers (larger: 431). Default 16 KiB. */
  maxHeaderBytes: number;
  /** Failed token attempts per client and window before 429. Default 10 per 60 s. */
  maxAuthFailures: number;
  authWindowMs: number;
  /** Uploads refused whole (4xx: bad body, over a limit) per client and window before 429. Default 20 per 60 s. */
  maxBadBodies: number;
  /** After its 429, a client's further connections in the window are held unread this long, then closed. Default 5 s. */
  silencedHoldMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxRecords: 2000,
  maxRecordBytes: 16 * 1024,
  headersTimeoutMs: 10000,
  requestTimeoutMs: 60000,
  idleTimeoutMs: 30000,
  maxConnectionsPerClient: 32,
  maxHeaderBytes: 16 * 1024,
  maxAuthFailures: 10,
  authWindowMs: 60000,
  maxBadBodies: 20,
  silencedHoldMs: 5000,
};

export interface IngestServerOptions {
  store: IngestStore;
  /** Provisioning token (POST /v1/devices); without one, registration is refused (403). At least 16 characters. */
  token?: string;
  /** Auditor token (reads and exports); without one, reads are refused (403). At least 16 characters. */
  auditorToken?: string;
  /** Host names answered (default: loopback names). Lower case, without port. */
  hostNames?: string[];
  limits?: Partial<ServerLimits>;
  ingestLimits?: Partial<IngestLimits>;
  refusals?: Partial<RefusalLimits>;
  checker?: SignatureChecker;
  keyProblem?: (d: DeviceRow) => string | undefined;
  /** Issuers and originality keys for re-judging scans their device could not check (upstream/rejudge.ts). */
  trust?: UpstreamTrust;
  /** Closed-loop rule settings (maxSpeedKmh, terminalGraceMs), or false for none (upstream/closed-loop.ts). */
  rules?: RuleSettings | false;
  now?: () => number;
}

/**
 * The request handler and the Ingest behind it, without listening (callers `listen` themselves, and on shutdown
 * close the server, then `ingest.close()` to write pending refusal counts, then the store). Throws TokenError for a
 * token shorter than 16 characters.
 */
export function createIngestServer(o: IngestServerOptions): { server: Server; ingest: Ingest } {
  const ctx = routeContext(o);
  const names = new Set((o.hostNames ?? LOOPBACK_NAMES).map((n) => n.toLowerCase()));
  const server = createServer(httpOptions(ctx.limits), (req, res) => {
    handle(req, res, ctx, names).catch((e: unknown) => answerFailure(req, res, e));
  });
  server.keepAliveTimeout = 5000;
  server.timeout = ctx.limits.idleTimeoutMs;
  server.on('timeout', (socket) => socket.destroy());
  capConnections(server, ctx.limits.maxConnectionsPerClient);
  answerClientErrors(server);
  return { server, ingest: ctx.ingest };
}

/** The tokens checked, the Ingest and the limiters every route shares. */
function routeContext(o: IngestServerOptions): RouteContext {
  checkToken(o.token, 'the provisioning token');
  checkToken(o.auditorToken, 'the auditor token');
  if (o.token !== undefined && o.token === o.auditorToken) throw new ApiError(500, 'config', 'the provisioning and auditor tokens must differ');
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const now = o.now ?? Date.now;
  const ingest = new Ingest({ store: o.store, sha256: { sha256: nodeSha256 }, checker: o.checker, now, limits: o.ingestLimits, refusals: o.refusals, keyProblem: o.keyProblem, trust: o.trust, rules: o.rules });
  const limiter = new FailureLimiter(limits.maxAuthFailures, limits.authWindowMs, now);
  const bodyLimiter = new FailureLimiter(limits.maxBadBodies, limits.authWindowMs, now);
  return { store: o.store, ingest, limits, tokens: new Tokens({ provisioning: o.token, auditor: o.auditorToken }, limiter), limiter, bodyLimiter, now };
}

/** node:http's own limits, from ours. */
function httpOptions(limits: ServerLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // How often node:http looks for requests over their time (default 30 s, which would let a slow request
    // outlive a short limit by that much).
    connectionsCheckingInterval: Math.max(100, Math.min(30000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };
}

/** One request: guards (a silenced client, Host, transfer encoding), the route table, the route's role, the route. */
async function handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, names: Set<string>): Promise<void> {
  const client = req.socket.remoteAddress ?? '?';
  if (ctx.bodyLimiter.silenced(client)) return hold(req, ctx.limits.silencedHoldMs);
  checkHost(req, names);
  checkTransferEncoding(req);
  const url = new URL(req.url ?? '/', 'http://ingest');
  const route = matchRoute(ROUTES, req.method, url.pathname, true);
  if (route.role) ctx.tokens.require(req, route.role, client);
  await route.handle({ req, res, url, params: routeParams(route, url.pathname), client }, ctx);
}

/**
 * PostgreSQL failures that pass: connection exceptions (SQLSTATE class 08), an administrator or crash shutdown or a
 * server still starting (57P01-57P03), too many connections (53300), a serialization failure or deadlock (40001,
 * 40P01), and the socket errors of a server that is gone (a failover, a restart).
 */
const PG_TRANSIENT = /^(08...|57P0[123]|53300|40001|40P01|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/** Whether `e` says the store is busy or out of reach for now (the request can be sent again), and which. */
function storeUnavailable(e: unknown): 'busy' | 'unavailable' | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: string }).code;
  if (code?.startsWith('SQLITE_BUSY')) return 'busy';
  if ((code !== undefined && PG_TRANSIENT.test(code)) || /^Connection terminated/.test(e.message)) return 'unavailable';
  return undefined;
}

/** The error shape for whatever a request threw: its ApiError, 503 for a busy store, 500 (logged) for a bug. */
function answerFailure(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof ApiError) sendError(res, e, req);
  else if (storeUnavailable(e) === 'busy') {
    // Another writer held the database past busy_timeout: nothing was stored; the device retries after a pause.
    sendError(res, new ApiError(503, 'busy', 'the store is busy; nothing from this request was acknowledged', { 'retry-after': '1' }), req);
  } else if (storeUnavailable(e) === 'unavailable') {
    // The database went away (failover, restart): nothing was acknowledged; the device retries after a pause.
    console.error(`sealscan ingest: the database cannot be reached: ${(e as Error).message}`);
    sendError(res, new ApiError(503, 'unavailable', 'the database cannot be reached; nothing from this request was acknowledged', { 'retry-after': '2' }), req);
  } else {
    console.error('sealscan ingest: internal error:', e);
    sendError(res, new ApiError(500, 'internal', 'internal error; nothing from this request was acknowledged'), req);
  }
}
