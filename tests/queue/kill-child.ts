// Child process for file-kill.test.ts: appends records to a file-backed queue as fast as it can, acking now and
// then, and prints "ok <seq>" / "ack <seq>" after each call returns, until it is killed.
import { writeSync } from 'node:fs';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { Queue } from '../../firmware/queue/index.js';
import { killRecord, KILL_GEOMETRY } from './kill-shared.js';
import { sha } from '../../sim/sweeps/queue-kit.js';

const [dir, epochArg] = process.argv.slice(2);
const epoch = Number(epochArg);
const { queue } = Queue.open(new FileSegmentStorage({ dir, ...KILL_GEOMETRY }), { sha256: sha });
writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  const seq = queue.nextSeq;
  if (i % 7 === 3) {
    const items = [0, 1, 2].map((k) => ({ record: killRecord(seq + k, epoch), time: seq + k }));
    const r = queue.appendMany(items);
    if (r.ok) writeSync(1, `ok ${r.firstSeq} ${r.lastSeq}\n`);
  } else {
    const r = queue.append(killRecord(seq, epoch), seq);
    if (r.ok) writeSync(1, `ok ${r.seq} ${r.seq}\n`);
  }
  if (i % 50 === 49 && queue.nextSeq > 120) {
    const upTo = queue.nextSeq - 100;
    writeSync(1, `acking ${upTo}\n`);
    queue.ack(upTo);
    writeSync(1, `ack ${upTo}\n`);
  }
}
