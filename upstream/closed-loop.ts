// The closed loop at the ingest (docs/closed-loop.md): package events from accepted records, and the rules run over
// the packages a commit touched (live) or over every package in the store (rescan), and the device rule over the
// devices whose chain a commit held, released or forked (live) or over every device (rescan). Both paths end in the
// same functions of what is stored, which is why they agree.
import { parseCose } from '../firmware/records/cose.js';
import { decodePayload } from '../firmware/records/record.js';
import type { RecordPayload } from '../firmware/records/kinds.js';
import type { Sha256 } from '../hal/crypto.js';
import { packageEvent, type PackageEvent } from './packages.js';
import { deviceSubject, evaluateDevice, evaluatePackage, type Alert, type RuleOptions } from './rules.js';
import { deviceStatus } from './status.js';
import type { IngestStore, StoredRecord } from './store.js';

/** Rule settings an ingest or a rescan is started with (both must use the same to agree). */
export type RuleSettings = Omit<RuleOptions, 'site'>;

/** The package events of `records` (scans and commissions); `payloads` spares decoding those already decoded. */
export function packageEventsOf(records: StoredRecord[], sha256: Sha256, payloads?: Map<StoredRecord, RecordPayload>): PackageEvent[] {
  const out: PackageEvent[] = [];
  for (const r of records) {
    if (r.kind !== 'scan' && r.kind !== 'commission') continue;
    const p = payloads?.get(r) ?? decodePayload(parseCose(r.bytes).payload);
    const e = packageEvent(p, r.upstream, sha256);
    if (e) out.push(e);
  }
  return out;
}

/** The package rules as a function of packages' events, with the sites' coordinates as the store has them now. */
async function packageRules(store: IngestStore, settings: RuleSettings): Promise<(events: Map<string, PackageEvent[]>) => Alert[]> {
  const sites = await store.siteCoordinates();
  const options: RuleOptions = { ...settings, site: (id) => sites.get(id) };
  return (events) => [...events.values()].flatMap((e) => evaluatePackage(e, options));
}

/**
 * Live: the package rules over `packages`, read, evaluated and stored while the store holds the packages, so that
 * uploads of the same packages at once (in other processes too) never store alerts from events older than the other's.
 */
export async function evaluatePackages(store: IngestStore, packages: string[], settings: RuleSettings, at: number): Promise<Alert[]> {
  return store.evaluateAlerts(packages, await packageRules(store, settings), at);
}

/** Packages whose events one lookup reads (a rescan goes through every package in steps of this). */
const EVENTS_PER_LOOKUP = 1000;

/** A rescan's package alerts: the events of many packages per lookup (one round trip, not one per package). */
async function allPackageAlerts(store: IngestStore, all: string[], settings: RuleSettings): Promise<Alert[]> {
  const rules = await packageRules(store, settings);
  const alerts: Alert[] = [];
  for (let i = 0; i < all.length; i += EVENTS_PER_LOOKUP) alerts.push(...rules(await store.eventsOfPackages(all.slice(i, i + EVENTS_PER_LOOKUP))));
  return alerts;
}

/** The device rule over each of `ids` (registered devices) as their chains stand now. */
async function deviceAlerts(store: IngestStore, ids: string[]): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const id of ids) {
    const d = await store.device(id);
    if (d) alerts.push(...evaluateDevice(deviceStatus(d, await store.counts(id))));
  }
  return alerts;
}

/** Runs the device rule over each of `ids` and makes the result their device alerts. */
export async function evaluateDevices(store: IngestStore, ids: string[], at: number): Promise<Alert[]> {
  const alerts = await deviceAlerts(store, ids);
  await store.setAlerts(ids.map(deviceSubject), alerts, at);
  return alerts;
}

/**
 * Rebuilds the package index from every accepted record and runs every rule over every package: what
 * `sealscan alerts --rescan` does, and what a rule added later needs to find old cases.
 */
export async function rescan(store: IngestStore, sha256: Sha256, settings: RuleSettings, at: number): Promise<{ records: number; packages: number; alerts: Alert[] }> {
  const events: PackageEvent[] = [];
  let after = { device: '', seq: -1 };
  let records = 0;
  for (;;) {
    const page = await store.exportPage(after, 1000);
    if (!page.length) break;
    records += page.length;
    events.push(...packageEventsOf(page, sha256));
    const last = page[page.length - 1];
    after = { device: last.device, seq: last.seq };
  }
  const packages = await store.rebuildPackages(events);
  const ids: string[] = [];
  for (let page = await store.devices(); page.length; page = await store.devices(page[page.length - 1].id)) ids.push(...page.map((d) => d.id));
  const alerts = [...(await allPackageAlerts(store, packages, settings)), ...(await deviceAlerts(store, ids))];
  await store.setAlerts(null, alerts, at);
  return { records, packages: packages.length, alerts };
}
