export { VirtualClock } from './clock.js';
export type { VirtualClockOptions, SimClock, SimTime } from './clock.js';
export * from './mfrc522/index.js';
export * from './tags/index.js';
export * from './rf/field.js';
export * from './faults.js';
