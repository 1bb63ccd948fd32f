/**
 * The MFRC522 register map (DS §9, Tables 20–148) as one declarative table: every one of the 64 addresses with its
 * datasheet name, reset value and per-bit access. The simulator's behaviour lives elsewhere; this table decides what
 * a host write may do and fails loudly on anything the model does not implement (Renode's "tagged" bits, stricter).
 *
 * Access kinds (DS Table 19, plus two of our own):
 * - `rw`: host-writable, stored and read back. Some have `modelled` values only (e.g. TxSpeed: 106 kBd).
 * - `r`: set by the chip; host writes are ignored.
 * - `w`: write-only action (StartSend, FlushBuffer, ...); reads back 0.
 * - `d`: dynamic: written by both host and chip; the register file gives it its meaning.
 * - `reserved`: reads its reset value; writing a 1 where the reset value has a 0 throws UNMODELLED.
 * - `unmodelled`: a real function the simulator does not implement (UART, test bus, ...); writing anything other
 *   than the reset value throws UNMODELLED.
 *
 * Reset values marked "x" (undefined) in the datasheet are given the value we chose, noted per register.
 */
import { hexH } from '../../hal/hex.js';

export type BitAccess = 'rw' | 'r' | 'w' | 'd' | 'reserved' | 'unmodelled';

export interface BitField {
  readonly name: string;
  readonly hi: number;
  readonly lo: number;
  readonly access: BitAccess;
  /** For `rw` fields only partly implemented: the field values the model implements (others throw UNMODELLED). */
  readonly modelled?: readonly number[];
  /** Why a value is unmodelled, for the error message. */
  readonly why?: string;
}

export interface RegisterSpec {
  readonly addr: number;
  readonly name: string;
  readonly reset: number;
  /** Fields from bit 7 down. Bits not covered by a field are reserved. Empty for a reserved register. */
  readonly fields: readonly BitField[];
  /** A reserved register (DS: "reserved for future use" / production test): any access throws UNMODELLED. */
  readonly reserved?: boolean;
  /** A read-only register whose content the model cannot produce (test bus, ADC): reading it throws UNMODELLED. */
  readonly unreadable?: boolean;
}

/** Register addresses by datasheet name (DS §9.2 Table 20). */
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
  TestSel1Reg: 0x31,
  TestSel2Reg: 0x32,
  TestPinEnReg: 0x33,
  TestPinValueReg: 0x34,
  TestBusReg: 0x35,
  AutoTestReg: 0x36,
  VersionReg: 0x37,
  AnalogTestReg: 0x38,
  TestDAC1Reg: 0x39,
  TestDAC2Reg: 0x3a,
  TestADCReg: 0x3b,
} as const;

export type RegName = keyof typeof Reg;

function f(name: string, hi: number, lo: number, access: BitAccess, extra?: { modelled?: number[]; why?: string }): BitField {
  return { name, hi, lo, access, modelled: extra?.modelled, why: extra?.why };
}
const bit = (name: string, n: number, access: BitAccess, why?: string): BitField => f(name, n, n, access, { why });
function reg(addr: number, name: string, reset: number, fields: BitField[], extra?: { unreadable?: boolean }): RegisterSpec {
  return { addr, name, reset, fields, unreadable: extra?.unreadable };
}
function reserved(addr: number, reset = 0x00): RegisterSpec {
  return { addr, name: `reserved register ${hexH(addr)}`, reset, fields: [], reserved: true };
}

const UART = 'the UART host interface is not modelled';
const I2C = 'the I2C host interface is not modelled';
const TEST = 'the test bus and analog test functions are not modelled';

const TABLE: RegisterSpec[] = [
  reserved(0x00),
  reg(0x01, 'CommandReg', 0x20, [f('reserved', 7, 6, 'reserved'), bit('RcvOff', 5, 'rw'), bit('PowerDown', 4, 'd'), f('Command', 3, 0, 'd')]),
  reg(0x02, 'ComIEnReg', 0x80, [
    bit('IRqInv', 7, 'rw'), bit('TxIEn', 6, 'rw'), bit('RxIEn', 5, 'rw'), bit('IdleIEn', 4, 'rw'),
    bit('HiAlertIEn', 3, 'rw'), bit('LoAlertIEn', 2, 'rw'), bit('ErrIEn', 1, 'rw'), bit('TimerIEn', 0, 'rw'),
  ]),
  // MfinActIEn is stored: the MFIN pin is never driven, so MfinActIRq never fires on its own (DS §9.3.1.4).
  reg(0x03, 'DivIEnReg', 0x00, [bit('IRQPushPull', 7, 'rw'), bit('MfinActIEn', 4, 'rw'), bit('CRCIEn', 2, 'rw')]),
  reg(0x04, 'ComIrqReg', 0x14, [
    bit('Set1', 7, 'w'), bit('TxIRq', 6, 'd'), bit('RxIRq', 5, 'd'), bit('IdleIRq', 4, 'd'),
    bit('HiAlertIRq', 3, 'd'), bit('LoAlertIRq', 2, 'd'), bit('ErrIRq', 1, 'd'), bit('TimerIRq', 0, 'd'),
  ]),
  // Reset value "x0h" in the DS: we reset the undefined Set2 position to 0.
  reg(0x05, 'DivIrqReg', 0x00, [bit('Set2', 7, 'w'), bit('MfinActIRq', 4, 'd'), bit('CRCIRq', 2, 'd')]),
  reg(0x06, 'ErrorReg', 0x00, [
    bit('WrErr', 7, 'r'), bit('TempErr', 6, 'r'), bit('BufferOvfl', 4, 'r'), bit('CollErr', 3, 'r'),
    bit('CRCErr', 2, 'r'), bit('ParityErr', 1, 'r'), bit('ProtocolErr', 0, 'r'),
  ]),
  reg(0x07, 'Status1Reg', 0x21, [
    bit('CRCOk', 6, 'r'), bit('CRCReady', 5, 'r'), bit('IRq', 4, 'r'), bit('TRunning', 3, 'r'),
    bit('HiAlert', 1, 'r'), bit('LoAlert', 0, 'r'),
  ]),
  reg(0x08, 'Status2Reg', 0x00, [
    bit('TempSensClear', 7, 'rw'), bit('I2CForceHS', 6, 'unmodelled', I2C), bit('MFCrypto1On', 3, 'd'),
    f('ModemState', 2, 0, 'r'),
  ]),
  reg(0x09, 'FIFODataReg', 0x00, [f('FIFOData', 7, 0, 'd')]),
  reg(0x0a, 'FIFOLevelReg', 0x00, [bit('FlushBuffer', 7, 'w'), f('FIFOLevel', 6, 0, 'r')]),
  reg(0x0b, 'WaterLevelReg', 0x08, [f('WaterLevel', 5, 0, 'rw')]),
  reg(0x0c, 'ControlReg', 0x10, [bit('TStopNow', 7, 'w'), bit('TStartNow', 6, 'w'), f('RxLastBits', 2, 0, 'r')]),
  reg(0x0d, 'BitFramingReg', 0x00, [bit('StartSend', 7, 'w'), f('RxAlign', 6, 4, 'rw'), f('TxLastBits', 2, 0, 'rw')]),
  // Reset value "xxh" in the DS: we start with ValuesAfterColl = 1 and "no valid collision" (A0h).
  reg(0x0e, 'CollReg', 0xa0, [bit('ValuesAfterColl', 7, 'rw'), bit('CollPosNotValid', 5, 'r'), f('CollPos', 4, 0, 'r')]),
  reserved(0x0f),
  reserved(0x10),
  reg(0x11, 'ModeReg', 0x3f, [
    bit('MSBFirst', 7, 'unmodelled', 'CalcCRC with MSB first is not modelled'),
    bit('TxWaitRF', 5, 'rw'), bit('PolMFin', 3, 'rw'), f('CRCPreset', 1, 0, 'rw'),
  ]),
  reg(0x12, 'TxModeReg', 0x00, [
    bit('TxCRCEn', 7, 'rw'), f('TxSpeed', 6, 4, 'rw', { modelled: [0], why: 'only 106 kBd is modelled' }),
    bit('InvMod', 3, 'unmodelled', 'inverted modulation is not modelled'),
  ]),
  reg(0x13, 'RxModeReg', 0x00, [
    bit('RxCRCEn', 7, 'rw'), f('RxSpeed', 6, 4, 'rw', { modelled: [0], why: 'only 106 kBd is modelled' }),
    bit('RxNoErr', 3, 'rw'), bit('RxMultiple', 2, 'unmodelled', 'RxMultiple reception is not modelled'),
  ]),
  reg(0x14, 'TxControlReg', 0x80, [
    bit('InvTx2RFOn', 7, 'rw'), bit('InvTx1RFOn', 6, 'rw'), bit('InvTx2RFOff', 5, 'rw'), bit('InvTx1RFOff', 4, 'rw'),
    bit('Tx2CW', 3, 'rw'), bit('Tx2RFEn', 1, 'rw'), bit('Tx1RFEn', 0, 'rw'),
  ]),
  reg(0x15, 'TxASKReg', 0x00, [bit('Force100ASK', 6, 'rw')]),
  reg(0x16, 'TxSelReg', 0x10, [
    f('DriverSel', 5, 4, 'rw', { modelled: [1], why: 'only the internal Miller encoder (01b) drives the antenna in the model' }),
    f('MFOutSel', 3, 0, 'rw'),
  ]),
  reg(0x17, 'RxSelReg', 0x84, [
    f('UARTSel', 7, 6, 'rw', { modelled: [2], why: 'only the internal analog receiver (10b) is modelled' }),
    f('RxWait', 5, 0, 'rw'),
  ]),
  reg(0x18, 'RxThresholdReg', 0x84, [f('MinLevel', 7, 4, 'rw'), f('CollLevel', 2, 0, 'rw')]),
  // TPrescalEven exists on v2.0 only; the register file rejects it on other versions (DS §9.3.2.10).
  reg(0x19, 'DemodReg', 0x4d, [
    f('AddIQ', 7, 6, 'rw'), bit('FixIQ', 5, 'rw'), bit('TPrescalEven', 4, 'rw'), f('TauRcv', 3, 2, 'rw'), f('TauSync', 1, 0, 'rw'),
  ]),
  reserved(0x1a),
  reserved(0x1b),
  reg(0x1c, 'MfTxReg', 0x62, [f('TxWait', 1, 0, 'rw')]),
  reg(0x1d, 'MfRxReg', 0x00, [bit('ParityDisable', 4, 'unmodelled', 'frames without parity are not modelled')]),
  reserved(0x1e),
  reg(0x1f, 'SerialSpeedReg', 0xeb, [f('BR_T0', 7, 5, 'unmodelled', { why: UART }), f('BR_T1', 4, 0, 'unmodelled', { why: UART })]),
  reserved(0x20),
  reg(0x21, 'CRCResultRegH', 0xff, [f('CRCResultMSB', 7, 0, 'r')]),
  reg(0x22, 'CRCResultRegL', 0xff, [f('CRCResultLSB', 7, 0, 'r')]),
  reserved(0x23, 0x88),
  reg(0x24, 'ModWidthReg', 0x26, [f('ModWidth', 7, 0, 'rw')]),
  reserved(0x25, 0x87),
  reg(0x26, 'RFCfgReg', 0x48, [f('RxGain', 6, 4, 'rw')]),
  reg(0x27, 'GsNReg', 0x88, [f('CWGsN', 7, 4, 'rw'), f('ModGsN', 3, 0, 'rw')]),
  reg(0x28, 'CWGsPReg', 0x20, [f('CWGsP', 5, 0, 'rw')]),
  reg(0x29, 'ModGsPReg', 0x20, [f('ModGsP', 5, 0, 'rw')]),
  reg(0x2a, 'TModeReg', 0x00, [bit('TAuto', 7, 'rw'), f('TGated', 6, 5, 'rw'), bit('TAutoRestart', 4, 'rw'), f('TPrescaler_Hi', 3, 0, 'rw')]),
  reg(0x2b, 'TPrescalerReg', 0x00, [f('TPrescaler_Lo', 7, 0, 'rw')]),
  reg(0x2c, 'TReloadRegH', 0x00, [f('TReloadVal_Hi', 7, 0, 'rw')]),
  reg(0x2d, 'TReloadRegL', 0x00, [f('TReloadVal_Lo', 7, 0, 'rw')]),
  // Reset value "xxh": a timer that never ran reads 0000h.
  reg(0x2e, 'TCounterValRegH', 0x00, [f('TCounterVal_Hi', 7, 0, 'r')]),
  reg(0x2f, 'TCounterValRegL', 0x00, [f('TCounterVal_Lo', 7, 0, 'r')]),
  reserved(0x30),
  reg(0x31, 'TestSel1Reg', 0x00, [f('TstBusBitSel', 2, 0, 'unmodelled', { why: TEST })]),
  reg(0x32, 'TestSel2Reg', 0x00, [
    bit('TstBusFlip', 7, 'unmodelled', TEST), bit('PRBS9', 6, 'unmodelled', TEST), bit('PRBS15', 5, 'unmodelled', TEST),
    f('TestBusSel', 4, 0, 'unmodelled', { why: TEST }),
  ]),
  // RS232LineEn only disables the UART pins MX/DTRQ: stored, it changes nothing on SPI.
  reg(0x33, 'TestPinEnReg', 0x80, [bit('RS232LineEn', 7, 'rw'), f('TestPinEn', 6, 1, 'unmodelled', { why: TEST })]),
  reg(0x34, 'TestPinValueReg', 0x00, [bit('UseIO', 7, 'unmodelled', TEST), f('TestPinValue', 6, 1, 'unmodelled', { why: TEST })]),
  reg(0x35, 'TestBusReg', 0x00, [f('TestBus', 7, 0, 'r')], { unreadable: true }),
  reg(0x36, 'AutoTestReg', 0x40, [
    bit('AmpRcv', 6, 'rw'),
    f('SelfTest', 3, 0, 'rw', { modelled: [0x0, 0x9], why: 'only 0000b (normal) and 1001b (digital self-test) are defined' }),
  ]),
  reg(0x37, 'VersionReg', 0x92, [f('ChipType', 7, 4, 'r'), f('Version', 3, 0, 'r')]),
  reg(0x38, 'AnalogTestReg', 0x00, [f('AnalogSelAux1', 7, 4, 'unmodelled', { why: TEST }), f('AnalogSelAux2', 3, 0, 'unmodelled', { why: TEST })]),
  // Reset values "xxh": we reset the test DACs to 00h.
  reg(0x39, 'TestDAC1Reg', 0x00, [f('TestDAC1', 5, 0, 'unmodelled', { why: TEST })]),
  reg(0x3a, 'TestDAC2Reg', 0x00, [f('TestDAC2', 5, 0, 'unmodelled', { why: TEST })]),
  reg(0x3b, 'TestADCReg', 0x00, [f('ADC_I', 7, 4, 'r'), f('ADC_Q', 3, 0, 'r')], { unreadable: true }),
  reserved(0x3c, 0xff),
  reserved(0x3d, 0x00),
  reserved(0x3e, 0x03),
  reserved(0x3f, 0x00),
];

/** All 64 registers, indexed by address. */
export const REGISTERS: readonly RegisterSpec[] = TABLE;
