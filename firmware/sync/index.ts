// Store and forward, device side: the sync worker and the pieces it is made of (DESIGN.md "Store and forward").
export { SyncWorker } from './worker.js';
export type { SyncQueue, SyncOptions, SyncState, SyncStatus, SyncError } from './types.js';
export { DEFAULT_BACKOFF, backoffCeiling, fullJitter, parseHttpDate, retryAfterMs } from './backoff.js';
export type { BackoffPolicy } from './backoff.js';
export { encodeBatch, parseAck, errorOf, RECORDS_PATH, CBOR_CONTENT_TYPE } from './protocol.js';
export type { DeviceAck, RecordReject, MalformedRecord, AckParse, EncodedBatch } from './protocol.js';
