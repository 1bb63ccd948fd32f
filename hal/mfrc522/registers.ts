/**
 * MFRC522 register addresses, command codes and the bits the driver uses, named as in the NXP data sheet
 * (MFRC522 Rev 3.9, section 9). Addresses are the 6-bit register numbers; the SPI address byte is built in the driver.
 *
 * The simulator (sim/mfrc522/registers.ts, bits.ts) writes the same data sheet facts down again on purpose: driver
 * and chip model are two independent readings of the data sheet, so a wrong constant in one shows up as a failing
 * exchange instead of agreeing with itself.
 */
export const Reg = {
  CommandReg: 0x01,
  ComIEnReg: 0x02,
  DivIEnReg: 0x03,
  ComIrqReg: 0x04,
  DivIrqReg: 0x05,
  ErrorReg: 0x06,
  Status1Reg: 0x07,
  Status2Reg: 0x08,
  FIFODataReg: 0x09,
  FIFOLevelReg: 0x0a,
  WaterLevelReg: 0x0b,
  ControlReg: 0x0c,
  BitFramingReg: 0x0d,
  CollReg: 0x0e,
  ModeReg: 0x11,
  TxModeReg: 0x12,
  RxModeReg: 0x13,
  TxControlReg: 0x14,
  TxASKReg: 0x15,
  TxSelReg: 0x16,
  RxSelReg: 0x17,
  RxThresholdReg: 0x18,
  DemodReg: 0x19,
  MfTxReg: 0x1c,
  MfRxReg: 0x1d,
  SerialSpeedReg: 0x1f,
  CRCResultRegH: 0x21,
  CRCResultRegL: 0x22,
  ModWidthReg: 0x24,
  RFCfgReg: 0x26,
  GsNReg: 0x27,
  CWGsPReg: 0x28,
  ModGsPReg: 0x29,
  TModeReg: 0x2a,
  TPrescalerReg: 0x2b,
  TReloadRegH: 0x2c,
  TReloadRegL: 0x2d,
  TCounterValRegH: 0x2e,
  TCounterValRegL: 0x2f,
  AutoTestReg: 0x36,
  VersionReg: 0x37,
} as const;

/** CommandReg command codes (data sheet Table 149). */
export const Cmd = {
  Idle: 0x0,
  Mem: 0x1,
  GenerateRandomID: 0x2,
  CalcCRC: 0x3,
  Transmit: 0x4,
  NoCmdChange: 0x7,
  Receive: 0x8,
  Transceive: 0xc,
  MFAuthent: 0xe,
  SoftReset: 0xf,
} as const;

/** CommandReg bits. */
export const CommandBits = { PowerDown: 0x10, Command: 0x0f } as const;

/** ComIrqReg bits (bit 7, Set1, left 0 clears the bits written as 1). */
export const ComIrq = { RxIRq: 0x20, IdleIRq: 0x10, ErrIRq: 0x02, TimerIRq: 0x01 } as const;

/** DivIrqReg bits. */
export const DivIrq = { CRCIRq: 0x04 } as const;

/** ErrorReg bits. */
export const ErrorBits = { WrErr: 0x80, TempErr: 0x40, BufferOvfl: 0x10, CollErr: 0x08, CRCErr: 0x04, ParityErr: 0x02, ProtocolErr: 0x01 } as const;

/** Status2Reg bits. */
export const Status2 = { MFCrypto1On: 0x08 } as const;

/** FIFOLevelReg, ControlReg, BitFramingReg, CollReg, TxModeReg/RxModeReg, TModeReg and TxControlReg bits. */
export const FIFOLevel = { FlushBuffer: 0x80, Level: 0x7f } as const;
export const Control = { TStartNow: 0x40, RxLastBits: 0x07 } as const;
export const BitFraming = { StartSend: 0x80, RxAlignShift: 4, TxLastBits: 0x07 } as const;
export const Coll = { CollPosNotValid: 0x20, CollPos: 0x1f } as const;
export const TxRxMode = { CRCEn: 0x80 } as const;
export const TMode = { TAuto: 0x80 } as const;
export const TxControl = { Tx2RFEn: 0x02, Tx1RFEn: 0x01 } as const;

/** The FIFO holds 64 bytes (data sheet 8.3.1). */
export const FIFO_SIZE = 64;

/** SPI address byte for a register read (bit 7 set) or write; bit 0 is 0 (data sheet 8.1.2.3). */
export function readAddress(reg: number): number {
  return ((reg << 1) & 0x7e) | 0x80;
}

export function writeAddress(reg: number): number {
  return (reg << 1) & 0x7e;
}
