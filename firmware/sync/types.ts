// The sync worker's public value types: what it needs from the queue, its options and the status it exposes to the
// scanner application, the web console and `doctor`.
import type { Clock } from '../../hal/clock.js';
import type { Sha256 } from '../../hal/crypto.js';
import type { Uplink } from '../../hal/uplink.js';
import type { BackoffPolicy } from './backoff.js';

/**
 * The part of the durable queue (firmware/queue) sync uses. `read` returns unacked records in seq order from the
 * ack point (or from `from`); `ack(seq)` durably frees everything up to `seq`. The Queue class satisfies it as it is.
 */
export interface SyncQueue {
  read(limits: { maxCount: number; maxBytes: number; from?: number }): Array<{ seq: number; record: Uint8Array }>;
  ack(seq: number): void;
  status(): { unacked: number; ackedThrough: number };
}

export interface SyncOptions {
  /** The device id (COSE kid): the ingest answers per device, and only this device's ack frees records. */
  device: string;
  queue: SyncQueue;
  uplink: Uplink;
  /** All waiting (backoff, timeouts, idle polls) goes through it, so tests run on virtual time. */
  clock: Clock;
  /** Checks the ingest's ackedHash against our own record before freeing anything. */
  sha256: Sha256;
  /** Uniform in [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
  /** Records per request. Default 200. */
  maxCount?: number;
  /** Sum of record sizes per request (one record is sent alone even if larger). Default 256 KiB. */
  maxBytes?: number;
  /** Give up on a request after this long, ms. Default 30 s. */
  requestTimeoutMs?: number;
  /** Default base 1 s, cap 5 min. */
  backoff?: BackoffPolicy;
  /** How often an idle worker looks at the queue without a nudge, ms. Default 60 s. */
  idlePollMs?: number;
  /** A Retry-After longer than this is taken as this, ms, so a broken server cannot stop sync for days. Default 1 h. */
  maxRetryAfterMs?: number;
  /** Extra request headers (e.g. user-agent). */
  headers?: { [name: string]: string };
}

/**
 * idle: nothing to send (or waiting for the next poll); sending: a request is out; backoff: a transient failure,
 * waiting to retry; blocked: the ingest refused something permanently, retrying at the backoff cap until someone
 * fixes it; stopped: not running.
 */
export type SyncState = 'idle' | 'sending' | 'backoff' | 'blocked' | 'stopped';

/**
 * Why the last attempt failed. `kind`: unreachable / timeout / reset (network), http (a status other than 200),
 * rejected (the ingest refused records), answer (a 200 whose body made no sense), ack-mismatch (the ingest acked a
 * record whose hash is not ours), queue (reading or acking the local queue threw).
 */
export interface SyncError {
  /** Device wall time, ms since the Unix epoch. */
  at: number;
  kind: 'unreachable' | 'timeout' | 'reset' | 'http' | 'rejected' | 'answer' | 'ack-mismatch' | 'queue';
  /** True when retrying cannot help until someone acts; the worker then retries only at the backoff cap. */
  permanent: boolean;
  message: string;
  /** HTTP status, for kind http. */
  status?: number;
  /** The ingest's error code or reject reason (e.g. unknown-device, bad-signature, fork). */
  code?: string;
  /** The first record concerned, when one is. */
  seq?: number | null;
}

export interface SyncStatus {
  state: SyncState;
  /** Wall time of the last answer that acknowledged records (or confirmed there was nothing left). */
  lastSuccessAt: number | undefined;
  lastError: SyncError | undefined;
  /** Wall time the worker will try next while idle, in backoff or blocked; undefined while sending or stopped. */
  nextAttemptAt: number | undefined;
  /** Consecutive failed attempts (the backoff exponent). */
  attempt: number;
  requests: number;
  /** Records put on the wire, counting resends. */
  recordsSent: number;
  /** Records freed by the ingest's acks. */
  recordsAcked: number;
  /** Unacked records in the queue. */
  queueDepth: number;
  ackedThrough: number;
  /** The batch limits in force (halved after a 413). */
  maxCount: number;
  maxBytes: number;
}
