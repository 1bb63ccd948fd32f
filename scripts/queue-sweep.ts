// The long power-cut sweep for the durable queue (the unit test runs one seed): for each seed, cut after every
// program/erase of the workload and inside each at many byte offsets, reboot, and check everything recovery
// promises (sim/sweeps/queue-workload.ts).
import { commandArgs, usageError } from './command-args.js';
import { countOps, cutRun, seen } from '../sim/sweeps/queue-workload.js';

const USAGE = `usage: node dist/scripts/queue-sweep.js [--seeds N] [--records M]

Cuts the power after every program and erase of a queue workload, and inside each at 14 byte offsets; reboots on
the surviving image and checks everything recovery promises. Seeds 1..N (default 10), M records each (default 400).`;

const parsed = commandArgs('queue-sweep', USAGE, process.argv.slice(2), { seeds: { type: 'string' }, records: { type: 'string' } });
if (typeof parsed === 'number') process.exit(parsed);
const seeds = Number(parsed.values.seeds ?? 10);
const records = Number(parsed.values.records ?? 400);
if (!(Number.isInteger(seeds) && seeds >= 1) || !(Number.isInteger(records) && records >= 10)) process.exit(usageError('queue-sweep', USAGE, '--seeds must be a whole number >= 1 and --records >= 10'));
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
