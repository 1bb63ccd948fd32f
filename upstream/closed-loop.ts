// The closed loop at the ingest (docs/closed-loop.md): package events from accepted records, and the rules run over
// the packages a commit touched (live) or over every package in the store (rescan). Both paths end in the same
// function of a package's stored events, which is why they agree.
import { parseCose } from '../firmware/records/cose.js';
import { decodePayload } from '../firmware/records/record.js';
import type { RecordPayload } from '../firmware/records/kinds.js';
import type { Sha256 } from '../hal/crypto.js';
import { packageEvent, type PackageEvent } from './packages.js';
import { evaluatePackage, type Alert, type RuleOptions } from './rules.js';
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

/** Runs the rules over each of `packages` as stored now and stores the result (null: every package, a rescan). */
export async function evaluatePackages(store: IngestStore, packages: string[] | null, all: string[], settings: RuleSettings, at: number): Promise<Alert[]> {
  const sites = await store.siteCoordinates();
  const options: RuleOptions = { ...settings, site: (id) => sites.get(id) };
  const rules = (events: Map<string, PackageEvent[]>) => [...events.values()].flatMap((e) => evaluatePackage(e, options));
  // Live: read, evaluated and stored while the store holds the packages, so that uploads of the same packages at
  // once (in other processes too) never store alerts from events older than the other's.
  if (packages !== null) return store.evaluateAlerts(packages, rules, at);
  // A rescan: the events of many packages per lookup (one round trip to a server database instead of one per package).
  const alerts: Alert[] = [];
  for (let i = 0; i < all.length; i += EVENTS_PER_LOOKUP) alerts.push(...rules(await store.eventsOfPackages(all.slice(i, i + EVENTS_PER_LOOKUP))));
  await store.setAlerts(null, alerts, at);
  return alerts;
}

/** Packages whose events one lookup reads (a rescan goes through every package in steps of this). */
const EVENTS_PER_LOOKUP = 1000;

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
  const alerts = await evaluatePackages(store, null, packages, settings, at);
  return { records, packages: packages.length, alerts };
}
