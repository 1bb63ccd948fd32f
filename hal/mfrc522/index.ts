export { Mfrc522 } from './driver.js';
export type { Mfrc522Options } from './driver.js';
export { RegisterIo } from './registers-io.js';
export { Reg, Cmd, readAddress, writeAddress, FIFO_SIZE } from './registers.js';
export { selfTestTable, describeVersion, mfrc522SelfTest } from './selftest.js';
export { TICK_US, TPRESCALER } from './timer.js';
export { openMfrc522 } from './open.js';
export type { OpenedReader } from './open.js';
