/**
 * readNdef / writeNdef on a {@link Type2Tag}: the memory image of the header and data area is fetched with READ
 * (or FAST_READ when the tag type is known to have it), then interpreted by the pure functions of type2-ndef.ts.
 *
 * Radio errors come back as they are (after a NAK the tag is IDLE: re-activate before retrying); malformed memory
 * comes back as a finding with a byte address in the tag.
 */
import type { RadioResult } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';
import type { TagResult } from './findings.js';
import { encodeNdefMessage, type NdefRecord } from './ndef.js';
import { DATA_AREA_START, MAX_DATA_AREA, parseCcBytes, TLV_TERMINATOR, type CapabilityContainer } from './tlv.js';
import { scanTlvs } from './tlv-scan.js';
import { parseNdefArea, planNdefWrite, type Type2Ndef } from './type2-ndef.js';
import { FAST_READ_MAX_PAGES, type Type2Tag } from './type2.js';

/** End of user memory (exclusive byte address) when the tag type is known, else the most a CC can declare. */
function dataLimit(tag: Type2Tag): number {
  return tag.spec ? (tag.spec.userEnd + 1) * 4 : DATA_AREA_START + MAX_DATA_AREA;
}

/** Reads pages `from`..`to` into `image` with FAST_READ if the type is known to support it, else READ. */
function fetchPages(tag: Type2Tag, image: Uint8Array, from: number, to: number): RadioResult<true> {
  if (tag.spec && tag.spec.capabilities.fastRead) {
    const r = tag.fastRead(from, to);
    if (!r.ok) return r;
    image.set(r.value, from * 4);
    return radioOk(true);
  }
  for (let page = from; page <= to; page += 4) {
    const r = tag.read(page);
    if (!r.ok) return r;
    // READ returns 4 pages and rolls over at the end of memory: keep only the pages asked for.
    image.set(r.value.subarray(0, Math.min(4, to - page + 1) * 4), page * 4);
  }
  return radioOk(true);
}

/** Pages 0–3 (UID, lock bytes, CC) with one READ. */
function readHeader(tag: Type2Tag): RadioResult<Uint8Array> {
  return tag.read(0);
}

function withSize(cc: CapabilityContainer, size: number): CapabilityContainer {
  return { bytes: cc.bytes, version: cc.version, dataAreaSize: size, readAccess: cc.readAccess, writeAccess: cc.writeAccess };
}

/**
 * The tag's NDEF message. Reads the data area progressively (one FAST_READ of 15 pages, or READs of 4, at a time)
 * and stops as soon as the NDEF TLV is complete, so a short message on a large tag costs few exchanges. If the tag
 * type is unknown it uses READ only and trusts the CC's size (a CC larger than the tag makes the tag NAK).
 */
export function readNdef(tag: Type2Tag): TagResult<Type2Ndef> {
  const header = readHeader(tag);
  if (!header.ok) return header;
  const cc = parseCcBytes(header.value.subarray(12, 16), dataLimit(tag));
  if (!cc.ok) return cc;
  return readDataArea(tag, header.value, cc.value);
}

function readDataArea(tag: Type2Tag, header: Uint8Array, cc: CapabilityContainer): TagResult<Type2Ndef> {
  const end = DATA_AREA_START + cc.dataAreaSize;
  const image = new Uint8Array(end);
  image.set(header.subarray(0, DATA_AREA_START));
  const step = tag.spec && tag.spec.capabilities.fastRead ? FAST_READ_MAX_PAGES : 4;
  let readEnd = DATA_AREA_START;
  for (;;) {
    const from = readEnd >> 2;
    const to = Math.min((end >> 2) - 1, from + step - 1);
    const got = fetchPages(tag, image, from, to);
    if (!got.ok) return got;
    readEnd = (to + 1) * 4;
    if (readEnd >= end) break;
    // Enough when the scan of what we have ends inside it: NDEF TLV complete, a Terminator, or a finding that more
    // bytes cannot change.
    const partial = scanTlvs(image, withSize(cc, readEnd - DATA_AREA_START));
    if (partial.ok) {
      const tlvs = partial.value.tlvs;
      if (partial.value.ndef || (tlvs.length && tlvs[tlvs.length - 1].type === TLV_TERMINATOR)) break;
    } else if (partial.finding.code !== 'TLV_TRUNCATED' && partial.finding.code !== 'TLV_LENGTH') break;
  }
  const r = parseNdefArea(image, withSize(cc, readEnd - DATA_AREA_START));
  if (!r.ok) return r;
  r.value.layout.cc = cc;
  r.value.layout.dataEnd = end;
  return r;
}

export interface WriteNdefOptions {
  /**
   * Format a blank tag (CC 00 00 00 00) with the CC of its type from the catalog. The tag type must be known
   * (GET_VERSION is sent if needed). Default false: a blank tag gives a CC_BLANK finding.
   */
  format?: boolean;
}

export interface WriteNdefReport {
  /** Pages written, in order (the page where the TLV starts may appear twice: cut with a Terminator first, set last). */
  pages: number[];
  /** Largest message the tag would take. */
  capacity: number;
  formatted: boolean;
}

/**
 * Stores `message` (encoded bytes, or records to encode) as the tag's NDEF message; see {@link planNdefWrite} for
 * what is written and in which order. Stops at the first failed WRITE and returns its error; thanks to the write
 * order the tag then holds no message (or, after the last write, the new one), and the caller re-activates and
 * retries.
 */
export function writeNdef(tag: Type2Tag, message: Uint8Array | NdefRecord[], options?: WriteNdefOptions): TagResult<WriteNdefReport> {
  let bytes: Uint8Array;
  if (message instanceof Uint8Array) bytes = message;
  else {
    const e = encodeNdefMessage(message);
    if (!e.ok) return e;
    bytes = e.value;
  }
  const header = readHeader(tag);
  if (!header.ok) return header;
  const h = header.value;
  const blank = (h[12] | h[13] | h[14] | h[15]) === 0;
  const format = blank && !!(options && options.format);
  let ccBytes = h.subarray(12, 16);
  if (format) {
    if (!tag.spec) {
      const id = tag.getVersion();
      if (!id.ok) return id;
      if (id.value.kind === 'no-version') return radioError('timeout', 'writeNdef: no answer to GET_VERSION; re-activate the tag (taken as MIFARE Ultralight now) and call again');
    }
    if (!tag.spec) return radioError('unexpected', 'writeNdef: cannot format a tag of unknown type');
    ccBytes = new Uint8Array(tag.spec.cc);
  }
  const cc = parseCcBytes(ccBytes, dataLimit(tag));
  if (!cc.ok) return cc;
  const end = DATA_AREA_START + cc.value.dataAreaSize;
  const image = new Uint8Array(end);
  image.set(h.subarray(0, DATA_AREA_START));
  const got = fetchPages(tag, image, DATA_AREA_START >> 2, (end >> 2) - 1);
  if (!got.ok) return got;
  const plan = planNdefWrite(image, bytes, format ? { formatCc: ccBytes } : undefined);
  if (!plan.ok) return plan;
  const pages: number[] = [];
  const writes = plan.value.writes;
  for (let i = 0; i < writes.length; i++) {
    const w = tag.write(writes[i].page, writes[i].data);
    if (!w.ok) return w;
    pages.push(writes[i].page);
  }
  return radioOk({ pages: pages, capacity: plan.value.capacity, formatted: format });
}
