// The long power-cut sweep for the durable queue (the unit test runs one seed): for each seed, cut after every
// program/erase of the workload and inside each at many byte offsets, reboot, and check everything recovery
// promises (tests/queue/workload.ts). Usage: node dist/scripts/queue-sweep.js [--seeds N] [--records M]
import { countOps, cutRun, seen } from '../tests/queue/workload.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seeds = arg('--seeds', 10);
const records = arg('--records', 400);
const offsets: Array<number | undefined> = [undefined, 0, 1, 2, 7, 12, 19, 20, 23, 64, 130, 255, 1024, 3000];
const started = Date.now();
let cuts = 0;
for (let seed = 1; seed <= seeds; seed++) {
  for (const sectorsPerSegment of [1, 2]) {
    const options = { seed, records, sectorCount: 24, sectorsPerSegment };
    const total = countOps(options);
    for (let n = 1; n <= total; n++) for (const k of offsets) if (cutRun(options, n, k) === 'cut') cuts++;
    console.log(`seed ${seed}, ${sectorsPerSegment} sector(s)/segment: ${total} operations, ${cuts} cuts so far`);
  }
}
console.log(`${cuts} power cuts, all recovered and checked in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(JSON.stringify(seen));
