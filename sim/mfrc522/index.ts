export { SimMfrc522 } from './chip.js';
export type { SimMfrc522Options } from './chip.js';
export type { Mfrc522Faults } from './faults.js';
export type { Mfrc522Stats, ExchangeRecord } from './stats.js';
export { Reg, REGISTERS } from './registers.js';
export type { RegName, RegisterSpec, BitField, BitAccess } from './registers.js';
export { SELF_TEST_TABLES } from './self-test.js';
