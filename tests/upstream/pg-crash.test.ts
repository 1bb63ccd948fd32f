// Issue 11's crash test: two `sealscan ingest` processes on one PostgreSQL, four scanners syncing through both in
// turn, one process killed with SIGKILL at random moments and restarted, at least 20 times. Every record a scanner saw
// acknowledged is stored; no fork appears that the scanners did not make; the export verifies with `sealscan verify`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, genuineScan, T0, type TestDevice } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';
import { needs } from '../helpers/skip.js';
import { postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { SEALSCAN_BIN } from '../helpers/cli.js';
import { register, spawnIngest, type IngestProcess } from './helpers.js';

const KILLS = Number(process.env.SEALSCAN_CRASH_KILLS) || 20;
const PER_DEVICE = 600;
const missing = postgresMissing();

interface Scanner {
  dev: TestDevice;
  records: Uint8Array[];
  /** Highest seq an ingest acknowledged to this scanner. */
  acked: number;
  turn: number;
}

/** One upload of the scanner's next records to `url`; the ack it got, or undefined when the process was gone. */
async function sync(s: Scanner, url: string): Promise<number | undefined> {
  const body = s.records.slice(s.acked + 1, s.acked + 1 + 10);
  if (!body.length) return s.acked;
  const { encodeBatch } = await import('../../firmware/sync/protocol.js');
  try {
    const r = await fetch(`${url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: encodeBatch(body).body, signal: AbortSignal.timeout(5000) });
    if (r.status !== 200) return undefined;
    const json = (await r.json()) as { devices: { [id: string]: { ackedThrough: number } } };
    return json.devices[s.dev.id].ackedThrough;
  } catch {
    return undefined; // killed mid-request: the scanner keeps its records and tries again
  }
}

if (needs(missing === undefined, 'the SIGKILL crash test on PostgreSQL', missing ?? '')) {
  test.after(async () => (await sharedPostgres()).stop());

  test(`two ingest processes, four scanners, ${KILLS} SIGKILLs: nothing acknowledged is lost, no fork, every chain verifies`, async () => {
    const db = await (await sharedPostgres()).database();
    const procs: IngestProcess[] = [await spawnIngest(db, ['--workers', '0']), await spawnIngest(db, ['--workers', '0'])];
    const scanners: Scanner[] = [0, 1, 2, 3].map((i) => {
      const dev = ed25519Device(`scanner-crash-${i}`);
      const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
      const records: Uint8Array[] = [];
      for (let k = 0; k < PER_DEVICE; k++) records.push(chain.append({ kind: 'scan', ...genuineScan() }, T0 + k * 1000).bytes);
      return { dev, records, acked: -1, turn: i };
    });
    try {
      for (const s of scanners) assert.is((await register(procs[0].url, s.dev)).status, 201);
      let kills = 0;
      let lost = 0;
      let killsWhileSyncing = 0;
      // Scanners sync in turn through both processes while a killer SIGKILLs one at random and starts it again.
      const killer = (async () => {
        while (kills < KILLS) {
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
          const i = Math.random() < 0.5 ? 0 : 1;
          if (scanners.some((s) => s.acked < PER_DEVICE - 1)) killsWhileSyncing++;
          procs[i].child.kill('SIGKILL');
          await procs[i].stop();
          kills++;
          procs[i] = await spawnIngest(db, ['--workers', '0']);
        }
      })();
      const syncing = scanners.map(async (s) => {
        while (s.acked < PER_DEVICE - 1 || kills < KILLS) {
          const url = procs[s.turn++ % 2].url;
          const got = await sync(s, url);
          if (got === undefined) lost++;
          else {
            assert.ok(got >= s.acked, `${s.dev.id}: the ack went back from ${s.acked} to ${got}`);
            s.acked = got;
          }
          await new Promise((r) => setTimeout(r, 40));
          if (s.acked >= PER_DEVICE - 1 && kills >= KILLS) break;
        }
      });
      await Promise.all([killer, ...syncing]);
      assert.ok(lost > 0, 'some requests hit a killed process (else the test killed nothing that mattered)');
      for (const s of scanners) assert.is(s.acked, PER_DEVICE - 1, `${s.dev.id} got everything acknowledged in the end`);
      assert.ok(killsWhileSyncing >= KILLS / 2, `most kills land while the scanners sync (${killsWhileSyncing} of ${kills})`);
      console.log(`crash: ${kills} SIGKILLs (${killsWhileSyncing} while the scanners synced), ${lost} requests lost to them and sent again`);
    } finally {
      for (const p of procs) await p.stop();
    }
    // What the database holds, exported and checked offline.
    const dir = tempDir('pg-crash');
    const e = spawnSync(process.execPath, [SEALSCAN_BIN, 'export', '--db', db, '--format', 'cose', '--out', 'all.cose'], { cwd: dir, encoding: 'utf8' });
    assert.is(e.status, 0, e.stderr);
    const devices: { [id: string]: object } = {};
    for (const s of scanners) devices[s.dev.id] = { alg: 'ed25519', publicKey: toHex((s.dev.key as { publicKey: Uint8Array }).publicKey) };
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices }));
    const v = spawnSync(process.execPath, [SEALSCAN_BIN, 'verify', 'all.cose', '--keys', 'keys.json'], { cwd: dir, encoding: 'utf8' });
    assert.is(v.status, 0, v.stdout + v.stderr);
    for (const s of scanners) assert.match(v.stdout, new RegExp(`${s.dev.id} {2}Ed25519 {2}OK {2}records ${PER_DEVICE}, verified ${PER_DEVICE}, seq 0\\.\\.${PER_DEVICE - 1}, chain intact`));
    assert.not.match(v.stdout, /fork/i);
  });
}

test.run();
