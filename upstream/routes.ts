// The ingest's routes under /v1, as a table: method, path pattern, the role a caller needs (none: the request
// authenticates itself, as records and probes do), and the handler. docs/ingest-api.md describes each.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCose } from '../firmware/records/cose.js';
import { parseProbe, PROBE_MAX_SKEW_MS } from '../firmware/records/probe.js';
import { RecordError } from '../firmware/records/errors.js';
import { answerJson, IngestLimitError, type Ingest } from './ingest.js';
import { ApiError, intParam, jsonObject, readBody, sendJson } from './http-util.js';
import { checkBodyHead, parseRecordsBody, type BodyLimits } from './records-body.js';
import { parseRegistration } from './registration.js';
import { deviceStatus } from './status.js';
import { recordJson } from './record-json.js';
import { CONTENT_TYPES, DEFAULT_PAGE, EXPORT_FORMATS, FIRST, formatCursor, MAX_PAGE, parseCursor, readPage, renderDocument, type ExportFormat } from './export.js';
import type { FailureLimiter, Role, Tokens } from './guards.js';
import type { ServerLimits } from './server.js';
import type { DeviceRow, IngestStore, StoredAlert } from './store.js';
import { packageStory, parsePackageId, type PackageEvent } from './packages.js';

export interface RouteContext {
  store: IngestStore;
  ingest: Ingest;
  limits: ServerLimits;
  tokens: Tokens;
  /** Failed token and probe attempts per client. */
  limiter: FailureLimiter;
  /** Uploads refused whole (4xx) per client. */
  bodyLimiter: FailureLimiter;
  now: () => number;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, percent-decoded. */
  params: string[];
  /** The client's address (for failure limits). */
  client: string;
}

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  role?: Role;
  handle(call: Call, ctx: RouteContext): Promise<void>;
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function requireType(req: IncomingMessage, type: string): void {
  const got = mediaType(req);
  if (got !== type) throw new ApiError(415, 'unsupported-media-type', `content-type must be ${type}, got ${JSON.stringify(got.slice(0, 60) || '(none)')}`);
}

async function registered(ctx: RouteContext, id: string): Promise<DeviceRow> {
  const d = await ctx.store.device(id);
  if (!d) throw new ApiError(404, 'unknown-device', `no device ${JSON.stringify(id.slice(0, 80))} is registered`);
  return d;
}

async function status(ctx: RouteContext, d: DeviceRow) {
  await ctx.ingest.refusals.flush();
  return deviceStatus(d, await ctx.store.counts(d.id));
}

/** Writes `chunks` to `res`, waiting for the socket to drain whenever its buffer is full. */
async function stream(res: ServerResponse, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const c of chunks) {
    if (!res.write(c)) await new Promise<void>((resolve) => res.once('drain', resolve));
    if (res.destroyed) return;
  }
  res.end();
}

/**
 * POST /v1/records after the body is read: the body's outer structure, then the Ingest. The in-process uplink of
 * the simulator (sim/ingest-uplink.ts) answers through this too, so both judge a body the same way.
 */
export async function uploadRecords(ingest: Ingest, limits: BodyLimits, contentType: string | undefined, body: Uint8Array): Promise<ReturnType<typeof answerJson>> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/cbor') throw new ApiError(415, 'unsupported-media-type', `content-type must be application/cbor, got ${JSON.stringify(type.slice(0, 60) || '(none)')}`);
  try {
    return answerJson(await ingest.ingest(parseRecordsBody(body, limits)));
  } catch (e) {
    if (e instanceof IngestLimitError) throw new ApiError(413, e.code, e.message);
    throw e;
  }
}

const postRecords: Route = {
  method: 'POST',
  path: /^\/v1\/records$/,
  async handle({ req, res, client }, ctx) {
    // A client whose bodies keep being refused whole is refused before its next body is read (and not drained).
    const wait = ctx.bodyLimiter.retryAfter(client);
    if (wait > 0) {
      ctx.bodyLimiter.told(client);
      throw new ApiError(429, 'too-many-bad-bodies', `too many refused bodies from this client; try again in ${wait} s`, { 'retry-after': String(wait) }, false);
    }
    try {
      requireType(req, 'application/cbor');
      const body = await readBody(req, ctx.limits.maxBodyBytes, { bytes: 9, check: (prefix) => checkBodyHead(prefix, ctx.limits) });
      sendJson(res, 200, await uploadRecords(ctx.ingest, ctx.limits, req.headers['content-type'], body));
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) ctx.bodyLimiter.fail(client);
      throw e;
    }
  },
};

const postDevices: Route = {
  method: 'POST',
  path: /^\/v1\/devices$/,
  role: 'provisioning',
  async handle({ req, res }, ctx) {
    const reg = parseRegistration(jsonObject(await readBody(req, 64 * 1024)));
    const outcome = await ctx.store.register(reg, ctx.now());
    if (outcome === 'conflict') throw new ApiError(409, 'key-conflict', `device ${reg.id} is registered with a different key; a device never changes its key (retire the id instead)`);
    const d = (await ctx.store.device(reg.id))!;
    sendJson(res, outcome === 'created' ? 201 : 200, { created: outcome === 'created', device: await status(ctx, d) });
  },
};

const listDevices: Route = {
  method: 'GET',
  path: /^\/v1\/devices$/,
  role: 'auditor',
  async handle({ res, url }, ctx) {
    const limit = intParam(url.searchParams, 'limit', 100, 1000);
    const after = url.searchParams.get('after') ?? '';
    const page = await ctx.store.devices(after, limit);
    const devices = [];
    for (const d of page) devices.push(await status(ctx, d));
    sendJson(res, 200, { devices, next: page.length === limit ? page[page.length - 1].id : null });
  },
};

const getDevice: Route = {
  method: 'GET',
  path: /^\/v1\/devices\/([^/]+)$/,
  role: 'auditor',
  async handle({ res, params: [id] }, ctx) {
    sendJson(res, 200, await status(ctx, await registered(ctx, id)));
  },
};

const getRecords: Route = {
  method: 'GET',
  path: /^\/v1\/devices\/([^/]+)\/records$/,
  role: 'auditor',
  async handle({ res, url, params: [id] }, ctx) {
    const d = await registered(ctx, id);
    const from = intParam(url.searchParams, 'from', 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(url.searchParams, 'limit', 100, 1000);
    const records = (await ctx.store.records(d.id, from, limit)).map(recordJson);
    const next = records.length === limit ? records[records.length - 1].seq + 1 : null;
    sendJson(res, 200, { device: d.id, records, next });
  },
};

/** A device asks, with a message only its key can make, whether it is registered and how far it is acknowledged. */
const postProbe: Route = {
  method: 'POST',
  path: /^\/v1\/devices\/([^/]+)\/probe$/,
  async handle({ req, res, params: [id], client }, ctx) {
    const wait = ctx.limiter.retryAfter(client);
    if (wait > 0) throw new ApiError(429, 'too-many-attempts', `too many failed attempts from this client; try again in ${wait} s`, { 'retry-after': String(wait) });
    requireType(req, 'application/cose');
    const body = await readBody(req, 1024);
    const refuse = (why: string): never => {
      ctx.limiter.fail(client);
      throw new ApiError(401, 'bad-probe', why);
    };
    let msg;
    try {
      msg = parseCose(body);
    } catch (e) {
      if (e instanceof RecordError) refuse(`not a probe: ${e.message}`);
      throw e;
    }
    if (msg.kid !== id) refuse(`the probe is signed as ${JSON.stringify(msg.kid.slice(0, 64))}, not ${JSON.stringify(id.slice(0, 64))}`);
    const d = await registered(ctx, id);
    const [check] = await ctx.ingest.check([{ msg, device: d }]);
    if (check !== 'ok') refuse(`the probe's ${msg.alg === -8 ? 'signature' : 'MAC'} does not verify with the key registered for ${id}`);
    let probe;
    try {
      probe = parseProbe(msg.payload);
    } catch (e) {
      if (e instanceof RecordError) refuse(e.message);
      throw e;
    }
    if (probe.device !== id) refuse(`the probe's payload names ${JSON.stringify(probe.device.slice(0, 64))}`);
    const skew = probe.time - ctx.now();
    if (Math.abs(skew) > PROBE_MAX_SKEW_MS) refuse(`the probe's time is ${Math.round(skew / 1000)} s from the ingest's clock (at most ${PROBE_MAX_SKEW_MS / 1000} s): check the device's clock`);
    const c = await ctx.store.counts(d.id);
    sendJson(res, 200, { device: d.id, registered: true, ackedThrough: d.ackedThrough, ackedHash: d.ackedHash, lastSeq: c.lastSeq, held: c.held });
  },
};

const getExport: Route = {
  method: 'GET',
  path: /^\/v1\/export$/,
  role: 'auditor',
  async handle({ res, url }, ctx) {
    const format = (url.searchParams.get('format') ?? 'cose') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new ApiError(400, 'bad-parameter', `format must be one of ${EXPORT_FORMATS.join(', ')}`);
    const id = url.searchParams.get('device');
    if (id !== null) await registered(ctx, id);
    const limit = intParam(url.searchParams, 'limit', DEFAULT_PAGE, MAX_PAGE) || DEFAULT_PAGE;
    const afterText = url.searchParams.get('after');
    const after = afterText === null ? FIRST : parseCursor(afterText);
    if (!after) throw new ApiError(400, 'bad-parameter', 'after must be a cursor <device id>~<seq> from a previous page');
    const page = await readPage(ctx.store, after, limit, id ?? undefined);
    const headers: { [k: string]: string } = { 'content-type': CONTENT_TYPES[format], 'x-sealscan-records': String(page.records.length) };
    if (page.next) {
      const next = new URLSearchParams(url.searchParams);
      next.set('after', formatCursor(page.next));
      headers['x-sealscan-next'] = formatCursor(page.next);
      headers.link = `</v1/export?${next.toString()}>; rel="next"`;
    }
    res.writeHead(200, headers);
    await stream(res, renderDocument(ctx.store, format, [page.records], { count: page.records.length, next: page.next }));
  },
};

const getRefusals: Route = {
  method: 'GET',
  path: /^\/v1\/refusals$/,
  role: 'auditor',
  async handle({ res, url }, ctx) {
    await ctx.ingest.refusals.flush();
    const pool = url.searchParams.get('device') ?? '';
    const limit = intParam(url.searchParams, 'limit', 50, 1000);
    const sample = (await ctx.store.refusalSample(pool, limit)).map((s) => ({
      device: s.device, seq: s.seq, reason: s.reason, message: s.message, hash: s.hash, size: s.size,
      receivedAt: new Date(s.receivedAt).toISOString(), bytes: Buffer.from(s.bytes).toString('base64'),
    }));
    sendJson(res, 200, { pool: pool || null, counts: await ctx.store.refusalCounts(pool), sample });
  },
};

/** The stories of the packages `id` names (a Digital Link, a package key, or a tag UID in hex), with their alerts. */
export async function packageAnswer(store: IngestStore, id: string): Promise<{ query: string; packages: Array<ReturnType<typeof packageStory> & { alerts: AlertJson[] }> } | undefined> {
  const by = parsePackageId(id);
  if (!by) throw new ApiError(400, 'bad-parameter', 'the package id must be a GS1 Digital Link with GTIN and serial (percent-encoded in the path), or a tag UID of 4, 7 or 10 bytes in hex');
  const events = await store.packageEvents(by);
  if (!events.length) return undefined;
  const groups = new Map<string, PackageEvent[]>();
  for (const e of events) (groups.get(e.package) ?? groups.set(e.package, []).get(e.package)!).push(e);
  const packages = [];
  for (const [pkg, list] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    packages.push({ ...packageStory(list), alerts: (await store.alerts({ state: 'all', package: pkg, limit: 1000 })).map(alertJson) });
  }
  return { query: id, packages };
}

/** Who acknowledges an alert: `by` from the body (1..64 characters), or `dflt` when it says nothing. */
export function ackedBy(by: unknown, dflt: string): string {
  if (by === undefined) return dflt;
  if (typeof by !== 'string' || by.length < 1 || by.length > 64) throw new ApiError(400, 'bad-body', '"by" must name who acknowledges, 1..64 characters');
  return by;
}

export type AlertJson = ReturnType<typeof alertJson>;

export function alertJson(a: StoredAlert) {
  return {
    id: a.id, rule: a.rule, severity: a.severity, package: a.package, message: a.message, evidence: a.evidence,
    raisedAt: new Date(a.raisedAt).toISOString(), ackedAt: a.ackedAt === null ? null : new Date(a.ackedAt).toISOString(), ackedBy: a.ackedBy,
  };
}

const getPackage: Route = {
  method: 'GET',
  path: /^\/v1\/packages\/([^/]+)$/,
  role: 'auditor',
  async handle({ res, params: [id] }, ctx) {
    const answer = await packageAnswer(ctx.store, id);
    if (!answer) throw new ApiError(404, 'unknown-package', `no scan or commission record names ${JSON.stringify(id.slice(0, 120))}`);
    sendJson(res, 200, answer);
  },
};

const listAlerts: Route = {
  method: 'GET',
  path: /^\/v1\/alerts$/,
  role: 'auditor',
  async handle({ res, url }, ctx) {
    const state = url.searchParams.get('state') ?? 'open';
    if (state !== 'open' && state !== 'acked' && state !== 'all') throw new ApiError(400, 'bad-parameter', 'state must be open, acked or all');
    const limit = intParam(url.searchParams, 'limit', 100, 1000) || 100;
    const pkg = url.searchParams.get('package');
    // A device's chain alerts are filed under `device:<id>` (rules.ts deviceSubject).
    const by = pkg === null ? undefined : pkg.startsWith('device:') ? { package: pkg } : parsePackageId(pkg);
    if (pkg !== null && (!by || !('package' in by))) throw new ApiError(400, 'bad-parameter', 'package must be a GS1 Digital Link, a package key or device:<id>');
    const alerts = await ctx.store.alerts({ state, limit, package: by && 'package' in by ? by.package : undefined });
    sendJson(res, 200, { alerts: alerts.map(alertJson) });
  },
};

const ackAlert: Route = {
  method: 'POST',
  path: /^\/v1\/alerts\/([^/]+)\/ack$/,
  role: 'auditor',
  async handle({ req, res, params: [id] }, ctx) {
    const body = await readBody(req, 4096);
    const o = body.length ? jsonObject(body) : {};
    const a = await ctx.store.ackAlert(id, ackedBy(o.by, 'auditor'), ctx.now());
    if (!a) throw new ApiError(404, 'unknown-alert', `no alert ${JSON.stringify(id.slice(0, 200))}`);
    sendJson(res, 200, alertJson(a));
  },
};

const getHealth: Route = {
  method: 'GET',
  path: /^\/v1\/health$/,
  async handle({ req, res, client }, ctx) {
    const h = await ctx.store.health();
    const body: { [k: string]: unknown } = { status: h.ok ? 'ok' : 'unavailable' };
    // Counts and limits for an auditor only: an anonymous caller learns that the service is up, nothing more.
    if (req.headers.authorization) {
      ctx.tokens.require(req, 'auditor', client);
      Object.assign(body, { records: h.records, devices: h.devices, limits: { ...ctx.limits, ...ctx.ingest.limits } });
    }
    sendJson(res, h.ok ? 200 : 503, body);
  },
};

export const ROUTES: Route[] = [postRecords, postDevices, listDevices, getDevice, getRecords, postProbe, getExport, getRefusals, getPackage, listAlerts, ackAlert, getHealth];
