/**
 * NFC Forum Type 2 tags (NTAG213/215/216, NTAG213 TT, MIFARE Ultralight EV1 and MF0ICU1) over any {@link Pcd},
 * after ISO/IEC 14443-3A activation: the tag-type layer of an nfcpy-like stack (reader → tag type). The commands
 * that only read are here ({@link Type2Reader}: all a scanner needs); type2.ts adds the writes ({@link Type2Tag}).
 *
 * Guarantees:
 * - Every method returns a {@link RadioResult}; radio outcomes are never thrown. Arguments outside their documented
 *   range (page > 255, data of the wrong length) are misuse and throw HalError BAD_ARGUMENT.
 * - Every request carries CRC_A; data answers are CRC-checked by the PCD (rxCrc); ACK/NAK answers are 4-bit frames.
 * - A NAK comes back as `{ ok: false, reason: 'nak', nak, message }` naming the command and page. After a NAK (and
 *   after a GET_VERSION a MF0ICU1 does not answer) the tag is in IDLE: it answers nothing until the caller
 *   re-activates it, e.g. with `PiccReader.select(uid)` (WUPA + select). This class does not re-activate by itself,
 *   because it holds only the {@link Pcd}.
 * - No answer is longer than 60 bytes + CRC_A, so each fits the MFRC522's 64-byte FIFO (reference §3.3).
 */
import type { Pcd, RadioResult } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { HalError } from '../../hal/errors.js';
import { lookupVersion, specFor, storageSizeBytes, type Type2Spec } from './type2-catalog.js';
import { exchange } from './frames.js';
import { pageName, READ_TIMEOUT_US, T2 } from './type2-frames.js';
import { hexBytes, hexH } from '../../hal/hex.js';
import { copyBytes } from '../../hal/bytes.js';

/** At most 15 pages per FAST_READ: 60 bytes + CRC_A = 62 fit the 64-byte FIFO (reference §3.3–3.4). */
export const FAST_READ_MAX_PAGES = 15;

/** What GET_VERSION told us. */
export interface Type2Identity {
  /**
   * 'known': the version is in the catalog. 'unknown': 8 bytes we do not know (`spec` null). 'no-version': no
   * answer — a MIFARE Ultralight MF0ICU1 (assumed in `spec`), or a tag that left; either way it is now IDLE and must
   * be re-activated before the next command.
   */
  kind: 'known' | 'unknown' | 'no-version';
  /** The 8 GET_VERSION bytes, or null for 'no-version'. */
  version: Uint8Array | null;
  spec: Type2Spec | null;
  /** User memory from GET_VERSION byte 6 (lower bound), -1 when unknown. */
  storageBytes: number;
}

export type TamperStatus = 'closed' | 'open' | 'invalid';

/** READ_TT_STATUS answer (NTAG213 TT, reference §5.4). */
export interface TamperReading {
  /** 00 00 00 00 if the loop was never seen open, else the stored TT_MESSAGE. */
  message: Uint8Array;
  /** 'C' loop closed, 'O' open, 'I' tamper detection not enabled or measurement invalid. */
  status: TamperStatus;
}

export function checkPage(page: number, what: string): void {
  if (!(page >= 0 && page <= 255 && page === Math.floor(page))) throw new HalError('BAD_ARGUMENT', what + ': page ' + page + ' is not 0 to 255');
}

export function checkLength(data: Uint8Array, n: number, what: string): void {
  if (data.length !== n) throw new HalError('BAD_ARGUMENT', what + ': ' + data.length + ' bytes, must be ' + n);
}

/** A selected Type 2 tag's read commands. */
export class Type2Reader {
  /** Known memory map; set by {@link getVersion} or the constructor. */
  spec: Type2Spec | null;

  constructor(readonly pcd: Pcd, readonly activation: Activation, options: { spec?: Type2Spec } = {}) {
    this.spec = options.spec === undefined ? null : options.spec;
  }

  get uid(): Uint8Array {
    return this.activation.uid;
  }

  /** GET_VERSION (60h) and catalog lookup. Sets {@link spec} for 'known' and 'no-version' (MF0ICU1 assumed). */
  getVersion(): RadioResult<Type2Identity> {
    const r = exchange(this.pcd, new Uint8Array([T2.GET_VERSION]), 'GET_VERSION', { bytes: 8 }, READ_TIMEOUT_US);
    if (!r.ok) {
      // MF0ICU1 does not know 60h: it stays silent (or NAKs 0h) and drops to IDLE (reference §5.1). Other NAKs
      // (1h: our frame arrived damaged) say nothing about the type.
      if (r.reason === 'timeout' || (r.reason === 'nak' && r.nak === 0)) {
        this.spec = specFor('MF0ICU1');
        return radioOk({ kind: 'no-version', version: null, spec: this.spec, storageBytes: 48 });
      }
      return r;
    }
    const spec = lookupVersion(r.value);
    if (spec) this.spec = spec;
    return radioOk({ kind: spec ? 'known' : 'unknown', version: r.value, spec: spec, storageBytes: storageSizeBytes(r.value[6]) });
  }

  /** READ (30h): 16 bytes = pages `page`..`page`+3, rolling over to page 0 past the end of memory. */
  read(page: number): RadioResult<Uint8Array> {
    checkPage(page, 'READ');
    return exchange(this.pcd, new Uint8Array([T2.READ, page]), pageName('READ', page), { bytes: 16 }, READ_TIMEOUT_US);
  }

  /**
   * FAST_READ (3Ah) of pages `start`..`end` inclusive, split into requests of at most {@link FAST_READ_MAX_PAGES}
   * pages. Returns (end − start + 1) · 4 bytes, or the first error (earlier chunks are discarded).
   */
  fastRead(start: number, end: number): RadioResult<Uint8Array> {
    checkPage(start, 'FAST_READ');
    checkPage(end, 'FAST_READ');
    if (end < start) throw new HalError('BAD_ARGUMENT', 'FAST_READ: end page ' + end + ' before start page ' + start);
    const out = new Uint8Array((end - start + 1) * 4);
    for (let from = start; from <= end; from += FAST_READ_MAX_PAGES) {
      const to = Math.min(end, from + FAST_READ_MAX_PAGES - 1);
      const n = to - from + 1;
      const what = 'FAST_READ pages ' + hexH(from) + '–' + hexH(to);
      const r = exchange(this.pcd, new Uint8Array([T2.FAST_READ, from, to]), what, { bytes: n * 4 }, READ_TIMEOUT_US);
      if (!r.ok) return r;
      out.set(r.value, (from - start) * 4);
    }
    return radioOk(out);
  }

  /**
   * The whole memory map, page 0 to the last page, as the tag returns it (PWD and PACK read as zeros; with read
   * protection and no PWD_AUTH the tag NAKs the protected pages). Identifies the tag first if needed; an unknown
   * type gives 'unexpected'.
   */
  readAll(): RadioResult<Uint8Array> {
    if (!this.spec) {
      const id = this.getVersion();
      if (!id.ok) return id;
      if (id.value.kind === 'no-version') return radioError('timeout', 'readAll: no answer to GET_VERSION; if this is a MIFARE Ultralight, re-activate it and call readAll again');
    }
    const spec = this.spec;
    if (!spec) return radioError('unexpected', 'readAll: tag type unknown, memory size not known');
    if (spec.capabilities.fastRead) return this.fastRead(0, spec.pages - 1);
    const out = new Uint8Array(spec.pages * 4);
    for (let page = 0; page < spec.pages; page += 4) {
      const r = this.read(page);
      if (!r.ok) return r;
      out.set(r.value.subarray(0, Math.min(16, out.length - page * 4)), page * 4);
    }
    return radioOk(out);
  }

  /** READ_CNT (39h): the 24-bit counter (NTAG: the NFC counter, number 2; EV1: counters 0–2). */
  readCounter(counter?: number): RadioResult<number> {
    const n = counter === undefined ? 2 : counter;
    if (!(n >= 0 && n <= 2)) throw new HalError('BAD_ARGUMENT', 'READ_CNT: counter ' + n + ' is not 0 to 2');
    const r = exchange(this.pcd, new Uint8Array([T2.READ_CNT, n]), 'READ_CNT ' + n, { bytes: 3 }, READ_TIMEOUT_US);
    if (!r.ok) return r;
    return radioOk(r.value[0] | (r.value[1] << 8) | (r.value[2] << 16));
  }

  /** READ_SIG (3Ch 00h): the 32-byte originality signature r ‖ s (reference §6). Verification is elsewhere. */
  readSignature(): RadioResult<Uint8Array> {
    return exchange(this.pcd, new Uint8Array([T2.READ_SIG, 0x00]), 'READ_SIG', { bytes: 32 }, READ_TIMEOUT_US);
  }

  /** READ_TT_STATUS (A4h 00h), NTAG213 TT: the tamper message and loop status. */
  readTamperStatus(): RadioResult<TamperReading> {
    const r = exchange(this.pcd, new Uint8Array([T2.READ_TT_STATUS, 0x00]), 'READ_TT_STATUS', { bytes: 5 }, READ_TIMEOUT_US);
    if (!r.ok) return r;
    const s = r.value[4];
    const status: TamperStatus | null = s === 0x43 ? 'closed' : s === 0x4f ? 'open' : s === 0x49 ? 'invalid' : null;
    if (!status) return radioError('unexpected', 'READ_TT_STATUS: status byte ' + hexBytes(r.value.subarray(4)) + ' is none of C, O, I');
    return radioOk({ message: copyBytes(r.value, 0, 4), status: status });
  }
}
