/**
 * Simulated NXP MFRC522 (sim/mfrc522). What is modelled: SPI framing, the 64-register table with access rules, the
 * FIFO and its alerts, interrupts and the IRQ pin, the command engine (Idle, Mem, Generate RandomID, CalcCRC with
 * the digital self-test, Transmit, Receive, Transceive, MFAuthent, SoftReset, soft power-down), the timer, and RF
 * exchanges at 106 kBd through an `RfMedium` (sim/rf/air.ts). What is not: other bit rates, RxMultiple, MSB-first CRC,
 * parity-less frames, inverted modulation, UART/I2C, the test bus and analog test registers, the MFIN/AUX pins
 * (a gated timer never counts). Touching those throws `HalError('UNMODELLED')`.
 */
export { SimMfrc522 } from './chip.js';
export type { SimMfrc522Options } from './chip.js';
export type { Mfrc522Faults } from './faults.js';
export type { Mfrc522Stats, ExchangeRecord } from './stats.js';
export { Reg, REGISTERS } from './registers.js';
export type { RegName, RegisterSpec, BitField, BitAccess } from './registers.js';
export { SELF_TEST_TABLES } from './self-test.js';
