// A package's story at the ingest (docs/closed-loop.md): every accepted scan or commission record becomes one
// package event, keyed by the package's canonical Digital Link (or its tag's UID when it has none); the timeline,
// the current state and the verdicts seen are read from those events.
import { toHex } from '../hal/hex.js';
import type { RecordPayload, Step, Verdict } from '../firmware/records/kinds.js';
import { DEFAULT_STEP } from '../firmware/records/kinds.js';
import type { Sha256 } from '../hal/crypto.js';
import { canonicalItemLink } from './epcis.js';
import type { UpstreamVerdict } from './rejudge.js';

/** A record's step in a package's life: the scan steps plus the packaging station's commissioning. */
export type PackageStep = Step | 'commissioning';

/** One accepted scan or commission record, as the package index keeps it. */
export interface PackageEvent {
  device: string;
  seq: number;
  /** The package: its canonical Digital Link, or `urn:sealscan:tag:<uid hex>` when the tag carried none. */
  package: string;
  /** Tag UID, lower-case hex. */
  uid: string;
  /** SHA-256 (hex) of the seal bytes written (commission) or read (scan); null for a scan of a tag without a seal. */
  sealHash: string | null;
  kind: 'commission' | 'scan';
  step: PackageStep;
  site: string;
  /** Device time, ms since the Unix epoch. */
  time: number;
  /** Scans: the ingest's verdict where it re-judged, else the device's; null for a commission. */
  verdict: Verdict | null;
}

export type PackageState = 'commissioned' | 'in-transit' | 'at-site' | 'dispensed' | 'exported' | 'destroyed';

/** Steps after which a package must not be seen again (docs/closed-loop.md). */
export const TERMINAL_STEPS: readonly PackageStep[] = ['dispensing', 'exporting', 'destroying'];

/** The package key for a link (any domain, canonicalised) or, without one, for the tag's UID. */
export function packageKey(link: string | undefined, uidHex: string): string {
  const canonical = link !== undefined ? canonicalItemLink(link) : undefined;
  return canonical ?? `urn:sealscan:tag:${uidHex.toLowerCase()}`;
}

/** The package event of a decoded record, or undefined for kinds that say nothing about a package. */
export function packageEvent(p: RecordPayload, upstream: UpstreamVerdict | undefined, crypto: Sha256): PackageEvent | undefined {
  if (p.kind === 'commission') {
    const uid = toHex(p.uid);
    return { device: p.device, seq: p.seq, package: packageKey(p.digitalLink, uid), uid, sealHash: toHex(p.sealHash), kind: 'commission', step: 'commissioning', site: p.site, time: p.time, verdict: null };
  }
  if (p.kind !== 'scan') return undefined;
  const uid = toHex(p.uid);
  return {
    device: p.device, seq: p.seq, package: packageKey(p.digitalLink, uid), uid, sealHash: p.seal ? toHex(crypto.sha256(p.seal)) : null,
    kind: 'scan', step: p.step ?? DEFAULT_STEP, site: p.site, time: p.time, verdict: upstream ? upstream.verdict : p.verdict,
  };
}

/** The order every rule and every timeline uses: device time, then device id, then seq (a total order). */
export function eventOrder(a: PackageEvent, b: PackageEvent): number {
  return a.time - b.time || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0) || a.seq - b.seq;
}

const STATE_OF: { [S in PackageStep]: PackageState } = {
  commissioning: 'commissioned',
  shipping: 'in-transit',
  receiving: 'at-site',
  inspecting: 'at-site',
  dispensing: 'dispensed',
  exporting: 'exported',
  destroying: 'destroyed',
};

export interface PackageStory {
  package: string;
  /** Canonical Digital Link, when the package has one. */
  link: string | null;
  uids: string[];
  state: PackageState;
  /** Where the package is (or ended): the site of the event that set the state. */
  site: string;
  commissioned: { device: string; seq: number; site: string; time: string } | null;
  verdicts: { [verdict: string]: number };
  timeline: Array<{ device: string; seq: number; kind: string; step: PackageStep; site: string; time: string; uid: string; verdict: Verdict | null }>;
}

/**
 * The story of one package from all its events (any order). The state is set by the first terminal event when
 * there is one (a scan after it is an alert, not a resurrection), else by the latest event.
 */
export function packageStory(events: PackageEvent[]): PackageStory {
  const sorted = events.slice().sort(eventOrder);
  const terminal = sorted.find((e) => TERMINAL_STEPS.includes(e.step));
  const last = terminal ?? sorted[sorted.length - 1];
  const commission = sorted.find((e) => e.kind === 'commission');
  const verdicts: { [v: string]: number } = {};
  for (const e of sorted) if (e.verdict) verdicts[e.verdict] = (verdicts[e.verdict] ?? 0) + 1;
  const key = sorted[0].package;
  return {
    package: key,
    link: key.startsWith('https://') ? key : null,
    uids: [...new Set(sorted.map((e) => e.uid))],
    state: STATE_OF[last.step],
    site: last.site,
    commissioned: commission ? { device: commission.device, seq: commission.seq, site: commission.site, time: new Date(commission.time).toISOString() } : null,
    verdicts,
    timeline: sorted.map((e) => ({ device: e.device, seq: e.seq, kind: e.kind, step: e.step, site: e.site, time: new Date(e.time).toISOString(), uid: e.uid, verdict: e.verdict })),
  };
}

/** What a caller may name a package by: a Digital Link (any domain), a package key, or a tag UID in hex. */
export function parsePackageId(id: string): { package: string } | { uid: string } | undefined {
  const t = id.trim();
  if (/^([0-9a-fA-F]{8}|[0-9a-fA-F]{14}|[0-9a-fA-F]{20})$/.test(t)) return { uid: t.toLowerCase() };
  if (t.startsWith('urn:sealscan:tag:')) return { package: t.toLowerCase() };
  const link = canonicalItemLink(t);
  return link ? { package: link } : undefined;
}
