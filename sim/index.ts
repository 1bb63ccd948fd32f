export { VirtualClock } from './clock.js';
export type { VirtualClockOptions, SimClock, SimTime } from './clock.js';
export * from './mfrc522/index.js';
export * from './tags/index.js';
export * from './rf/field.js';
export * from './faults.js';
// A whole simulated scanner and what drives it (Node only: files, node:crypto, HTTP).
export { SimDevice } from './device.js';
export type { SimDeviceOptions, DeviceEvent, TapSummary, RecoverySummary, SimDeviceStatus } from './device.js';
export { PacedClock } from './paced-clock.js';
export type { PacedClockOptions } from './paced-clock.js';
export { NetworkConditions, NETWORK_MODES } from './network.js';
export type { NetworkMode, NetworkSetting, UplinkExchange } from './network.js';
export { IngestUplink } from './ingest-uplink.js';
