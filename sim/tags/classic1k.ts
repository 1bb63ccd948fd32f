/**
 * MIFARE Classic 1K (MF1S50): 4-byte NUID, ATQA 04 00, SAK 08h, 16 sectors × 4 blocks of 16 bytes, Crypto1 modelled
 * abstractly (reference §3.8, §7).
 */
import type { AirContext, AirFrame, AuthOutcome, PiccAnswer } from '../rf/air.js';
import { HalError } from '../../hal/errors.js';
import { Iso14443aTag } from './picc.js';
import { ACK, answerBytes, answerNibble, bcc } from './frames.js';
import { TRANSPORT_ACCESS_BITS, dataAllowed, decodeAccessBits, keyBReadable, trailerAllowed } from './classic-access.js';
import type { ClassicKey, DataOp } from './classic-access.js';
import { readValue, valueBlock } from './classic-value.js';
import { byteList, copyBytes } from '../../hal/bytes.js';

/**
 * EEPROM time before the ACK of WRITE part 2 and TRANSFER. MF1S50 §8 gives typical transactions of ~5.5 ms for a
 * block write (two exchanges) and ~4.5 ms for a transfer, and allows the ACK up to 10 ms; ~4 ms is what remains
 * after the air time.
 */
export const CLASSIC_EEPROM_WRITE_US = 4000;

export interface MifareClassic1KOptions {
  /** 4-byte NUID; default a fresh simulator value 5A xx xx xx. */
  uid?: Uint8Array | readonly number[];
  /** A full 1024-byte image, block 0 included as given (a clone's block 0 need not match its UID). */
  memory?: Uint8Array;
  /** Blocks to overwrite after the image is built (block number → 16 bytes), e.g. custom trailers. */
  blocks?: Readonly<Record<number, Uint8Array | readonly number[]>>;
}

let nextNuid = 1;

/** Reference §7: manufacturer block = UID, BCC, SAK, ATQA, manufacturer data (bytes as in the RPI README dump). */
function defaultImage(uid: Uint8Array): Uint8Array {
  const mem = new Uint8Array(1024);
  mem.set(byteList(uid).concat([bcc(uid), 0x08, 0x04, 0x00, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69]), 0);
  for (let s = 0; s < 16; s++) {
    const t = (s * 4 + 3) * 16;
    mem.fill(0xff, t, t + 6);
    mem.set([...TRANSPORT_ACCESS_BITS, 0x69], t + 6);
    mem.fill(0xff, t + 10, t + 16);
  }
  return mem;
}

type Pending = { op: 'write' | 'increment' | 'decrement' | 'restore'; block: number };

/**
 * Guarantees, beyond {@link Iso14443aTag}:
 * - {@link authenticate} answers only while ACTIVE (a READY tag drops to IDLE, others say 'no-answer'). Right key
 *   (and the tag's own 4 UID bytes) → 'ok' and an encrypted session for that sector; wrong key or UID → 'rejected',
 *   the tag goes IDLE silently (PM3 PR #245). A sector whose access bits are malformed is blocked: 'rejected'.
 * - Session rules: a frame with `crypto1` false during a session, or true outside one, is noise (silent, IDLE).
 *   HLTA is accepted encrypted. Commands without a session: NAK.
 * - READ / WRITE (two-phase) / INCREMENT / DECREMENT / RESTORE (two-phase, no answer to part 2) / TRANSFER follow
 *   the access conditions; a block outside the authenticated sector, a refused operation, block 0 writes, a value
 *   operation on a block that is not a valid value block, or any access in a session opened with a readable key B
 *   (MF1S50 §8.7.3) get a NAK and the tag goes IDLE. NAK codes as recalled from MF1S50 Table 10 (not verified here):
 *   invalid operation 4h (0h while the transfer buffer is valid), CRC/parity error 5h (1h).
 * - Reading a trailer returns key A as 00h, and access bits or key B as 00h when they are not readable with the key.
 *   Writing a trailer changes only the parts the key may write (NAK when it may write none).
 */
export class MifareClassic1K extends Iso14443aTag {
  private readonly mem: Uint8Array;
  private session: { sector: number; key: ClassicKey } | null = null;
  private pending: Pending | null = null;
  private transfer: { value: number; adr: number } | null = null;

  constructor(options: MifareClassic1KOptions = {}) {
    const uid = options.uid ? new Uint8Array(options.uid) : freshNuid();
    if (uid.length !== 4) throw new HalError('BAD_ARGUMENT', 'MIFARE Classic 1K has a 4-byte NUID');
    super({ uid: uid, atqa: [0x04, 0x00], sak: 0x08 });
    if (options.memory && options.memory.length !== 1024) throw new HalError('BAD_ARGUMENT', 'memory has 1024 bytes');
    this.mem = options.memory ? copyBytes(options.memory) : defaultImage(uid);
    for (const [k, v] of Object.entries(options.blocks ?? {})) {
      if (v.length !== 16) throw new HalError('BAD_ARGUMENT', 'a block has 16 bytes');
      this.mem.set(v, Number(k) * 16);
    }
  }

  protected override get typeName(): string {
    return 'MIFARE Classic 1K';
  }

  /** Back door: a copy of all 64 blocks as stored (keys included). */
  dump(): Uint8Array {
    return copyBytes(this.mem);
  }

  /** Back door: a copy of one block as stored. */
  block(n: number): Uint8Array {
    return copyBytes(this.mem, n * 16, n * 16 + 16);
  }

  /** Back door: the authenticated sector and key, or null. */
  get authenticatedSector(): { sector: number; key: ClassicKey } | null {
    return this.session ? { ...this.session } : null;
  }

  authenticate(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome {
    if (!this.isActive) {
      if (this.state === 'READY' || this.state === 'READY*') this.unexpected();
      return 'no-answer';
    }
    if ((keyType !== 0x60 && keyType !== 0x61) || block > 63) {
      this.unexpected(); // an AUTH frame the card cannot parse: unknown command
      return 'no-answer';
    }
    const sector = block >> 2;
    const t = (sector * 4 + 3) * 16;
    const stored = keyType === 0x60 ? this.mem.subarray(t, t + 6) : this.mem.subarray(t + 10, t + 16);
    const keyOk = key.length === 6 && stored.every((v, i) => v === key[i]);
    const uidOk = uid4.length === 4 && this.uid.every((v, i) => v === uid4[i]);
    if (!keyOk || !uidOk || !this.conditions(sector)) {
      this.unexpected();
      return 'rejected';
    }
    this.session = { sector: sector, key: keyType === 0x60 ? 'A' : 'B' };
    this.pending = null;
    return 'ok';
  }

  protected override cryptoSessionActive(): boolean {
    return this.session !== null;
  }

  protected override onDeselect(): void {
    this.session = null;
    this.pending = null;
    this.transfer = null;
  }

  protected override onTransmissionError(_frame: AirFrame): PiccAnswer | null {
    return this.nak(this.transfer ? 0x1 : 0x5);
  }

  private refuse(): PiccAnswer {
    return this.nak(this.transfer ? 0x0 : 0x4);
  }

  private conditions(sector: number): number[] | null {
    const t = (sector * 4 + 3) * 16;
    return decodeAccessBits(this.mem[t + 6], this.mem[t + 7], this.mem[t + 8]);
  }

  /** The access condition of `block` for the current session, or null when the session may not touch it. */
  private conditionFor(block: number): number | null {
    const s = this.session;
    if (!s || block > 63 || block >> 2 !== s.sector) return null;
    const c = this.conditions(s.sector);
    if (!c || (s.key === 'B' && keyBReadable(c[3]))) return null;
    return c[block & 3];
  }

  private allowed(block: number, op: DataOp): boolean {
    const c = this.conditionFor(block);
    return c !== null && (block & 3) !== 3 && dataAllowed(c, op, this.session!.key);
  }

  protected override activeFrame(frame: AirFrame, _context: AirContext): PiccAnswer | null {
    const b = frame.bytes;
    const n = b.length - 2;
    if (!this.session) return this.refuse();
    if (this.pending) return this.secondPart(this.pending, b.subarray(0, n));
    if (n !== 2) return this.unexpected();
    const block = b[1];
    switch (b[0]) {
      case 0x30:
        return this.read(block);
      case 0xa0:
        if (block === 0 || this.conditionFor(block) === null) return this.refuse();
        if ((block & 3) === 3 ? !this.anyTrailerWrite() : !this.allowed(block, 'write')) return this.refuse();
        return this.expect({ op: 'write', block: block });
      case 0xc1:
        return this.valueOp({ op: 'increment', block: block }, 'increment');
      case 0xc0:
        return this.valueOp({ op: 'decrement', block: block }, 'decrement');
      case 0xc2:
        return this.valueOp({ op: 'restore', block: block }, 'decrement');
      case 0xb0:
        if (!this.transfer || !this.allowed(block, 'decrement')) return this.refuse();
        this.mem.set(valueBlock(this.transfer.value, this.transfer.adr), block * 16);
        return answerNibble(ACK, CLASSIC_EEPROM_WRITE_US);
    }
    return this.unexpected();
  }

  private expect(p: Pending): PiccAnswer {
    this.pending = p;
    return answerNibble(ACK);
  }

  private valueOp(p: Pending, op: DataOp): PiccAnswer {
    if (!this.allowed(p.block, op) || readValue(this.mem, p.block) === null) return this.refuse();
    return this.expect(p);
  }

  private read(block: number): PiccAnswer {
    const c = this.conditionFor(block);
    if (c === null) return this.refuse();
    const key = this.session!.key;
    if ((block & 3) !== 3) return dataAllowed(c, 'read', key) ? answerBytes(this.block(block)) : this.refuse();
    const out = this.block(block);
    out.fill(0, 0, 6);
    if (!trailerAllowed(c, 'readAccess', key)) out.fill(0, 6, 10);
    if (!trailerAllowed(c, 'readKeyB', key)) out.fill(0, 10, 16);
    return answerBytes(out);
  }

  private anyTrailerWrite(): boolean {
    const c = this.conditions(this.session!.sector)![3];
    const k = this.session!.key;
    return trailerAllowed(c, 'writeKeyA', k) || trailerAllowed(c, 'writeAccess', k) || trailerAllowed(c, 'writeKeyB', k);
  }

  private secondPart(p: Pending, data: Uint8Array): PiccAnswer | null {
    this.pending = null;
    if (p.op === 'write') {
      if (data.length !== 16) return this.refuse();
      if ((p.block & 3) === 3) this.writeTrailer(p.block, data);
      else this.mem.set(data, p.block * 16);
      return answerNibble(ACK, CLASSIC_EEPROM_WRITE_US);
    }
    if (data.length !== 4) return this.refuse();
    const current = readValue(this.mem, p.block)!;
    const operand = data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24);
    const value = p.op === 'increment' ? current + operand : p.op === 'decrement' ? current - operand : current;
    this.transfer = { value: value | 0, adr: this.mem[p.block * 16 + 12] };
    return null; // MF1S50 §12.4: part 2 of INCREMENT/DECREMENT/RESTORE is not acknowledged.
  }

  private writeTrailer(block: number, data: Uint8Array): void {
    const c = this.conditions(block >> 2)![3];
    const k = this.session!.key;
    const at = block * 16;
    if (trailerAllowed(c, 'writeKeyA', k)) this.mem.set(data.subarray(0, 6), at);
    if (trailerAllowed(c, 'writeAccess', k)) this.mem.set(data.subarray(6, 10), at + 6);
    if (trailerAllowed(c, 'writeKeyB', k)) this.mem.set(data.subarray(10, 16), at + 10);
  }
}

function freshNuid(): Uint8Array {
  const n = nextNuid++;
  return new Uint8Array([0x5a, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
