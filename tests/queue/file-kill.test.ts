// The file backend under SIGKILL: a child appends in a loop and is killed at random moments (by its own pid);
// each reopen must hold every confirmed record, surface nothing corrupt and burn what may have been written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { Queue } from '../../firmware/queue/index.js';
import { hex, prng, recordFor, sha } from '../../sim/sweeps/queue-kit.js';
import { killRecord, KILL_GEOMETRY } from './kill-shared.js';

const child = new URL('./kill-child.js', import.meta.url).pathname;

interface RunLog {
  confirmed: Array<[number, number]>;
  acked: number;
  acking: number;
}

function runAndKill(dir: string, epoch: number, afterMs: number): Promise<RunLog> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(epoch)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => process.kill(p.pid as number, 'SIGKILL'), afterMs);
    });
    p.on('error', reject);
    p.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error('child ended by itself: ' + out.slice(-500)));
      const log: RunLog = { confirmed: [], acked: -1, acking: -1 };
      for (const line of out.split('\n')) {
        const [what, a, b] = line.split(' ');
        if (what === 'ok') log.confirmed.push([Number(a), Number(b)]);
        if (what === 'ack') log.acked = Number(a);
        if (what === 'acking') log.acking = Number(a);
      }
      resolve(log);
    });
  });
}

test('SIGKILL at random moments: every confirmed record survives, nothing corrupt, seqs never reused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-kill-'));
  const rnd = prng(2026);
  const content = new Map<number, Uint8Array>();
  let acked = -1;
  let total = 0;
  try {
    for (let run = 0; run < 20; run++) {
      const log = await runAndKill(dir, run, 20 + Math.floor(rnd() * 150));
      for (const [a, b] of log.confirmed) for (let s = a; s <= b; s++) content.set(s, killRecord(s, run));
      const lastOk = log.confirmed.length ? log.confirmed[log.confirmed.length - 1][1] : -1;
      total += log.confirmed.length;
      const storage = new FileSegmentStorage({ dir, ...KILL_GEOMETRY });
      const { queue, report } = Queue.open(storage, { sha256: sha });
      const ackPoints = [log.acked >= 0 ? log.acked : acked];
      if (log.acking > log.acked) ackPoints.push(log.acking); // killed inside ack(): old or new, nothing else
      assert.ok(ackPoints.includes(report.ackedThrough), `ack point ${report.ackedThrough} of ${ackPoints}`);
      acked = report.ackedThrough;
      const got = queue.read({ maxCount: 1e9, maxBytes: 1e12 });
      const present = new Set<number>();
      for (const e of got) {
        const want = content.get(e.seq) ?? killRecord(e.seq, run); // the in-flight append may have landed whole
        assert.is(hex(e.record), hex(want), `seq ${e.seq}`);
        content.set(e.seq, e.record);
        present.add(e.seq);
      }
      for (const [s] of content) if (s > acked && s <= lastOk) assert.ok(present.has(s), `confirmed seq ${s} after run ${run}`);
      assert.ok(report.nextSeq > lastOk, 'no confirmed seq is reused');
      for (const [a, b] of report.lost) assert.ok(a > lastOk && b <= lastOk + 3, `lost ${a}..${b} is from the call in flight`);
      if (report.lost.length) {
        const seq = queue.nextSeq;
        const fault = recordFor(seq, 1000 + run, 80);
        assert.ok(queue.append(fault, seq, 'system').ok);
        content.set(seq, fault);
        queue.declareLost(report.lost);
      }
      storage.close();
    }
    assert.ok(total > 100, `${total} confirmed calls over 20 kills`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
