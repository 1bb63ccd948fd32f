import type { NdefRecord } from '../tags/ndef.js';
import { ndefRecord, TNF_EXTERNAL, TNF_WELL_KNOWN } from '../tags/ndef.js';
import { decodeUriRecord, uriRecord } from '../tags/ndef-records.js';
import type { Parsed } from '../tags/findings.js';
import { encodeSeal, SEAL_RECORD_TYPE, type Seal } from '../records/seal.js';

/**
 * A sealed package's NDEF message: first the well-known URI record with the GS1 Digital Link (what a phone opens),
 * then the seal record (NFC Forum external type "sealscan.org:seal"). Phones ignore the external record.
 */
export function sealNdefRecords(link: string, seal: Seal): Parsed<NdefRecord[]> {
  const uri = uriRecord(link);
  if (!uri.ok) return uri;
  return { ok: true, value: [uri.value, ndefRecord(TNF_EXTERNAL, SEAL_RECORD_TYPE, encodeSeal(seal))] };
}

/** What a tag's NDEF records hold for the seal check. Absent parts are undefined; problems are listed. */
export interface SealParts {
  link?: string;
  sealPayload?: Uint8Array;
  /** Codes for what is odd: 'uri-record-bad', 'several-links', 'several-seals'. */
  problems: string[];
}

function typeIs(r: NdefRecord, tnf: number, type: string): boolean {
  if (r.tnf !== tnf || r.type.length !== type.length) return false;
  for (let i = 0; i < type.length; i++) if (r.type[i] !== type.charCodeAt(i)) return false;
  return true;
}

export function findSealParts(records: NdefRecord[]): SealParts {
  const out: SealParts = { problems: [] };
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (typeIs(r, TNF_WELL_KNOWN, 'U')) {
      const uri = decodeUriRecord(r);
      if (!uri.ok) out.problems.push('uri-record-bad');
      else if (out.link !== undefined) out.problems.push('several-links');
      else out.link = uri.value;
    } else if (typeIs(r, TNF_EXTERNAL, SEAL_RECORD_TYPE)) {
      if (out.sealPayload !== undefined) out.problems.push('several-seals');
      else out.sealPayload = r.payload;
    }
  }
  return out;
}
