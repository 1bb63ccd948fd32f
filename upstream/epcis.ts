// Scan records as GS1 EPCIS 2.0 ObjectEvents (JSON-LD), reference §3.1-3.4: one OBSERVE event per scan record,
// bizStep inspecting, disposition from the verdict, the package's Digital Link as EPC, the site as location, and
// the scanner's evidence in the `sealscan` extension namespace. docs/ingest-api.md has the mapping table.
import { decodePayload } from '../firmware/records/record.js';
import { parseCose } from '../firmware/records/cose.js';
import { toHex } from '../hal/hex.js';
import { DEFAULT_STEP, type CommissionBody, type ScanBody, type RecordHeader, type Step } from '../firmware/records/kinds.js';
import type { DeviceRow, Site, StoredRecord } from './store.js';
import { cbvEventId } from './cbv-hash.js';

/** Our extension namespace (a URN: it names, it does not resolve). */
export const SEALSCAN_NS = 'urn:sealscan:epcis:';
export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

export type EpcisEvent = { [k: string]: unknown };

/** True when `digits` ends in the right GS1 mod-10 check digit (GTIN-14, GLN-13). */
export function gs1CheckOk(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  const n = digits.length - 1;
  for (let i = 0; i < n; i++) sum += Number(digits[n - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(digits[n]);
}

/**
 * The canonical GS1 Digital Link of a serialised item (https://id.gs1.org/01/{gtin}/21/{serial}) from a link read
 * off a tag, whatever its domain; undefined when the link names no valid GTIN plus serial.
 */
export function canonicalItemLink(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const m = /\/01\/(\d{14})(?:\/22\/[^/]+)?(?:\/10\/[^/]+)?\/21\/([^/]+)$/.exec(url.pathname);
  if (!m || !gs1CheckOk(m[1])) return undefined;
  // GS1 AI 21 allows 1..20 characters of character set 82; percent-encoded in the URI.
  let serial: string;
  try {
    serial = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  if (serial.length < 1 || serial.length > 20 || !/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/.test(serial)) return undefined;
  return `https://id.gs1.org/01/${m[1]}/21/${encodeURIComponent(serial)}`;
}

/** The EPC for a scan: the canonical Digital Link, or for a tag without one a URN of its UID. */
export function epcOf(scan: ScanBody): string {
  const dl = scan.digitalLink !== undefined ? canonicalItemLink(scan.digitalLink) : undefined;
  return dl ?? `urn:sealscan:tag:${scan.tagType}:${toHex(scan.uid)}`;
}

/** The registered site when the scan names it (by id or GLN): only then do its GLN and geo describe the scan. */
function siteOf(site: string, registered: Site | undefined): Site | undefined {
  return registered && (registered.id === site || registered.gln === site) ? registered : undefined;
}

/** SGLN Digital Link of the scan's site: its own GLN, the registered site's GLN, or a URN of its id. */
function locationOf(site: string, registered: Site | undefined): string {
  if (/^\d{13}$/.test(site) && gs1CheckOk(site)) return `https://id.gs1.org/414/${site}`;
  if (registered?.gln) return `https://id.gs1.org/414/${registered.gln}`;
  return `urn:sealscan:site:${encodeURIComponent(site)}`;
}

/**
 * CBV 2.0 terms for each step (the bizStep and disposition vocabularies of ref.gs1.org/cbv): the disposition a
 * genuine package has after the step. Exporting is `departing` (the package leaves the country; CBV has no export
 * step) and stays `in_transit`. A scan whose verdict is not genuine is `non_conformant` at every step but
 * destroying: what is destroyed is destroyed, genuine or not.
 */
export const STEP_CBV: { readonly [S in Step]: { bizStep: string; disposition: string } } = {
  receiving: { bizStep: 'receiving', disposition: 'in_progress' },
  shipping: { bizStep: 'shipping', disposition: 'in_transit' },
  dispensing: { bizStep: 'dispensing', disposition: 'dispensed' },
  inspecting: { bizStep: 'inspecting', disposition: 'conformant' },
  exporting: { bizStep: 'departing', disposition: 'in_transit' },
  destroying: { bizStep: 'destroying', disposition: 'destroyed' },
};

/** bizStep and disposition of a scan at `step` with `verdict` (the ingest's where it re-judged). */
export function scanCbv(step: Step | undefined, verdict: string): { bizStep: string; disposition: string } {
  const cbv = STEP_CBV[step ?? DEFAULT_STEP];
  if (verdict === 'genuine' || cbv.disposition === 'destroyed') return cbv;
  return { bizStep: cbv.bizStep, disposition: 'non_conformant' };
}

/** RFC 6920 name of the record: SHA-256 of its COSE bytes, the same value as its `hash` everywhere else. */
export function recordNi(hashHex: string): string {
  return `ni:///sha-256;${Buffer.from(hashHex, 'hex').toString('base64url')}?ct=application/cose`;
}

/** The ObjectEvent for one stored scan record; undefined for other kinds. */
export function scanEvent(r: StoredRecord, device: DeviceRow | undefined): EpcisEvent | undefined {
  if (r.kind !== 'scan') return undefined;
  const p = decodePayload(parseCose(r.bytes).payload) as RecordHeader & ScanBody;
  const site = siteOf(p.site, device?.site);
  const bizLocation = locationOf(p.site, site);
  const geo = site?.geo;
  const epc = epcOf(p);
  const ev: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: new Date(p.time).toISOString(),
    // Device time is kept in UTC; the scanner records no zone.
    eventTimeZoneOffset: '+00:00',
    eventID: '',
    epcList: [epc],
    action: 'OBSERVE',
    // The ingest's verdict where it re-judged a scan the device could not check, else the device's.
    ...scanCbv(p.step, r.upstream ? r.upstream.verdict : p.verdict),
    readPoint: { id: geo ? `geo:${geo.latitude},${geo.longitude}` : bizLocation },
    bizLocation: { id: bizLocation },
    'sealscan:uid': toHex(p.uid),
    'sealscan:tagType': p.tagType,
    'sealscan:originality': p.originality,
    'sealscan:tamper': p.tamper,
    'sealscan:verdict': p.verdict,
    'sealscan:reasons': p.reasons,
    'sealscan:inspector': p.inspector,
    'sealscan:site': p.site,
    'sealscan:device': p.device,
    'sealscan:seq': p.seq,
    'sealscan:boot': p.boot,
    'sealscan:recordHash': r.hash,
  };
  // The link as read is kept only when it gave no EPC: otherwise its canonical form is the EPC, and the bytes as
  // read are in the signed record the recordHash names.
  if (p.digitalLink !== undefined && !epc.startsWith('https://')) ev['sealscan:digitalLink'] = p.digitalLink;
  if (p.seal !== undefined) ev['sealscan:seal'] = toHex(p.seal);
  if (p.originalitySig !== undefined) ev['sealscan:originalitySig'] = toHex(p.originalitySig);
  if (r.upstream) {
    ev['sealscan:upstreamVerdict'] = r.upstream.verdict;
    ev['sealscan:upstreamReasons'] = r.upstream.reasons;
  }
  if (p.step !== undefined) ev['sealscan:step'] = p.step;
  ev.eventID = cbvEventId(ev, { sealscan: SEALSCAN_NS }) ?? recordNi(r.hash);
  return ev;
}

/**
 * The ObjectEvent of a packaging station's commission record: ADD, bizStep commissioning, disposition active, the
 * package's Digital Link as EPC, the station's site as location.
 */
export function commissionEvent(r: StoredRecord, device: DeviceRow | undefined): EpcisEvent | undefined {
  if (r.kind !== 'commission') return undefined;
  const p = decodePayload(parseCose(r.bytes).payload) as RecordHeader & CommissionBody;
  const site = siteOf(p.site, device?.site);
  const bizLocation = locationOf(p.site, site);
  const geo = site?.geo;
  const link = canonicalItemLink(p.digitalLink);
  const ev: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: new Date(p.time).toISOString(),
    eventTimeZoneOffset: '+00:00',
    eventID: '',
    epcList: [link ?? `urn:sealscan:tag:${toHex(p.uid)}`],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: geo ? `geo:${geo.latitude},${geo.longitude}` : bizLocation },
    bizLocation: { id: bizLocation },
    'sealscan:uid': toHex(p.uid),
    'sealscan:sealHash': toHex(p.sealHash),
    'sealscan:issuerKeyId': toHex(p.issuerKeyId),
    'sealscan:site': p.site,
    'sealscan:device': p.device,
    'sealscan:seq': p.seq,
    'sealscan:boot': p.boot,
    'sealscan:recordHash': r.hash,
  };
  if (!link) ev['sealscan:digitalLink'] = p.digitalLink;
  ev.eventID = cbvEventId(ev, { sealscan: SEALSCAN_NS }) ?? recordNi(r.hash);
  return ev;
}

/** The EPCIS event of a stored record: scans and commissions are events, other kinds are not. */
export function recordEvent(r: StoredRecord, device: DeviceRow | undefined): EpcisEvent | undefined {
  return r.kind === 'scan' ? scanEvent(r, device) : r.kind === 'commission' ? commissionEvent(r, device) : undefined;
}

/** An EPCISDocument around `events`. */
export function epcisDocument(events: EpcisEvent[], created: Date): { [k: string]: unknown } {
  return {
    '@context': [EPCIS_CONTEXT, { sealscan: SEALSCAN_NS }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: created.toISOString(),
    epcisBody: { eventList: events },
  };
}
