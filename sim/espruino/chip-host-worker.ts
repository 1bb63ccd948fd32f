// The chip host's worker thread (see chip-host.ts): the simulated MFRC522 and the self-test's tags, answering an
// Espruino interpreter's SPI transfers over two named pipes, and tapping the tags in turn: the badge, then `taps`
// taps of the sealed tags. It blocks on the request pipe, so it runs beside the thread that serves the ingest.
import { constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { SimMfrc522 } from '../mfrc522/chip.js';
import { RfField } from '../rf/field.js';
import { VirtualClock } from '../clock.js';
import type { Iso14443aTag } from '../tags/picc.js';
import { selftestTags, type SelftestData } from '../selftest-data.js';
import { HOLD_LIMIT, GAP_TRANSFERS, type HostMessage } from './chip-host.js';

const { dir, data } = workerData as { dir: string; data: SelftestData };
const post = (m: HostMessage) => parentPort!.postMessage(m);

// Both pipes opened for reading and writing: neither open blocks, whoever comes first.
const req = openSync(join(dir, 'req'), constants.O_RDWR);
const rsp = openSync(join(dir, 'rsp'), constants.O_RDWR);

function readExactly(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) got += readSync(req, out, got, n - got, null);
  return out;
}

const field = new RfField();
const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
const { badge, tags } = selftestTags(data);

let tap = 0; // 0: the badge; 1..taps: the sealed tags in turn
let placed: Iso14443aTag | null = null;
let held = 0;
let idle = 0;
let transfers = 0;

/** After each transfer: a tag the device has halted (read and done) leaves the field; after a gap, the next comes. */
function script(): void {
  if (placed) {
    held++;
    const halted = placed.state === 'HALT';
    if (halted || held > HOLD_LIMIT) {
      field.remove(placed);
      post({ kind: 'tap', tap, halted, transfers });
      placed = null;
      idle = 0;
      tap++;
      if (tap > data.taps) post({ kind: 'taps-done', transfers });
    }
    return;
  }
  if (tap > data.taps || ++idle < GAP_TRANSFERS) return;
  placed = tap === 0 ? badge : tags[(tap - 1) % tags.length];
  field.place(placed);
  held = 0;
}

for (;;) {
  const n = readExactly(1)[0];
  if (n === 0) break; // the host's stop
  const tx = readExactly(n);
  let rx: Uint8Array;
  try {
    rx = chip.transfer(tx);
  } catch (e) {
    // A transfer the chip model refuses (a driver bug, or the stop's padding): said, answered with zeros.
    post({ kind: 'refused', message: (e as Error).message, transfers });
    rx = new Uint8Array(n);
  }
  writeSync(rsp, rx);
  transfers++;
  // The chip logs every exchange for tests: forget them, or a long run grows without end.
  if (transfers % 1000 === 0) chip.resetStats();
  if (transfers % 250 === 0) post({ kind: 'progress', transfers });
  script();
}
post({ kind: 'stopped', transfers });
