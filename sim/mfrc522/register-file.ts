import { HalError } from '../../hal/errors.js';
import { ComIrq, Control, Demod, DivIrq, ErrorBits, FIFOLevel, Status1, Status2, BitFraming, Coll } from './bits.js';
import type { CommandEngine } from './commands.js';
import { RW_MASK, writeViolation } from './register-access.js';
import { REGISTERS, Reg } from './registers.js';
import { hexH } from '../../hal/hex.js';
import type { RfPath } from './rf-path.js';
import type { ChipState } from './state.js';

/**
 * Register reads and writes with their side effects (DS §9.3). The table in registers.ts decides what a write may
 * store; this file gives the dynamic bits their meaning. `read(addr, true)` is the back door: no FIFO pop, no throw.
 */
export class RegisterFile {
  constructor(
    private readonly s: ChipState,
    private readonly engine: CommandEngine,
    private readonly rf: RfPath,
  ) {}

  read(addr: number, peek = false): number {
    const s = this.s;
    const spec = REGISTERS[addr];
    if (!peek) {
      if (spec.reserved) throw new HalError('UNMODELLED', `read of ${spec.name}: reserved registers are not modelled`);
      if (spec.unreadable) throw new HalError('UNMODELLED', `read of ${spec.name} (${hexH(addr)}): its content is not modelled`);
    }
    s.sync();
    switch (addr) {
      case Reg.CommandReg: {
        const pd = s.power === 'down' || (s.power === 'waking' && s.now() < s.wakeAt);
        return (s.rcvOff ? 0x20 : 0) | (pd ? 0x10 : 0) | s.command;
      }
      case Reg.ComIrqReg:
        return s.comIrq & 0x7f;
      case Reg.DivIrqReg:
        return s.divIrq & (DivIrq.MfinActIRq | DivIrq.CRCIRq);
      case Reg.ErrorReg:
        return s.error;
      case Reg.Status1Reg:
        return (
          (s.crcOk ? Status1.CRCOk : 0) |
          (s.crcReady ? Status1.CRCReady : 0) |
          (s.irqActive() ? Status1.IRq : 0) |
          (s.timer.running ? Status1.TRunning : 0) |
          (s.hiAlert() ? Status1.HiAlert : 0) |
          (s.loAlert() ? Status1.LoAlert : 0)
        );
      case Reg.Status2Reg:
        return s.status2();
      case Reg.FIFODataReg: {
        // Reading an empty FIFO: undefined in the DS; mfrc522-rpi does it routinely, so 00h without side effects.
        const b = peek ? s.fifo.peek() : s.popFifo();
        return b ?? 0x00;
      }
      case Reg.FIFOLevelReg:
        return s.fifo.level;
      case Reg.ControlReg:
        return (s.regs[addr] & ~0xc7) | s.rxLastBits;
      case Reg.BitFramingReg:
        return s.regs[addr] & ~BitFraming.StartSend;
      case Reg.CollReg:
        return (s.regs[addr] & Coll.ValuesAfterColl) | s.collLow;
      case Reg.CRCResultRegH:
        return s.crcResult >> 8;
      case Reg.CRCResultRegL:
        return s.crcResult & 0xff;
      case Reg.TCounterValRegH:
        return s.timer.value(s.now()) >> 8;
      case Reg.TCounterValRegL:
        return s.timer.value(s.now()) & 0xff;
      default:
        return s.regs[addr];
    }
  }

  write(addr: number, value: number): void {
    const s = this.s;
    const spec = REGISTERS[addr];
    const setRule = addr === Reg.ComIrqReg || addr === Reg.DivIrqReg;
    // With Set1/Set2 = 0 a 1 clears: clearing a bit that does not exist is harmless, setting one is not.
    const violation = writeViolation(spec, value, setRule && (value & 0x80) === 0);
    if (violation) throw new HalError('UNMODELLED', violation);
    if (addr === Reg.DemodReg && value & Demod.TPrescalEven && s.version !== 0x92) {
      throw new HalError('UNMODELLED', `DemodReg (19h) bit 4 TPrescalEven exists on MFRC522 v2.0 only (VersionReg ${hexH(s.version)})`);
    }
    s.sync();
    s.regs[addr] = (s.regs[addr] & ~RW_MASK[addr]) | (value & RW_MASK[addr]);
    switch (addr) {
      case Reg.CommandReg:
        this.engine.write(value);
        return;
      case Reg.ComIrqReg:
        // Set1 = 1: every 1 in bits 6:0 sets that flag; Set1 = 0: every 1 clears it (DS §9.3.1.5).
        if (value & ComIrq.Set1) s.comIrq |= value & 0x7f;
        else s.comIrq &= ~value & 0x7f;
        return;
      case Reg.DivIrqReg: {
        const m = value & (DivIrq.MfinActIRq | DivIrq.CRCIRq);
        if (value & DivIrq.Set2) s.divIrq |= m;
        else s.divIrq &= ~m;
        return;
      }
      case Reg.Status2Reg:
        // MFCrypto1On can only be cleared by the host; MFAuthent sets it (DS §9.3.1.9).
        if ((value & Status2.MFCrypto1On) === 0) s.crypto1 = false;
        if (value & Status2.TempSensClear && !s.hot && s.error & ErrorBits.TempErr) {
          s.error &= ~ErrorBits.TempErr;
          s.updateField();
        }
        return;
      case Reg.FIFODataReg:
        this.engine.fifoWrite(value);
        return;
      case Reg.FIFOLevelReg:
        if (value & FIFOLevel.FlushBuffer) s.flushFifo();
        return;
      case Reg.WaterLevelReg:
        s.updateAlerts();
        return;
      case Reg.ControlReg:
        if (value & Control.TStopNow) s.timer.stop(s.now());
        if (value & Control.TStartNow) s.startTimer();
        return;
      case Reg.BitFramingReg:
        if (value & BitFraming.StartSend) this.rf.startSend();
        return;
      case Reg.TxControlReg:
        s.updateField();
        return;
      default:
        return;
    }
  }
}
