// Rules over one package's events (docs/closed-loop.md): pure functions of the events and the sites' coordinates,
// so that evaluating them as records arrive and again over the whole store (`sealscan alerts --rescan`) gives the
// same alerts. Each alert names its evidence (records by device and seq) and has an id made from the rule, the
// package and that evidence, so the same finding is the same alert however often it is found.
import { eventOrder, TERMINAL_STEPS, type PackageEvent } from './packages.js';

export type Severity = 'critical' | 'high' | 'medium';
export type RuleName = 'never-commissioned' | 'copied-seal' | 'scan-after-terminal' | 'impossible-travel' | 'bad-verdict' | 'uid-two-seals' | 'steps-out-of-order' | 'device-chain';
export const RULES: readonly RuleName[] = ['never-commissioned', 'copied-seal', 'scan-after-terminal', 'impossible-travel', 'bad-verdict', 'uid-two-seals', 'steps-out-of-order', 'device-chain'];

export interface Alert {
  id: string;
  rule: RuleName;
  severity: Severity;
  package: string;
  message: string;
  evidence: Array<{ device: string; seq: number }>;
}

export interface Geo {
  latitude: number;
  longitude: number;
}

export interface RuleOptions {
  /** Coordinates of a site by the id scans carry (its id or GLN); undefined when not known. */
  site: (id: string) => Geo | undefined;
  /** Fastest a package can travel, km/h (default 900: an airliner). */
  maxSpeedKmh?: number;
  /** A later scan at the same site and step within this long is a second tap, not a new event (default 15 min). */
  terminalGraceMs?: number;
}

export const DEFAULT_MAX_SPEED_KMH = 900;
export const DEFAULT_TERMINAL_GRACE_MS = 15 * 60_000;
/** Evidence records listed per alert at most (the first ones in event order). */
const MAX_EVIDENCE = 20;

const ref = (e: PackageEvent) => ({ device: e.device, seq: e.seq });
const at = (e: PackageEvent) => `${e.device}#${e.seq}`;

function alert(rule: RuleName, severity: Severity, pkg: string, message: string, evidence: PackageEvent[]): Alert {
  const ev = evidence.slice(0, MAX_EVIDENCE).map(ref);
  return { id: `${rule}:${pkg}:${evidence.map(at).join(',')}`, rule, severity, package: pkg, message, evidence: ev };
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(a: Geo, b: Geo): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Scans of a package with a Digital Link, and no commission record for it anywhere. */
function neverCommissioned(pkg: string, events: PackageEvent[]): Alert[] {
  if (!pkg.startsWith('https://') || events.some((e) => e.kind === 'commission')) return [];
  const scans = events.filter((e) => e.kind === 'scan');
  if (!scans.length) return [];
  return [alert('never-commissioned', 'medium', pkg, `${pkg} was scanned ${scans.length} time(s) and never commissioned by a packaging station`, scans.slice(0, 1))];
}

/** One seal (same seal bytes) on two or more tag UIDs: the seal was copied onto another tag. */
function copiedSeal(pkg: string, events: PackageEvent[]): Alert[] {
  const bySeal: { [hash: string]: PackageEvent[] } = {};
  for (const e of events) if (e.sealHash) (bySeal[e.sealHash] ??= []).push(e);
  const out: Alert[] = [];
  for (const hash of Object.keys(bySeal).sort()) {
    const firstPerUid: PackageEvent[] = [];
    for (const e of bySeal[hash]) if (!firstPerUid.some((f) => f.uid === e.uid)) firstPerUid.push(e);
    if (firstPerUid.length < 2) continue;
    out.push(alert('copied-seal', 'critical', pkg, `the seal ${hash.slice(0, 16)}… of ${pkg} is on ${firstPerUid.length} tags (UIDs ${firstPerUid.map((e) => e.uid).join(', ')})`, firstPerUid));
  }
  return out;
}

/** Anything after the package was dispensed, exported or destroyed (a second tap at the same place and step excepted). */
function scanAfterTerminal(pkg: string, events: PackageEvent[], graceMs: number): Alert[] {
  const i = events.findIndex((e) => TERMINAL_STEPS.includes(e.step));
  if (i < 0) return [];
  const end = events[i];
  const later = events.slice(i + 1).filter((e) => !(e.site === end.site && e.step === end.step && e.time - end.time <= graceMs));
  if (!later.length) return [];
  return [alert('scan-after-terminal', 'high', pkg, `${pkg} was seen ${later.length} time(s) after ${end.step} at ${end.site} (first: ${later[0].step} at ${later[0].site})`, [end, ...later])];
}

/** Two consecutive events at sites further apart than the package could have travelled in the time between. */
function impossibleTravel(pkg: string, events: PackageEvent[], o: RuleOptions): Alert[] {
  const max = o.maxSpeedKmh ?? DEFAULT_MAX_SPEED_KMH;
  const out: Alert[] = [];
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1];
    const b = events[i];
    if (a.site === b.site) continue;
    const ga = o.site(a.site);
    const gb = o.site(b.site);
    if (!ga || !gb) continue;
    const km = distanceKm(ga, gb);
    const hours = Math.max(0, b.time - a.time) / 3_600_000;
    if (km > max * hours) {
      const speed = hours > 0 ? `${Math.round(km / hours)} km/h` : 'at the same time';
      out.push(alert('impossible-travel', 'high', pkg, `${pkg} at ${a.site} then ${b.site}, ${Math.round(km)} km in ${Math.round(hours * 60)} min (${speed}; at most ${max} km/h)`, [a, b]));
    }
  }
  return out;
}

/** Severity of a scan verdict that raises an alert; the others (genuine, unknown, unreadable) raise none. */
const VERDICT_SEVERITY: { [verdict: string]: Severity } = { 'invalid-seal': 'critical', 'clone-suspect': 'critical', tampered: 'high' };

/**
 * Scans judged tampered, clone-suspect or invalid-seal (by the ingest where it re-judged them, else by the scanner):
 * one alert per verdict, with every such scan as evidence.
 */
function badVerdict(pkg: string, events: PackageEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const verdict of Object.keys(VERDICT_SEVERITY)) {
    const hits = events.filter((e) => e.kind === 'scan' && e.verdict === verdict);
    if (!hits.length) continue;
    out.push(alert('bad-verdict', VERDICT_SEVERITY[verdict], pkg, `${pkg}: ${hits.length} scan(s) judged ${verdict} (first at ${hits[0].site})`, hits));
  }
  return out;
}

/**
 * One tag UID carrying two different seals, where not every one of them was commissioned: a tag resealed outside a
 * packaging station, or a clone with this UID that got another seal. Evidence: the first record of each seal.
 */
function uidTwoSeals(pkg: string, events: PackageEvent[]): Alert[] {
  const out: Alert[] = [];
  const uids: string[] = [];
  for (const e of events) if (!uids.includes(e.uid)) uids.push(e.uid);
  for (const uid of uids) {
    const firstPerSeal: PackageEvent[] = [];
    for (const e of events) if (e.uid === uid && e.sealHash && !firstPerSeal.some((f) => f.sealHash === e.sealHash)) firstPerSeal.push(e);
    if (firstPerSeal.length < 2) continue;
    const commissioned = (hash: string | null) => events.some((e) => e.kind === 'commission' && e.sealHash === hash);
    if (firstPerSeal.every((e) => commissioned(e.sealHash))) continue;
    out.push(alert('uid-two-seals', 'high', pkg, `tag ${uid} of ${pkg} carried ${firstPerSeal.length} different seals, not all from a packaging station`, firstPerSeal));
  }
  return out;
}

/**
 * Steps that skip a hand-over, up to and including the first terminal step (what follows it is scan-after-terminal's):
 * a package received at a site whose last event elsewhere was not a shipping, and a package dispensed at a site that
 * did not receive it there since it was last elsewhere. One alert per such event, with the event before it as
 * evidence (the last one elsewhere, or none for a dispensing never received anywhere).
 */
function stepsOutOfOrder(pkg: string, events: PackageEvent[]): Alert[] {
  const out: Alert[] = [];
  const end = events.findIndex((e) => TERMINAL_STEPS.includes(e.step));
  const upTo = end < 0 ? events.length : end + 1;
  for (let i = 0; i < upTo; i++) {
    const e = events[i];
    if (e.step !== 'receiving' && e.step !== 'dispensing') continue;
    let j = i - 1;
    while (j >= 0 && events[j].site === e.site) j--;
    const elsewhere = j >= 0 ? events[j] : undefined;
    if (e.step === 'receiving') {
      if (!elsewhere || elsewhere.step === 'shipping') continue;
      out.push(alert('steps-out-of-order', 'medium', pkg, `${pkg} was received at ${e.site} without being shipped (last seen: ${elsewhere.step} at ${elsewhere.site})`, [elsewhere, e]));
      continue;
    }
    let received = false;
    for (let k = j + 1; k < i; k++) if (events[k].step === 'receiving') received = true;
    if (received) continue;
    const before = elsewhere ? ` (last seen: ${elsewhere.step} at ${elsewhere.site})` : '';
    out.push(alert('steps-out-of-order', 'medium', pkg, `${pkg} was dispensed at ${e.site} without being received there${before}`, elsewhere ? [elsewhere, e] : [e]));
  }
  return out;
}

/** Every alert the rules raise on one package's events (any order in, alerts in rule order out). */
export function evaluatePackage(events: PackageEvent[], o: RuleOptions): Alert[] {
  if (!events.length) return [];
  const sorted = events.slice().sort(eventOrder);
  const pkg = sorted[0].package;
  return [
    ...neverCommissioned(pkg, sorted),
    ...copiedSeal(pkg, sorted),
    ...scanAfterTerminal(pkg, sorted, o.terminalGraceMs ?? DEFAULT_TERMINAL_GRACE_MS),
    ...impossibleTravel(pkg, sorted, o),
    ...badVerdict(pkg, sorted),
    ...uidTwoSeals(pkg, sorted),
    ...stepsOutOfOrder(pkg, sorted),
  ];
}

/** The key device alerts are filed under, in the place of a package: `device:<id>`. */
export function deviceSubject(id: string): string {
  return 'device:' + id;
}

/** What the device rule reads from a device's status (status.ts). */
export interface DeviceChainView {
  id: string;
  gaps: { undeclared: Array<{ first: number; last: number }> };
  forks: Array<{ seq: number; hashes: string[] }>;
}

const span = (g: { first: number; last: number }) => (g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`);

/**
 * A device whose chain at the ingest breaks: seqs missing that the device never declared lost while later records
 * wait behind them (high), and two different records claiming one seq (critical: its key signed two histories).
 * Evidence: the first record held behind each gap; each forked seq.
 */
export function evaluateDevice(d: DeviceChainView): Alert[] {
  const subject = deviceSubject(d.id);
  const out: Alert[] = [];
  const gaps = d.gaps.undeclared;
  if (gaps.length) {
    const ev = gaps.slice(0, MAX_EVIDENCE).map((g) => ({ device: d.id, seq: g.last + 1 }));
    const listed = gaps.slice(0, 5).map(span).join(', ') + (gaps.length > 5 ? ` and ${gaps.length - 5} more` : '');
    out.push({ id: `device-chain:${subject}:gaps:${gaps.map(span).join(',')}`, rule: 'device-chain', severity: 'high', package: subject, message: `device ${d.id}: seq ${listed} missing and never declared lost, with later records waiting behind them`, evidence: ev });
  }
  if (d.forks.length) {
    const ev = d.forks.slice(0, MAX_EVIDENCE).map((f) => ({ device: d.id, seq: f.seq }));
    const listed = d.forks.slice(0, 5).map((f) => `${f.seq} (${f.hashes.map((h) => h.slice(0, 12)).join(' / ')})`).join(', ');
    out.push({ id: `device-chain:${subject}:forks:${d.forks.map((f) => f.seq).join(',')}`, rule: 'device-chain', severity: 'critical', package: subject, message: `device ${d.id}: ${d.forks.length} seq(s) claimed by two different records (${listed}): its key signed two histories`, evidence: ev });
  }
  return out;
}
