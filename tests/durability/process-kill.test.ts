// SIGKILL sweep of a real scanner process (file backend): `sealscan run --reader sim` taps virtual tags and syncs
// to a real `sealscan ingest` child on loopback; it is killed with SIGKILL (by its pid) at random moments, 50 times,
// and restarted on the same data directory each time; a last clean run lets sync drain. The `tap ... seq=N` lines
// it printed (each only after its record was durable) are then checked against the ingest: every one acknowledged
// with its own content, no seq told twice or forked, the chain intact with declared gaps only, boots growing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCbor } from '../../firmware/records/cbor.js';
import { parseCose } from '../../firmware/records/cose.js';
import { decodePayload } from '../../firmware/records/record.js';
import type { RecordPayload } from '../../firmware/records/kinds.js';
import { toHex } from '../../firmware/records/bytes.js';
import { prng } from '../../sim/sweeps/ingest-kit.js';
import { AUDITOR_TOKEN, bin, DEVICE_ID, parseRun, provisionDevice, sealscan, startIngest, type IngestChild, type RunLog } from './cli-kit.js';

const KILLS = 50;
const dir = mkdtempSync(join(tmpdir(), 'sealscan-kill-run-'));
let ingest: IngestChild;
let config = '';

test.before(async () => {
  ingest = await startIngest(dir);
  config = await provisionDevice(dir, ingest.url);
});

test.after(async () => {
  await ingest.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `sealscan run` on the simulated reader, kills it with SIGKILL `delay` ms after its boot line (or after
 * start when `early`), and returns what it printed. */
function runAndKill(delay: number, early: boolean): Promise<RunLog & { bootLine: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [bin, 'run', '--config', config, '--reader', 'sim', '--sim-tags', 'tags', '--tap-every', '10'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer = setTimeout(() => process.kill(p.pid!, 'SIGKILL'), delay));
    if (early) arm();
    p.stdout.on('data', (d) => {
      out += d;
      if (!timer && out.includes('\n')) arm();
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`run ended by itself (exit ${code}): ${out.slice(-800)}${err.slice(-800)}`));
      resolve({ ...parseRun(out), bootLine: /^device /m.test(out) });
    });
  });
}

const auditor = { authorization: `Bearer ${AUDITOR_TOKEN}` };

async function json(path: string): Promise<any> {
  const res = await fetch(ingest.url + path, { headers: auditor });
  assert.is(res.status, 200, path);
  return res.json();
}

test(`SIGKILL ${KILLS} times at random moments: every printed tap is acknowledged, no seq reused, chain intact`, async () => {
  const rnd = prng(4242);
  const runs: Array<RunLog & { bootLine: boolean }> = [];
  for (let k = 0; k < KILLS; k++) {
    // One kill in five lands during start-up (Node, recovery, fault and boot records); the rest while tapping.
    const early = rnd() < 0.2;
    runs.push(await runAndKill(early ? 100 + Math.floor(rnd() * 600) : Math.floor(rnd() * 900), early));
  }
  const final = await sealscan(dir, 'run', '--config', config, '--reader', 'sim', '--sim-tags', 'tags', '--taps', '0');
  assert.is(final.code, 0, final.err);
  assert.match(final.out, /done: 0 unsynced/);
  const last = parseRun(final.out);

  // The ingest's view: intact, nothing held, forked or refused, everything acknowledged.
  const st = await json(`/v1/devices/${DEVICE_ID}`);
  assert.equal([st.chain, st.held, st.forks, st.gaps.undeclared, st.rejects], ['intact', 0, [], [], 0], JSON.stringify(st));
  assert.is(st.ackedThrough, st.lastSeq);

  // The export verifies offline with `sealscan verify`: declared gaps only.
  const exported = new Uint8Array(await (await fetch(`${ingest.url}/v1/export?format=cose&device=${DEVICE_ID}`, { headers: auditor })).arrayBuffer());
  writeFileSync(join(dir, 'all.cbor'), exported);
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices: { [DEVICE_ID]: { alg: 'ed25519', publicKey: st.publicKey } } }));
  const v = await sealscan(dir, 'verify', 'all.cbor', '--keys', 'keys.json', '--json', '--strict');
  assert.is(v.code, 0, v.out + v.err);
  const report = JSON.parse(v.out).devices[0];
  assert.ok(report.ok && report.chainIntact && !report.undeclaredGaps.length && !report.forks.length, JSON.stringify(report.firstBreak));
  const declared = new Set<number>();
  for (const g of report.declaredGaps) for (let s = g.first; s <= g.last; s++) declared.add(s);

  const stored = new Map<number, RecordPayload>();
  for (const r of decodeCbor(exported) as Uint8Array[]) {
    const p = decodePayload(parseCose(r).payload);
    stored.set(p.seq, p);
  }
  for (let s = 0; s <= st.lastSeq; s++) assert.ok(stored.has(s) !== declared.has(s), `seq ${s} is exactly one of stored, declared lost`);

  // Every printed tap: acknowledged, with the content printed, by the boot that printed it; no seq told twice.
  const told = new Map<number, number>();
  let printed = 0;
  let lastBoot = -1;
  for (const [i, run] of runs.concat([{ ...last, bootLine: true }]).entries()) {
    if (run.boot !== null) {
      assert.ok(run.boot > lastBoot, `run ${i}: boot ${run.boot} after boot ${lastBoot}`);
      lastBoot = run.boot;
      const bootRecord = [...stored.values()].find((p) => p.kind === 'boot' && p.boot === run.boot);
      assert.ok(bootRecord, `run ${i}: its boot record (boot ${run.boot}) reached the ingest`);
      for (const [a, b] of run.lost) for (let s = a; s <= b; s++) assert.ok(declared.has(s), `run ${i}: lost seq ${s} is declared`);
    }
    for (const t of run.taps) {
      printed++;
      assert.not.ok(told.has(t.seq), `seq ${t.seq} printed by run ${told.get(t.seq)} and again by run ${i}`);
      told.set(t.seq, i);
      const p = stored.get(t.seq);
      assert.ok(p, `run ${i}: printed seq ${t.seq} (${t.kind}) is acknowledged`);
      assert.is(p!.kind, t.kind, `seq ${t.seq}`);
      assert.is(p!.boot, run.boot, `seq ${t.seq} was made by the boot that printed it`);
      if (p!.kind === 'scan') {
        assert.is(toHex(p!.uid).toUpperCase(), t.uid, `seq ${t.seq} uid`);
        assert.is(p!.verdict, t.verdict, `seq ${t.seq} verdict`);
      }
    }
  }
  const kinds = new Set(runs.flatMap((r) => r.taps.map((t) => t.verdict)));
  const withBoot = runs.filter((r) => r.bootLine).length;
  console.log(`  ${KILLS} kills (${KILLS - withBoot} before the boot line), ${printed} taps printed, ${stored.size} records acknowledged, ${declared.size} seqs declared lost, boots up to ${lastBoot}`);
  assert.ok(printed > 50 && kinds.has('genuine') && kinds.has('tampered') && kinds.has('clone-suspect'), `taps printed: ${printed}, verdicts ${[...kinds]}`);
});

test.run();
