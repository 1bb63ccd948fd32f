// The parts every Node board shares (the Raspberry Pi, the PC runner): the system clock, Node's crypto, the device key
// from the data folder, the queue's segment files with fdatasync, and HTTP to the ingest.
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Crypto } from '../crypto.js';
import type { RecordSigner } from '../keys.js';
import type { SegmentStorage } from '../storage.js';
import type { Uplink } from '../uplink.js';
import { HalError } from '../errors.js';
import { SystemClock } from './clock.js';
import { createNodeCrypto } from './crypto.js';
import { FileKeyStore } from './key-store.js';
import { FileSegmentStorage } from './file-storage.js';
import { HttpUplink } from './http-uplink.js';

export interface NodeBoardOptions {
  deviceId: string;
  /** Holds keys/ (the device key) and queue/ (the segment files). */
  dataDir: string;
  /** Base URL of the ingest. */
  ingest: string;
  /** Sent as user-agent with every request. */
  firmware: string;
  /** Queue segments on disk (default 64 of 1 MiB). */
  queue?: { segmentCount?: number; segmentSize?: number };
  /** In place of the system clock (tests: one whose pending sleeps do not keep the process alive). */
  clock?: Clock;
}

export interface NodeBoardParts {
  clock: Clock;
  crypto: Crypto;
  signer: RecordSigner;
  storage: SegmentStorage;
  uplink: Uplink;
}

/** The device key store in a data folder. */
export function keyStoreOf(dataDir: string): FileKeyStore {
  return new FileKeyStore(join(dataDir, 'keys'));
}

/** The queue's segment files in a data folder. */
export function queueStorageOf(dataDir: string, geometry: NodeBoardOptions['queue'] = {}): FileSegmentStorage {
  return new FileSegmentStorage({ dir: join(dataDir, 'queue'), segmentCount: geometry.segmentCount, segmentSize: geometry.segmentSize });
}

/** Throws HalError NO_KEY when the data folder holds no key for the device (it has not been provisioned). */
export function nodeBoardParts(o: NodeBoardOptions): NodeBoardParts {
  const signer = keyStoreOf(o.dataDir).load(o.deviceId);
  if (!signer) throw new HalError('NO_KEY', `no key for ${o.deviceId} in ${join(o.dataDir, 'keys')}; provision the device first`);
  return {
    clock: o.clock ?? new SystemClock(),
    crypto: createNodeCrypto(),
    signer,
    storage: queueStorageOf(o.dataDir, o.queue),
    uplink: new HttpUplink(o.ingest, { 'user-agent': o.firmware }),
  };
}
