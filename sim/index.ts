export { VirtualClock } from './clock.js';
export type { VirtualClockOptions } from './clock.js';
export * from './mfrc522/index.js';
