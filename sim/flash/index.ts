export { NorFlash, PowerLossError } from './nor-flash.js';
export type { NorFlashOptions } from './nor-flash.js';
export { NorSegmentStorage } from './nor-segment-storage.js';
export type { NorSegmentStorageOptions } from './nor-segment-storage.js';
