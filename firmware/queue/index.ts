export { Queue } from './queue.js';
export type {
  AppendItem,
  AppendManyResult,
  AppendRefusal,
  AppendResult,
  Priority,
  QueueEntry,
  QueueOptions,
  QueueStatus,
  ReadLimits,
  StorageState,
} from './types.js';
export type { Discard, DiscardReason, RecoveryReport } from './report.js';
export type { SeqPair } from '../records/seq-ranges.js';
export type { StateCopyStatus } from './state.js';
export { crc32c } from './crc32c.js';
