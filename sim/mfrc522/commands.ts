import { crc16 } from '../../hal/iso14443a/crc-a.js';
import { AutoTest, CRC_PRESETS, ComIrq, Command, CommandBits, DivIrq, ErrorBits, Mode, ModemState } from './bits.js';
import { Reg } from './registers.js';
import type { RfPath } from './rf-path.js';
import { selfTestOutput } from './self-test.js';
import { WAKE_UP_MS, type ChipState } from './state.js';

/**
 * The command engine (DS §10): CommandReg writes, the commands that run on the FIFO, and what host FIFO writes do
 * to a running command. A command that ends by itself goes back to Idle with IdleIRq; a host-written Idle cancels
 * without IdleIRq (DS §9.3.1.5, reference §9.4).
 */
export class CommandEngine {
  private crc = 0xffff;
  private prng: number;

  constructor(
    private readonly s: ChipState,
    private readonly rf: RfPath,
    seed: number,
  ) {
    this.prng = seed >>> 0 || 0x6d2b79f5;
  }

  /** Host write to CommandReg: bits 5:4 always, the command unless it is NoCmdChange (DS §9.3.1.2). */
  write(value: number): void {
    const s = this.s;
    s.rcvOff = (value & CommandBits.RcvOff) !== 0;
    if (value & CommandBits.PowerDown) {
      // Entering soft power-down: the command code of this write is ignored and the running one stops (the
      // Arduino library sets PowerDown by read-modify-write, echoing whatever command was running).
      this.enterPowerDown();
      return;
    }
    if (s.power === 'down') {
      // Writing PowerDown = 0 starts the wake-up; the bit reads 1 until it ends (DS §8.6.2).
      s.power = 'waking';
      s.wakeAt = s.now() + WAKE_UP_MS;
    }
    const code = value & CommandBits.Command;
    if (code !== Command.NoCmdChange) this.start(code);
  }

  /** A host write to FIFODataReg, after the register file checked nothing else. */
  fifoWrite(b: number): void {
    const s = this.s;
    if (s.command === Command.MFAuthent) {
      // FIFO access is blocked during MFAuthent (DS §9.3.1.7 WrErr): the byte is lost.
      s.setError(ErrorBits.WrErr);
      return;
    }
    if ((s.command === Command.Transceive || s.command === Command.Receive) && s.modem === ModemState.RxWait) {
      // Between the last sent bit and the last received bit (DS §9.3.1.7 WrErr); the byte is still stored.
      s.setError(ErrorBits.WrErr);
    }
    s.pushFifo(b);
    if (s.command === Command.CalcCRC && !this.selfTestEnabled()) this.feedCrc();
    else if (s.command === Command.Mem && s.fifo.level >= 25) this.memStore();
  }

  private start(code: number): void {
    const s = this.s;
    s.error &= ErrorBits.TempErr; // "command execution clears all error bits except TempErr" (DS §9.3.1.7)
    s.command = code;
    s.modem = ModemState.Idle;
    switch (code) {
      case Command.Idle:
        return;
      case Command.Mem:
        // Empty FIFO: buffer → FIFO. Otherwise wait for 25 bytes, then FIFO → buffer (DS §10.3.1.2).
        if (s.fifo.level === 0) {
          for (let i = 0; i < s.buffer.length; i++) s.pushFifo(s.buffer[i]);
          this.finish();
        } else if (s.fifo.level >= 25) {
          this.memStore();
        }
        return;
      case Command.GenerateRandomID:
        // 10 random bytes into the internal buffer (DS §10.3.1.3); the other 15 keep their content.
        for (let i = 0; i < 10; i++) s.buffer[i] = this.random();
        this.finish();
        return;
      case Command.CalcCRC:
        this.startCrc();
        return;
      case Command.Transmit:
        this.rf.transmit();
        this.finish();
        return;
      case Command.Receive:
        // Nothing is on air unless the chip transmits, so a Receive waits until another command replaces it.
        s.modem = ModemState.RxWait;
        return;
      case Command.Transceive:
        s.modem = ModemState.WaitStartSend;
        return;
      case Command.MFAuthent:
        if (this.rf.authenticate()) this.finish();
        return;
      case Command.SoftReset:
        s.resetRegisters(); // ComIrqReg resets to 14h: IdleIRq is set
        return;
      default:
        // Reserved codes: "CommandReg falls back to Idle and IdleIRq is set" (DS Table 149, reference §3.1).
        this.finish();
    }
  }

  private finish(): void {
    const s = this.s;
    s.command = Command.Idle;
    s.modem = ModemState.Idle;
    s.comIrq |= ComIrq.IdleIRq;
  }

  private enterPowerDown(): void {
    const s = this.s;
    s.command = Command.Idle;
    s.modem = ModemState.Idle;
    s.timer.stop(s.now()); // the oscillator stops, so does the timer
    s.power = 'down';
    s.updateField();
  }

  private memStore(): void {
    this.s.buffer.set(this.s.takeFifo(25));
    this.finish();
  }

  private selfTestEnabled(): boolean {
    return (this.s.regs[Reg.AutoTestReg] & AutoTest.SelfTest) === 0x9;
  }

  private startCrc(): void {
    const s = this.s;
    this.crc = CRC_PRESETS[s.regs[Reg.ModeReg] & Mode.CRCPreset];
    s.crcResult = this.crc;
    s.crcReady = false;
    s.crcOk = false;
    if (this.selfTestEnabled()) {
      // DS §16.1.1: the digital self-test replaces the CRC; it fills the FIFO with 64 bytes. CRCIRq is not raised
      // ("some devices do not trigger CRCIRq during self-test", Arduino MFRC522).
      const input = s.takeFifo();
      const out = selfTestOutput(s.version, s.buffer, input);
    for (let i = 0; i < out.length; i++) s.pushFifo(out[i]);
      return;
    }
    this.feedCrc();
  }

  /** CalcCRC consumes every FIFO byte, also those written while it stays active (DS §10.3.1.4). */
  private feedCrc(): void {
    const s = this.s;
    if (s.fifo.level === 0) return;
    this.crc = crc16(s.takeFifo(), this.crc);
    s.crcResult = this.crc;
    s.crcReady = true;
    s.crcOk = this.crc === 0;
    s.divIrq |= DivIrq.CRCIRq;
  }

  /** xorshift32: deterministic per seed, so tests can repeat a RandomID. */
  private random(): number {
    let x = this.prng;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.prng = x;
    return x >>> 24;
  }
}
