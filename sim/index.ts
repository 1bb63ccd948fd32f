export { VirtualClock } from './clock.js';
export type { VirtualClockOptions } from './clock.js';
