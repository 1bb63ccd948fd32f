// Child of scripts/bench/queue.ts: one cold boot recovery in a fresh process (JIT not warmed by anything else),
// timed from constructing the storage to Queue.open returning. Prints {"ms": .., "unacked": ..}.
import { createHash } from 'node:crypto';
import { Queue } from '../../firmware/queue/index.js';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';

const sha256 = { sha256: (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest()) };
const t = performance.now();
const storage = new FileSegmentStorage({ dir: process.argv[2], segmentCount: 256, segmentSize: 1 << 20 });
const { report } = Queue.open(storage, { sha256 });
const ms = performance.now() - t;
storage.close();
console.log(JSON.stringify({ ms, unacked: report.unacked }));
