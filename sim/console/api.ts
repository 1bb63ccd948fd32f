// The console's JSON API under /api: one table of routes over the session. Every answer is JSON; every failure is
// { "error": { "code", "message" } } with a 4xx naming the problem (the ingest's error shape).
import { ApiError, intParam } from '../../upstream/http-util.js';
import { deviceStatus } from '../../upstream/status.js';
import { recordJson } from '../../upstream/record-json.js';
import { ackedBy, alertJson, packageAnswer } from '../../upstream/routes.js';
import { collectExport, CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from '../../upstream/export.js';
import { NETWORK_MODES, type NetworkMode, type NetworkSetting } from '../network.js';
import { SCENARIOS, findScenario, runScenario } from '../scenarios/index.js';
import type { ConsoleSession } from './session.js';
import * as tags from './tag-actions.js';

export interface ApiCall {
  session: ConsoleSession;
  body: { [k: string]: unknown };
  params: string[];
  query: URLSearchParams;
}

/** A handler's answer: the JSON body (status 200), or a status with a body. */
export type ApiAnswer = unknown | { status: number; body: unknown };
type Handler = (c: ApiCall) => ApiAnswer | Promise<ApiAnswer>;

const DAY = 86400000;

function whole(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ApiError(400, 'bad-field', `${field}: a whole number ${min}..${max}`);
  return v;
}

function network(c: ApiCall): NetworkSetting {
  const b = c.body;
  if (!NETWORK_MODES.includes(b.mode as NetworkMode)) throw new ApiError(400, 'bad-field', `mode: one of ${NETWORK_MODES.join(', ')}`);
  const s: Partial<NetworkSetting> = { mode: b.mode as NetworkMode };
  if (b.latencyMs !== undefined) s.latencyMs = whole(b.latencyMs, 'latencyMs', 0, 600000);
  if (b.retryAfterS !== undefined) s.retryAfterS = whole(b.retryAfterS, 'retryAfterS', 0, 86400);
  return c.session.device.setNetwork(s);
}

async function power(c: ApiCall): Promise<unknown> {
  const d = c.session.device;
  switch (c.body.action) {
    case 'cut-now':
      d.cutPower('now');
      break;
    case 'cut-next-write':
      d.cutPower('next-write', c.body.bytes === undefined ? undefined : whole(c.body.bytes, 'bytes', 0, 4096));
      break;
    case 'on':
      await d.powerOn('power-on');
      break;
    case 'reset':
      await d.reset('software');
      break;
    default:
      throw new ApiError(400, 'bad-field', 'action: cut-now, cut-next-write, on or reset');
  }
  return d.status();
}

function faults(c: ApiCall): unknown {
  const w = c.session.device.world;
  switch (c.body.kind) {
    case 'weak-field':
      if (typeof c.body.on !== 'boolean') throw new ApiError(400, 'bad-field', 'on: true or false');
      w.setWeakField(c.body.on);
      break;
    case 'drop':
      w.dropAnswers(c.body.count === undefined ? 1 : whole(c.body.count, 'count', 1, 100));
      break;
    case 'corrupt':
      w.corruptAnswers(c.body.count === undefined ? 1 : whole(c.body.count, 'count', 1, 100));
      break;
    default:
      throw new ApiError(400, 'bad-field', 'kind: weak-field, drop or corrupt (a pull-away is POST /api/reader/pull-away)');
  }
  return c.session.device.status();
}

async function ingestView(c: ApiCall): Promise<unknown> {
  const store = c.session.ingest.store;
  await c.session.ingest.ingest.refusals.flush();
  const devices = [];
  for (const d of await store.devices()) devices.push(deviceStatus(d, await store.counts(d.id)));
  return { url: c.session.ingest.url, devices };
}

async function ingestRecords(c: ApiCall): Promise<unknown> {
  const store = c.session.ingest.store;
  const id = c.query.get('device') ?? c.session.device.config.deviceId;
  const d = await store.device(id);
  if (!d) throw new ApiError(404, 'unknown-device', `no device ${JSON.stringify(id)} at the ingest`);
  const last = intParam(c.query, 'last', 50, 500);
  const counts = await store.counts(id);
  const from = c.query.has('from') ? intParam(c.query, 'from', 0, Number.MAX_SAFE_INTEGER) : Math.max(0, (counts.lastSeq ?? -1) - last + 1);
  return { device: id, records: (await store.records(id, from, last)).map(recordJson) };
}

/** An export of one device's records from the in-process ingest (the console's own route: no auditor token in the page). */
async function ingestExport(c: ApiCall): Promise<unknown> {
  const format = (c.query.get('format') ?? 'cose') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new ApiError(400, 'bad-parameter', `format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const id = c.query.get('device') ?? c.session.device.config.deviceId;
  if (!(await c.session.ingest.store.device(id))) throw new ApiError(404, 'unknown-device', `no device ${JSON.stringify(id)} at the ingest`);
  return { contentType: CONTENT_TYPES[format], bytes: await collectExport(c.session.ingest.store, format, id) };
}

/** The step button on the scanner's case: pressed once; answers with what the scanner showed (within 2 s). */
async function stepButton(c: ApiCall): Promise<unknown> {
  const d = c.session.device;
  if (!d.powered) throw new ApiError(409, 'off', 'the scanner is off: power it on first');
  const next = d.world.nextTap(2000);
  d.pressStepButton();
  return { tap: await next, status: d.status() };
}

/** A package's story from the in-process ingest, by Digital Link or tag UID (the console's face of GET /v1/packages). */
async function packageView(c: ApiCall): Promise<unknown> {
  const id = c.params[0];
  const answer = await packageAnswer(c.session.ingest.store, id);
  if (!answer) throw new ApiError(404, 'unknown-package', `the ingest holds no scan or commission record of ${JSON.stringify(id.slice(0, 120))} yet`);
  return answer;
}

async function alertList(c: ApiCall): Promise<unknown> {
  const state = c.query.get('state') ?? 'open';
  if (state !== 'open' && state !== 'acked' && state !== 'all') throw new ApiError(400, 'bad-parameter', 'state must be open, acked or all');
  return { alerts: (await c.session.ingest.store.alerts({ state, limit: 200 })).map(alertJson) };
}

async function alertAck(c: ApiCall): Promise<unknown> {
  const a = await c.session.ingest.store.ackAlert(c.params[0], ackedBy(c.body.by, 'console'), c.session.clock.wallTime());
  if (!a) throw new ApiError(404, 'unknown-alert', `no alert ${JSON.stringify(c.params[0].slice(0, 200))}`);
  return alertJson(a);
}

export const ROUTES: Array<{ method: string; path: RegExp; handle: Handler }> = [
  { method: 'GET', path: /^\/api\/status$/, handle: (c) => c.session.status() },
  { method: 'GET', path: /^\/api\/log$/, handle: (c) => ({ entries: c.session.log() }) },
  { method: 'GET', path: /^\/api\/tags$/, handle: (c) => ({ tags: c.session.status().tags }) },
  { method: 'POST', path: /^\/api\/tags$/, handle: (c) => ({ status: 201, body: tags.createTag(c.session, c.body) }) },
  { method: 'POST', path: /^\/api\/tags\/demo$/, handle: async (c) => ({ status: 201, body: { tags: await tags.demoShelf(c.session) } }) },
  { method: 'POST', path: /^\/api\/tags\/([^/]+)\/seal$/, handle: (c) => tags.seal(c.session, c.params[0], c.body) },
  { method: 'POST', path: /^\/api\/tags\/([^/]+)\/clone$/, handle: (c) => ({ status: 201, body: tags.clone(c.session, c.params[0], c.body) }) },
  { method: 'GET', path: /^\/api\/tags\/([^/]+)\/memory$/, handle: (c) => tags.memory(c.session, c.params[0]) },
  { method: 'POST', path: /^\/api\/tags\/([^/]+)\/tamper$/, handle: (c) => tags.tamper(c.session, c.params[0], c.body) },
  { method: 'DELETE', path: /^\/api\/tags\/([^/]+)$/, handle: (c) => (tags.remove(c.session, c.params[0]), { deleted: c.params[0] }) },
  { method: 'POST', path: /^\/api\/reader\/(place|lift|tap|pull-away)$/, handle: (c) => tags.reader(c.session, c.params[0], c.body) },
  { method: 'POST', path: /^\/api\/faults$/, handle: faults },
  { method: 'POST', path: /^\/api\/step-button$/, handle: stepButton },
  { method: 'POST', path: /^\/api\/network$/, handle: network },
  { method: 'POST', path: /^\/api\/power$/, handle: power },
  { method: 'POST', path: /^\/api\/sync$/, handle: (c) => (c.session.device.syncNow(), c.session.device.status()) },
  { method: 'POST', path: /^\/api\/clock$/, handle: (c) => {
    c.session.skip(whole(c.body.skipMs, 'skipMs', 1, DAY));
    return c.session.status().clock;
  } },
  { method: 'GET', path: /^\/api\/ingest$/, handle: ingestView },
  { method: 'GET', path: /^\/api\/ingest\/records$/, handle: ingestRecords },
  { method: 'GET', path: /^\/api\/ingest\/export$/, handle: ingestExport },
  { method: 'GET', path: /^\/api\/packages\/([^/]+)$/, handle: packageView },
  { method: 'GET', path: /^\/api\/alerts$/, handle: alertList },
  { method: 'POST', path: /^\/api\/alerts\/([^/]+)\/ack$/, handle: alertAck },
  { method: 'GET', path: /^\/api\/scenarios$/, handle: () => ({ scenarios: SCENARIOS.map((s) => ({ name: s.name, title: s.title, summary: s.summary })) }) },
  { method: 'POST', path: /^\/api\/scenarios\/([^/]+)\/run$/, handle: async (c) => {
    const s = findScenario(c.params[0]);
    if (!s) throw new ApiError(404, 'unknown-scenario', `no scenario ${JSON.stringify(c.params[0])}`);
    const r = await runScenario(s);
    c.session.note(`scenario ${s.name}: ${r.ok ? 'PASS' : 'FAIL'} (${r.checks.filter((x) => x.ok).length}/${r.checks.length})`);
    return r;
  } },
];
