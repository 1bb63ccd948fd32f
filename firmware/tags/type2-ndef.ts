/**
 * NDEF on a Type 2 tag's memory image (a `Uint8Array` of the tag from byte 0): reading the message and planning the
 * page writes that store a new one. Pure functions; tag I/O is in type2-ndef-io.ts.
 */
import { finding, parsed, type Parsed } from './findings.js';
import { decodeNdefMessage, type NdefRecord } from './ndef.js';
import { CC_OFFSET, DATA_AREA_START, parseCapabilityContainer, TLV_NDEF, TLV_TERMINATOR, type CapabilityContainer, type TlvLayout } from './tlv.js';
import { layoutCursor, ndefAddresses, scanTlvs } from './tlv-scan.js';
import { copyBytes } from '../../hal/bytes.js';

export interface Type2Ndef {
  layout: TlvLayout;
  /** The NDEF TLV's value, reserved bytes left out. */
  message: Uint8Array;
  /** Its records; empty for the empty NDEF TLV (03 00) of a formatted tag without a message. */
  records: NdefRecord[];
}

export interface ImageOptions {
  /** Byte address the data area may not pass (end of user memory); default the image length. */
  dataLimit?: number;
}

/**
 * The NDEF message of a memory image. Every finding's offset is a byte address in the image (message findings are
 * mapped back through the reserved-byte skipping). Never throws, never reads outside the image.
 */
export function parseType2Ndef(image: Uint8Array, options?: ImageOptions): Parsed<Type2Ndef> {
  const cc = parseCapabilityContainer(image, options && options.dataLimit);
  if (!cc.ok) return cc;
  return parseNdefArea(image, cc.value);
}

/** {@link parseType2Ndef} under a CC parsed already (the CC's data area must lie inside the image). */
export function parseNdefArea(image: Uint8Array, cc: CapabilityContainer): Parsed<Type2Ndef> {
  const layout = scanTlvs(image, cc);
  if (!layout.ok) return layout;
  const ndef = layout.value.ndef;
  if (!ndef) return finding('NDEF_TLV_MISSING', 'no NDEF Message TLV in the data area', layout.value.insertAt);
  const records = decodeNdefMessage(ndef.message);
  if (!records.ok) {
    const f = records.finding;
    const o = f.offset;
    const a = ndefAddresses(layout.value, ndef);
    const at = o >= 0 && o < a.length ? a[o] : a.length ? a[a.length - 1] + 1 : ndef.offset + 1 + ndef.lengthBytes;
    return finding(f.code, 'NDEF message at ' + ndef.offset + ': ' + f.message, at);
  }
  return parsed({ layout: layout.value, message: ndef.message, records: records.value });
}

export interface PageWrite {
  page: number;
  data: Uint8Array;
}

export interface NdefWritePlan {
  /** The image after every write. */
  image: Uint8Array;
  /** WRITE commands in the order to send them. */
  writes: PageWrite[];
  /** Largest message this tag's data area takes at this position. */
  capacity: number;
}

export interface PlanOptions extends ImageOptions {
  /** CC to write when the tag is blank (CC 00 00 00 00); the data area is then treated as empty. */
  formatCc?: Uint8Array | readonly number[];
}

/** The largest message that fits in `usable` bytes with its TLV header (1- or 3-byte length); -1 if none does. */
function capacityOf(usable: number): number {
  if (usable - 2 <= 0xfe) return Math.max(-1, usable - 2);
  return Math.max(0xfe, usable - 4);
}

/**
 * Page writes that store `message` as the NDEF TLV of `image`. The new TLV replaces the first NDEF TLV (or goes
 * where the Terminator or the free space starts); TLVs before it, reserved and lock bytes are kept; a Terminator
 * follows when there is room. Only pages whose bytes change are written, never pages 0–2, page 3 (CC) only when
 * formatting a blank tag (and last, so that a torn format leaves the tag blank).
 *
 * Order against tearing: when more than one page changes, a Terminator is first written where the NDEF TLV starts,
 * then every other changed page, then that first page with its final bytes. A tag pulled away mid-write reads as
 * "no NDEF message" (NDEF_TLV_MISSING), never as a mix of old and new. (The T2T procedure zeroes the length
 * instead; that is not atomic when the length has 3 bytes or T and L straddle a page boundary, this is.)
 */
export function planNdefWrite(image: Uint8Array, message: Uint8Array, options?: PlanOptions): Parsed<NdefWritePlan> {
  const work = copyBytes(image);
  let formatting = false;
  const blank = image.length >= DATA_AREA_START && (image[12] | image[13] | image[14] | image[15]) === 0;
  if (blank && options && options.formatCc) {
    work.set(options.formatCc, CC_OFFSET);
    formatting = true;
  }
  const cc = parseCapabilityContainer(work, options && options.dataLimit);
  if (!cc.ok) return cc;
  if (cc.value.writeAccess !== 0) return finding('READ_ONLY', 'CC write access ' + cc.value.writeAccess + 'h: the tag is read-only for NDEF', CC_OFFSET + 3);
  let layout: TlvLayout;
  if (formatting) {
    layout = { cc: cc.value, dataEnd: DATA_AREA_START + cc.value.dataAreaSize, reserved: [], tlvs: [], ndef: null, insertAt: DATA_AREA_START };
  } else {
    const scanned = scanTlvs(work, cc.value, { stopAtNdef: true });
    if (!scanned.ok) return scanned;
    layout = scanned.value;
  }
  const cursor = layoutCursor(layout, layout.insertAt);
  const usable = cursor.remaining();
  const capacity = capacityOf(usable);
  if (message.length > capacity) {
    return finding('NDEF_TOO_LARGE', 'message of ' + message.length + ' bytes, the data area takes ' + Math.max(0, capacity) + ' from address ' + layout.insertAt, layout.insertAt);
  }
  const long = message.length > 0xfe;
  const header = long ? [TLV_NDEF, 0xff, message.length >> 8, message.length & 0xff] : [TLV_NDEF, message.length];
  const final = copyBytes(work);
  for (let i = 0; i < header.length; i++) final[cursor.next()] = header[i];
  for (let i = 0; i < message.length; i++) final[cursor.next()] = message[i];
  const terminatorAt = cursor.next();
  if (terminatorAt >= 0) final[terminatorAt] = TLV_TERMINATOR;

  // Tearing: a single page write is atomic, a TLV length (3 bytes, or T and L across a page boundary) is not. So a
  // Terminator goes where the TLV starts first — the tag then reads "no NDEF message" — then every other changed
  // page, and the page where the TLV starts last: one write switches from no message to the new one.
  const current = copyBytes(image);
  const writes: PageWrite[] = [];
  const head = layout.insertAt >> 2;
  const lastPage = (layout.dataEnd - 1) >> 2;
  let changed = 0;
  for (let page = DATA_AREA_START >> 2; page <= lastPage; page++) if (!samePage(image, final, page)) changed++;
  // Not needed when the tag already reads "no message" through the last write: a blank tag being formatted (the CC
  // comes last), a Terminator there already, or an empty NDEF TLV (03 00) inside the first page.
  const lAt = layoutCursor(layout, layout.insertAt + 1).next();
  const t = work[layout.insertAt];
  const empty = t === TLV_TERMINATOR || (t === TLV_NDEF && lAt >= 0 && lAt >> 2 === head && work[lAt] === 0);
  if (changed > 1 && !formatting && !empty) {
    const cut = copyBytes(current);
    cut[layout.insertAt] = TLV_TERMINATOR;
    emit(writes, current, cut, head);
  }
  for (let page = DATA_AREA_START >> 2; page <= lastPage; page++) if (page !== head) emit(writes, current, final, page);
  emit(writes, current, final, head);
  // The CC of a freshly formatted tag goes last: a torn format leaves the tag blank.
  if (formatting) emit(writes, current, final, CC_OFFSET >> 2);
  return parsed({ image: final, writes: writes, capacity: capacity });
}

function samePage(a: Uint8Array, b: Uint8Array, page: number): boolean {
  const o = page * 4;
  for (let i = 0; i < 4; i++) if (a[o + i] !== b[o + i]) return false;
  return true;
}

/** Appends a write of `page` when `target` differs from `current` there, and updates `current`. */
function emit(writes: PageWrite[], current: Uint8Array, target: Uint8Array, page: number): void {
  if (samePage(current, target, page)) return;
  const o = page * 4;
  const data = copyBytes(target, o, o + 4);
  current.set(data, o);
  writes.push({ page: page, data: data });
}
