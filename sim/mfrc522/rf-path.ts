import { HalError } from '../../hal/errors.js';
import { crcA, withCrcA } from '../../hal/iso14443a/crc-a.js';
import type { AirExchange, AirFrame, AuthOutcome } from '../rf/air.js';
import { BIT_US, FDT_PICC_TO_PCD_US, exchangeUs, fdtPcdToPiccUs, frameUs, lastBit } from '../rf/timing.js';
import { buildTxFrame, collRegLowBits, placeAnswer } from './air-bits.js';
import { BitFraming, Coll, ComIrq, Command, ErrorBits, ModemState, RxMode, TxMode } from './bits.js';
import type { Mfrc522Faults } from './faults.js';
import { Reg } from './registers.js';
import { hexH } from '../../hal/hex.js';
import type { ChipState } from './state.js';
import type { Mfrc522Stats } from './stats.js';
import { copyBytes } from '../../hal/bytes.js';

const SILENCE: AirExchange = { answer: null, collisionBit: -1, delayUs: 0 };
const RX_ERRORS = ErrorBits.CollErr | ErrorBits.CRCErr | ErrorBits.ParityErr | ErrorBits.ProtocolErr;

/**
 * The RF half of the chip: FIFO → air frame → field → answer bits → FIFO, and the MIFARE three-pass authentication.
 * Every exchange completes synchronously inside the SPI write that started it, with virtual time advanced by its air
 * time, because drivers read the result right after StartSend (Espruino does not wait at all; reference §9.1).
 */
export class RfPath {
  constructor(
    private readonly s: ChipState,
    private readonly stats: () => Mfrc522Stats,
    private readonly faults: () => Mfrc522Faults,
  ) {}

  /** BitFramingReg.StartSend during Transceive (DS §10.3.1.8): send the FIFO, then receive the answer. */
  startSend(): void {
    const s = this.s;
    if (s.command !== Command.Transceive || s.power !== 'on') return; // StartSend only acts in Transceive
    const frame = this.frameFromFifo(true);
    s.error &= ~RX_ERRORS; // receiver start-up clears these (DS §9.3.1.7)
    s.collLow = 0x20;
    const ex = this.send(frame);
    const txEnd = this.transmitted(frame);
    const answer = this.usable(ex);
    if (!answer) {
      this.record(frame, null, 0, exchangeUs(frame.bytes, frame.bits, null));
      s.modem = ModemState.RxWait;
      this.waitForTimer();
      return;
    }
    this.receive(frame, ex, answer, txEnd);
    s.modem = ModemState.WaitStartSend;
  }

  /** The Transmit command: the frame goes out, the receiver stays off. */
  transmit(): void {
    const frame = this.frameFromFifo(false);
    this.send(frame);
    this.transmitted(frame);
    this.record(frame, null, 0, exchangeUs(frame.bytes, frame.bits, null));
  }

  /**
   * MFAuthent (DS §10.3.1.9) with the 12 FIFO bytes: 60h/61h, block, key[6], uid[4]. True when the tag accepted
   * the key (MFCrypto1On = 1); false when the command keeps waiting (silent or rejecting tag: only the timer ends it).
   * Fewer than 12 bytes: ProtocolErr and true (the command ends).
   */
  authenticate(): boolean {
    const s = this.s;
    s.crypto1 = false;
    if (s.fifo.level < 12) {
      s.setError(ErrorBits.ProtocolErr);
      return true;
    }
    const a = s.takeFifo(12);
    const keyType = a[0];
    const block = a[1];
    const key = copyBytes(a, 2, 8);
    const uid4 = copyBytes(a, 8, 12);
    this.stats().authentications++;
    // Pass 1: AUTH (cmd, block, CRC_A) → nT (4 bytes). Pass 2: {nR, aR} (8 bytes) → aT (4 bytes).
    const auth = withCrcA(new Uint8Array([keyType, block]));
    const normal = (): AuthOutcome => {
      const reachable = s.fieldWanted() && !s.rcvOff && (keyType === 0x60 || keyType === 0x61);
      return reachable ? s.field.authenticate(keyType, block, key, uid4) : 'no-answer';
    };
    const hook = this.faults().authenticate;
    const outcome = (hook && hook(keyType, block, key, uid4, normal)) ?? normal();
    let air = frameUs(32);
    const tx1End = this.transmitted(null, 32);
    if (outcome === 'no-answer') return this.authWaits(air);
    const fdt1 = fdtPcdToPiccUs(lastBit(auth, 32));
    this.receiveWindow(tx1End, fdt1, 32);
    s.advanceUs(FDT_PICC_TO_PCD_US);
    air += fdt1 + frameUs(32) + FDT_PICC_TO_PCD_US + frameUs(64);
    // The encrypted bits are not modelled; the frame delay assumes a last bit of 0.
    const tx2End = this.transmitted(null, 64);
    if (outcome === 'rejected') return this.authWaits(air);
    const fdt2 = fdtPcdToPiccUs(0);
    this.receiveWindow(tx2End, fdt2, 32);
    air += fdt2 + frameUs(32);
    this.stats().airUs += air;
    s.crypto1 = true;
    return true;
  }

  private authWaits(airUs: number): false {
    this.stats().airUs += airUs;
    this.s.modem = ModemState.RxWait;
    this.waitForTimer();
    return false;
  }

  /** Checks the framing registers, then empties the FIFO into one air frame. */
  private frameFromFifo(receiving: boolean): AirFrame {
    const s = this.s;
    const bf = s.regs[Reg.BitFramingReg];
    const txLastBits = bf & BitFraming.TxLastBits;
    const rxAlign = (bf & BitFraming.RxAlign) >> 4;
    const txCrc = (s.regs[Reg.TxModeReg] & TxMode.TxCRCEn) !== 0;
    const rxCrc = (s.regs[Reg.RxModeReg] & RxMode.RxCRCEn) !== 0;
    if (s.fifo.level === 0) {
      throw new HalError('UNMODELLED', 'transmitting an empty FIFO is not modelled (BitFramingReg.StartSend or Transmit with FIFOLevel 0)');
    }
    if (txCrc && txLastBits !== 0) {
      throw new HalError('UNMODELLED', `TxModeReg.TxCRCEn with BitFramingReg.TxLastBits = ${txLastBits} (a CRC after a partial byte) is not modelled`);
    }
    if (receiving && rxCrc && rxAlign !== 0) {
      throw new HalError('UNMODELLED', `RxModeReg.RxCRCEn with BitFramingReg.RxAlign = ${rxAlign} is not modelled (BitFramingReg ${hexH(bf)})`);
    }
    return buildTxFrame(s.takeFifo(), txLastBits, txCrc);
  }

  private send(frame: AirFrame): AirExchange {
    const s = this.s;
    const context = { crypto1: s.crypto1 };
    let result: AirExchange | undefined;
    const next = (): AirExchange => (result ??= s.fieldWanted() ? s.field.exchange(frame, context) : SILENCE);
    const hook = this.faults().exchange;
    return (hook && hook(frame, context, next)) ?? next();
  }

  /** Advances time over the transmission; TxIRq (not during MFAuthent, DS §10.3.1.9); TAuto starts the timer. */
  private transmitted(frame: AirFrame | null, bits = frame ? frame.bits : 0): number {
    const s = this.s;
    s.modem = ModemState.Transmitting;
    s.advanceUs(frameUs(bits));
    s.sync();
    if (frame) s.comIrq |= ComIrq.TxIRq;
    const end = s.now();
    if (s.tAuto) s.startTimer(end); // DS §8.5: "starts automatically at the end of the transmission"
    return end;
  }

  /** The answer the receiver takes, or null: receiver off, silence, or (RxNoErr) fewer than 4 bits (DS §9.3.2.4). */
  private usable(ex: AirExchange): AirFrame | null {
    const s = this.s;
    const a = ex.answer;
    if (s.rcvOff || !a || a.bits <= 0) return null;
    if ((s.regs[Reg.RxModeReg] & RxMode.RxNoErr) !== 0 && a.bits < 4) return null;
    return a;
  }

  /** Time passes until the answer ends; a TAuto timer stops at its 5th bit (SOF + 4 data bits, DS §8.5). */
  private receiveWindow(txEnd: number, delayUs: number, bits: number): void {
    const s = this.s;
    const start = txEnd + delayUs / 1000;
    s.modem = ModemState.Receiving;
    s.advanceTo(start + (5 * BIT_US) / 1000);
    if (s.tAuto) s.timer.stop(s.now());
    s.advanceTo(start + frameUs(bits) / 1000);
  }

  private receive(frame: AirFrame, ex: AirExchange, answer: AirFrame, txEnd: number): void {
    const s = this.s;
    const fdt = fdtPcdToPiccUs(lastBit(frame.bytes, frame.bits));
    // Rounded to 1 ps so that a tag's "500 µs" survives the subtraction of the frame delay.
    const tagDelayUs = Math.max(0, Math.round((ex.delayUs - fdt) * 1e6) / 1e6);
    this.receiveWindow(txEnd, fdt + tagDelayUs, answer.bits);
    const rxAlign = (s.regs[Reg.BitFramingReg] & BitFraming.RxAlign) >> 4;
    const clearAfterColl = (s.regs[Reg.CollReg] & Coll.ValuesAfterColl) === 0;
    const placed = placeAnswer(answer, rxAlign, ex.collisionBit, clearAfterColl);
    let bytes = placed.bytes;
    let lastBits = placed.lastBits;
    let errors = 0;
    if (ex.collisionBit >= 0) errors |= ErrorBits.CollErr;
    s.collLow = collRegLowBits(placed.collisionPos);
    if (answer.parityError) errors |= ErrorBits.ParityErr;
    if ((s.regs[Reg.RxModeReg] & RxMode.RxCRCEn) !== 0) {
      // RxCRCEn: a good CRC_A is checked and not stored (inferred from NXPRL, reference §3.7).
      const whole = answer.bits % 8 === 0 && answer.bits >= 24;
      s.crcOk = whole && crcA(bytes) === 0;
      if (s.crcOk) {
        bytes = bytes.subarray(0, bytes.length - 2);
        lastBits = 0;
      } else {
        errors |= ErrorBits.CRCErr;
      }
    }
    for (let i = 0; i < bytes.length; i++) s.pushFifo(bytes[i]);
    s.rxLastBits = lastBits;
    if (errors) s.setError(errors);
    s.comIrq |= ComIrq.RxIRq;
    this.record(frame, answer.bits, tagDelayUs, exchangeUs(frame.bytes, frame.bits, answer.bits, tagDelayUs));
  }

  /** Nothing answered: with TAuto, time runs until the timer underflows (TimerIRq); the receiver keeps waiting. */
  private waitForTimer(): void {
    const s = this.s;
    if (!s.tAuto) return;
    const at = s.timer.nextUnderflowAt();
    if (at !== null) s.advanceTo(at);
  }

  private record(frame: AirFrame, answerBits: number | null, tagDelayUs: number, airUs: number): void {
    this.stats().airUs += airUs;
    this.stats().exchanges.push({ txBytes: frame.bytes.length, frame: copyBytes(frame.bytes), txBits: frame.bits, answerBits, tagDelayUs, airUs });
  }
}
