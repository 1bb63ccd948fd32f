/** Bit masks of the registers the model gives behaviour to, named as in the datasheet (DS §9.3). */

/** CommandReg[3:0] command codes (DS §10.3 Table 149). */
export const Command = {
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

export const CommandBits = { RcvOff: 0x20, PowerDown: 0x10, Command: 0x0f } as const;

export const ComIEn = { IRqInv: 0x80 } as const;

export const ComIrq = {
  Set1: 0x80,
  TxIRq: 0x40,
  RxIRq: 0x20,
  IdleIRq: 0x10,
  HiAlertIRq: 0x08,
  LoAlertIRq: 0x04,
  ErrIRq: 0x02,
  TimerIRq: 0x01,
} as const;

export const DivIrq = { Set2: 0x80, MfinActIRq: 0x10, CRCIRq: 0x04 } as const;

export const ErrorBits = {
  WrErr: 0x80,
  TempErr: 0x40,
  BufferOvfl: 0x10,
  CollErr: 0x08,
  CRCErr: 0x04,
  ParityErr: 0x02,
  ProtocolErr: 0x01,
} as const;

export const Status1 = {
  CRCOk: 0x40,
  CRCReady: 0x20,
  IRq: 0x10,
  TRunning: 0x08,
  HiAlert: 0x02,
  LoAlert: 0x01,
} as const;

export const Status2 = { TempSensClear: 0x80, MFCrypto1On: 0x08 } as const;

/** Status2Reg.ModemState values (DS §9.3.1.9). */
export const ModemState = {
  Idle: 0,
  WaitStartSend: 1,
  TxWait: 2,
  Transmitting: 3,
  RxWait: 4,
  WaitForData: 5,
  Receiving: 6,
} as const;

export const FIFOLevel = { FlushBuffer: 0x80 } as const;
export const Control = { TStopNow: 0x80, TStartNow: 0x40 } as const;
export const BitFraming = { StartSend: 0x80, RxAlign: 0x70, TxLastBits: 0x07 } as const;
export const Coll = { ValuesAfterColl: 0x80 } as const;
export const Mode = { CRCPreset: 0x03 } as const;
export const TxMode = { TxCRCEn: 0x80 } as const;
export const RxMode = { RxCRCEn: 0x80, RxNoErr: 0x08 } as const;
export const TxControl = { Tx2RFEn: 0x02, Tx1RFEn: 0x01 } as const;
export const Demod = { TPrescalEven: 0x10 } as const;
export const TMode = { TAuto: 0x80, TGated: 0x60, TAutoRestart: 0x10, TPrescalerHi: 0x0f } as const;
export const AutoTest = { SelfTest: 0x0f } as const;

/** CRC coprocessor presets selected by ModeReg.CRCPreset for CalcCRC (DS §9.3.2.2). */
export const CRC_PRESETS: readonly number[] = [0x0000, 0x6363, 0xa671, 0xffff];
