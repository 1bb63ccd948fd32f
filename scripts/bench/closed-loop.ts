// Closed loop (issue 13): the ingest's records/s with the closed-loop rules on and off, side by side in one run
// (Ingest in this process on SQLite, as the ingest section's "no HTTP" row; rounds interleaved), and the time from
// the upload of a copied seal to its alert (the rules run after the upload is committed, before it is answered).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { ed25519Signer } from '../../firmware/records/signers.js';
import { Ingest } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { genuineScan } from '../../sim/sweeps/fixtures.js';
import { percentile } from '../../sim/bench/tap-timing.js';
import type { BenchSection } from './table.js';

const crypto = createNodeCrypto();
const T0 = Date.UTC(2026, 11, 1);
const TARGET_RATIO = 0.8;

interface Dev {
  id: string;
  publicKey: Uint8Array;
  chain: RecordChain;
}

function device(n: number): Dev {
  const seed = crypto.randomBytes(32);
  const id = 'loop-' + String(n).padStart(3, '0');
  return { id, publicKey: crypto.ed25519!.publicKeyOf(seed), chain: RecordChain.start(ed25519Signer(crypto.ed25519!, seed), crypto, id, 1) };
}

const link = (serial: string) => `https://id.gs1.org/01/09506000134352/21/${serial}`;
const uid = (n: number) => Uint8Array.of(0x04, 0x7c, 0x10, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, 0x01);

function sealBytes(seal: number): Uint8Array {
  const s = new Uint8Array(73);
  for (let i = 0; i < s.length; i++) s[i] = (i * 29 + seal * 13 + (seal >> 8) * 7) & 0xff;
  return s;
}

/** A scan of package `serial` on tag `tag` with seal bytes made from `seal`, at `t`. */
function scan(d: Dev, serial: string, tag: number, seal: number, t: number): Uint8Array {
  return d.chain.append({ kind: 'scan', ...genuineScan(), uid: uid(tag), seal: sealBytes(seal), digitalLink: link(serial), step: 'inspecting' }, t).bytes;
}

/** The packaging station's record of sealing package `serial` on tag `tag`. */
function commission(d: Dev, serial: string, tag: number, seal: number, t: number): Uint8Array {
  const s = sealBytes(seal);
  return d.chain.append({ kind: 'commission', site: '4000001000005', uid: uid(tag), digitalLink: link(serial), sealHash: crypto.sha256(s), issuerKeyId: s.subarray(1, 5) }, t).bytes;
}

/**
 * The station commissions `perDevice` packages, then each of `devices` scans every one of them (a package seen at
 * four sites): [the station's records, then each device's].
 */
function traffic(station: Dev, devices: Dev[], perDevice: number): Uint8Array[][] {
  const sealed: Uint8Array[] = [];
  for (let i = 0; i < perDevice; i++) sealed.push(commission(station, 'P' + i, i, i, T0 - 86_400_000 + i));
  return [sealed, ...devices.map((d) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < perDevice; i++) out.push(scan(d, 'P' + i, i, i, T0 + i * 1000));
    return out;
  })];
}

async function open(dir: string, name: string, devices: Dev[], rules: boolean) {
  const store = new SqliteStore(join(dir, name));
  for (const d of devices) await store.register({ id: d.id, alg: 'ed25519', key: d.publicKey }, T0);
  return { store, ingest: new Ingest({ store, sha256: crypto, rules: rules ? {} : false, now: () => T0 + 86_400_000 }) };
}

export async function bench(args: string[] = []): Promise<BenchSection[]> {
  const quick = args.includes('--quick');
  const perDevice = quick ? 500 : 2000;
  const rounds = quick ? 1 : 3;
  const batch = 200;
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-bench-loop-'));
  const load = loadavg()[0].toFixed(2);
  try {
    const rates: { on: number[]; off: number[] } = { on: [], off: [] };
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const devices = [0, 1, 2, 3, 4].map(device);
        const recs = traffic(devices[0], devices.slice(1), perDevice);
        const { store, ingest } = await open(dir, `${mode}-${r}.db`, devices, mode === 'on');
        const start = performance.now();
        for (let i = 0; i < perDevice; i += batch) for (let k = 0; k < recs.length; k++) await ingest.ingest(recs[k].slice(i, i + batch));
        rates[mode].push((recs.length * perDevice * 1000) / (performance.now() - start));
        if (mode === 'on' && (await store.alerts({ state: 'all', limit: 10 })).length) throw new Error('honest traffic raised an alert');
        await store.close();
      }
    }
    const ratios = rates.on.map((x, i) => x / rates.off[i]).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)];

    // Upload to alert: a package scanned at one site, then its seal on another tag at another: the second upload's
    // answer comes after its alert is stored.
    const devices = [0, 1, 2].map(device);
    const { store, ingest } = await open(dir, 'alert.db', devices, true);
    const trials = quick ? 30 : 200;
    const took: number[] = [];
    for (let i = 0; i < trials; i++) {
      const serial = 'C' + i;
      await ingest.ingest([commission(devices[2], serial, 100_000 + i, 50_000 + i, T0 + i * 10_000 - 5000)]);
      await ingest.ingest([scan(devices[0], serial, 100_000 + i, 50_000 + i, T0 + i * 10_000)]);
      const copy = scan(devices[1], serial, 200_000 + i, 50_000 + i, T0 + i * 10_000 + 5000);
      const t0 = performance.now();
      await ingest.ingest([copy]);
      took.push(performance.now() - t0);
      const found = await store.alerts({ state: 'open', package: link(serial), limit: 5 });
      if (!found.some((a) => a.rule === 'copied-seal')) throw new Error(`no copied-seal alert for ${serial}`);
    }
    await store.close();
    const p95 = percentile(took, 95);
    return [
      {
        title: 'Closed loop',
        columns: ['what', 'records/s (median of rounds)', 'rounds'],
        rows: [
          ['Ingest.ingest, rules on', Math.round(rates.on.slice().sort((a, b) => a - b)[Math.floor(rounds / 2)]), rates.on.map(Math.round).join(', ')],
          ['Ingest.ingest, rules off (package index still kept)', Math.round(rates.off.slice().sort((a, b) => a - b)[Math.floor(rounds / 2)]), rates.off.map(Math.round).join(', ')],
          ['upload to alert, copied seal (p50 / p95 ms)', `${percentile(took, 50).toFixed(2)} / ${p95.toFixed(2)}`, `${trials} trials`],
        ],
        notes: [
          `A station commissions ${perDevice} packages and 4 devices scan each of them once (a package seen at four sites): ${5 * perDevice} Ed25519 records in batches of ${batch}; SQLite in a temp folder; rules on and off take turns, ${rounds} round(s); load average ${load} at the start.`,
          'Rules off still writes the package index (the rescan needs it); the difference is the rules reading each touched package and the sites, and writing its alerts.',
          'Upload to alert: Ingest.ingest of the copy, from call to answer; the alert is stored before the answer, so this is the whole delay an auditor sees (no HTTP).',
        ],
        targets: [{ name: 'records/s with the rules on, against off, same run', measured: `${ratio.toFixed(2)}x (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`, target: `>= ${TARGET_RATIO}x`, met: ratio >= TARGET_RATIO }],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
