/**
 * Scan of a Type 2 tag's TLV area (NFC Forum T2T 2.3; reference §5.5). See tlv.ts for the model.
 */
import { finding, parsed, type Parsed } from './findings.js';
import { hexH } from '../../hal/hex.js';
import {
  controlArea, DataCursor, DATA_AREA_START, TLV_LOCK_CONTROL, TLV_MEMORY_CONTROL, TLV_NDEF, TLV_NULL, TLV_TERMINATOR,
  type CapabilityContainer, type NdefTlv, type TlvEntry, type TlvLayout,
} from './tlv.js';

export interface ScanOptions {
  /**
   * Stop at the T byte of the first NDEF TLV without reading its length or value: what a writer needs, since it
   * replaces that TLV (a corrupt length there must not block a rewrite). Default false.
   */
  stopAtNdef?: boolean;
}

function tlvName(t: number): string {
  return t === TLV_LOCK_CONTROL ? 'Lock Control TLV' : t === TLV_MEMORY_CONTROL ? 'Memory Control TLV' : t === TLV_NDEF ? 'NDEF Message TLV' : 'TLV ' + hexH(t);
}

/**
 * Scans the TLVs of `image` under `cc`. Findings: TLV_TRUNCATED (T or L cut by the end of the data area),
 * TLV_LENGTH (value past the end, or the reserved length FFFFh), TLV_CONTROL (control TLV length ≠ 3),
 * TLV_RESERVED_OVERLAP (a control TLV reserving bytes the scan already read, itself included).
 * Unknown and proprietary TLVs are skipped by their length, as T2T requires of readers.
 */
export function scanTlvs(image: Uint8Array, cc: CapabilityContainer, options?: ScanOptions): Parsed<TlvLayout> {
  const dataEnd = Math.min(DATA_AREA_START + cc.dataAreaSize, image.length);
  const cursor = new DataCursor(dataEnd);
  const tlvs: TlvEntry[] = [];
  let ndef: NdefTlv | null = null;
  let insertAt = -1;
  let afterLast = Math.min(cursor.skip(DATA_AREA_START), dataEnd);
  const stopAtNdef = !!(options && options.stopAtNdef);

  for (;;) {
    const at = cursor.next();
    if (at < 0) break;
    const t = image[at];
    if (t === TLV_NULL) continue;
    if (t === TLV_TERMINATOR) {
      tlvs.push({ type: t, offset: at, length: 0 });
      insertAt = at;
      break;
    }
    if (t === TLV_NDEF && stopAtNdef) {
      tlvs.push({ type: t, offset: at, length: -1 });
      insertAt = at;
      break;
    }
    const l0 = cursor.next();
    if (l0 < 0) return finding('TLV_TRUNCATED', tlvName(t) + ' at ' + at + ': length field cut by the end of the data area', at);
    let length = image[l0];
    let lengthBytes = 1;
    if (length === 0xff) {
      const hi = cursor.next();
      const lo = hi < 0 ? -1 : cursor.next();
      if (lo < 0) return finding('TLV_TRUNCATED', tlvName(t) + ' at ' + at + ': 3-byte length cut by the end of the data area', at);
      length = (image[hi] << 8) | image[lo];
      lengthBytes = 3;
      if (length === 0xffff) return finding('TLV_LENGTH', tlvName(t) + ' at ' + at + ': length FFFFh is reserved', at);
    }
    if ((t === TLV_LOCK_CONTROL || t === TLV_MEMORY_CONTROL) && length !== 3) {
      return finding('TLV_CONTROL', tlvName(t) + ' at ' + at + ' has length ' + length + ', must be 3', at);
    }
    // Gather the value (NDEF, control TLVs) or just step over it, a run between reserved areas at a time; either
    // way stop at the end of the data area.
    const keep = t === TLV_NDEF || t === TLV_LOCK_CONTROL || t === TLV_MEMORY_CONTROL;
    const value = keep ? new Uint8Array(length) : null;
    let got = 0;
    while (got < length) {
      const a = cursor.next();
      if (a < 0) return finding('TLV_LENGTH', tlvName(t) + ' at ' + at + ': value of ' + length + ' bytes runs past the end of the data area (' + got + ' available)', at);
      const n = Math.min(length - got, cursor.runLength(a));
      if (value) value.set(image.subarray(a, a + n), got);
      cursor.pos = a + n;
      got += n;
    }
    tlvs.push({ type: t, offset: at, length: length });
    afterLast = Math.min(cursor.skip(cursor.pos), dataEnd);
    if (t === TLV_NDEF && value) {
      ndef = { offset: at, lengthBytes: lengthBytes, message: value };
      insertAt = at;
      break;
    }
    if (value && t !== TLV_NDEF) {
      const area = controlArea(t === TLV_LOCK_CONTROL ? 'lock' : 'memory', value[0], value[1], value[2], at);
      // Only the part inside the TLV area matters; the usual place of dynamic lock bytes is after it.
      const from = Math.max(area.from, DATA_AREA_START);
      const to = Math.min(area.to, dataEnd);
      if (from < to && from < cursor.pos) {
        return finding('TLV_RESERVED_OVERLAP', tlvName(t) + ' at ' + at + ' reserves bytes ' + area.from + '–' + (area.to - 1) + ', which overlap TLV bytes already read (up to ' + (cursor.pos - 1) + ')', at);
      }
      cursor.add(area);
      afterLast = Math.min(cursor.skip(cursor.pos), dataEnd);
    }
  }
  return parsed({
    cc: cc,
    dataEnd: dataEnd,
    reserved: cursor.reserved,
    tlvs: tlvs,
    ndef: ndef,
    insertAt: insertAt >= 0 ? insertAt : afterLast,
  });
}

/** A cursor over the data area of `layout`, with its reserved areas, starting at `start`. */
export function layoutCursor(layout: TlvLayout, start: number): DataCursor {
  const c = new DataCursor(layout.dataEnd, start);
  for (let i = 0; i < layout.reserved.length; i++) c.add(layout.reserved[i]);
  return c;
}

/** The address of each byte of `ndef`'s message in the tag image, around the reserved areas of `layout`. */
export function ndefAddresses(layout: TlvLayout, ndef: NdefTlv): number[] {
  const c = layoutCursor(layout, ndef.offset + 1);
  for (let i = 0; i < ndef.lengthBytes; i++) c.next();
  const out: number[] = [];
  for (let i = 0; i < ndef.message.length; i++) out.push(c.next());
  return out;
}
