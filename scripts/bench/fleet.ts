// Ingest at fleet scale (issue 11): records/s through `sealscan ingest` over loopback on SQLite, on PostgreSQL with
// one process, and with two processes on one PostgreSQL (each device alternating between them, as behind a load
// balancer), side by side in one run, with the Ed25519 verification ceiling of the cores they share. Needs a
// PostgreSQL server: --pg postgres://USER:PASSWORD@HOST:PORT/DB or SEALSCAN_PG_URL (each row gets a fresh database
// there); without one the section says so and measures SQLite only.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { parseCose } from '../../firmware/records/cose.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { checkOne } from '../../upstream/signature-check.js';
import { makeDevices, register, startServer, type Device } from './ingest.js';
import { opsPerSecond, type BenchSection } from './table.js';

const crypto = createNodeCrypto();

/** A fresh database on the server of `url`; its URL. */
async function freshDatabase(url: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** The server's settings that decide what a COMMIT costs, for the table's notes (a fair comparison names them). */
async function durability(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const names = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers'];
    const rows = (await c.query<{ name: string; setting: string; unit: string | null }>('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [names])).rows;
    return names.map((n) => rows.find((r) => r.name === n)).filter((r) => r !== undefined).map((r) => `${r.name}=${r.setting}${r.unit && r.unit !== 's' ? ' × ' + r.unit : ''}`).join(', ');
  } finally {
    await c.end();
  }
}

/**
 * Every device posts its batches in order, one request in flight per device, batch k to urls[k % urls.length]; a 503
 * is sent again after 50 ms, as a device does after its Retry-After (counted in `retried`).
 */
async function post(urls: string[], devices: Device[], batch: number, retried: { n: number }): Promise<number> {
  const start = performance.now();
  await Promise.all(devices.map(async (d, n) => {
    for (let i = 0, k = n; i < d.records.length; i += batch, k++) {
      const slice = d.records.slice(i, i + batch);
      for (;;) {
        const res = await fetch(urls[k % urls.length] + '/v1/records', { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: encodeCbor(slice) });
        const answer = (await res.json()) as { devices: { [id: string]: { ackedThrough: number } } };
        if (res.status === 503) {
          retried.n++;
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        if (res.status !== 200 || answer.devices[d.id].ackedThrough !== i + slice.length - 1) throw new Error('fleet bench: batch not acked: ' + JSON.stringify(answer).slice(0, 300));
        break;
      }
    }
  }));
  const total = devices.reduce((s, d) => s + d.records.length, 0);
  return (total * 1000) / (performance.now() - start);
}

const retried = { n: 0 };

async function run(dbs: string[], devices: Device[], batch: number): Promise<number> {
  const servers = [];
  try {
    for (const db of dbs) servers.push(await startServer(db, 0));
    for (const d of devices) await register(servers[0].url, d);
    return await post(servers.map((s) => s.url), devices, batch, retried);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

export async function bench(args: string[] = []): Promise<BenchSection[]> {
  const quick = args.includes('--quick');
  const at = args.indexOf('--pg');
  const pgUrl = at >= 0 ? args[at + 1] : process.env.SEALSCAN_PG_URL;
  const deviceCount = 8;
  const perDevice = quick ? 300 : 1500;
  const batch = 100;
  const rounds = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-bench-fleet-'));
  const load = loadavg()[0].toFixed(2);
  try {
    const rates: { [row: string]: number[] } = { sqlite: [], pg1: [], pg2: [] };
    for (let r = 0; r < rounds; r++) {
      const devices = makeDevices(deviceCount, perDevice);
      rates.sqlite.push(await run([join(dir, `fleet-${r}.db`)], devices, batch));
      if (pgUrl) {
        rates.pg1.push(await run([await freshDatabase(pgUrl, `sealscan_bench_1_${r}`)], makeDevices(deviceCount, perDevice), batch));
        const db = await freshDatabase(pgUrl, `sealscan_bench_2_${r}`);
        rates.pg2.push(await run([db, db], makeDevices(deviceCount, perDevice), batch));
      }
    }
    const pgSettings = pgUrl ? await durability(pgUrl) : undefined;
    const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const d0 = makeDevices(1, 1)[0];
    const verify = await opsPerSecond(() => checkOne({ msg: parseCose(d0.records[0]), key: { alg: -8, publicKey: d0.publicKey } }, crypto), 700, 50);
    const cores = availableParallelism();
    const rows: Array<Array<string | number>> = [['SQLite, one process', Math.round(median(rates.sqlite)), rates.sqlite.map(Math.round).join(', ')]];
    const targets: BenchSection['targets'] = [];
    if (pgUrl) {
      rows.push(['PostgreSQL, one process', Math.round(median(rates.pg1)), rates.pg1.map(Math.round).join(', ')]);
      rows.push(['PostgreSQL, two processes (each device alternating)', Math.round(median(rates.pg2)), rates.pg2.map(Math.round).join(', ')]);
      const r1 = median(rates.pg1) / median(rates.sqlite);
      const r2 = median(rates.pg2) / median(rates.pg1);
      targets.push({ name: 'PostgreSQL one process against SQLite', measured: `${r1.toFixed(2)}x`, target: '>= 0.8x', met: r1 >= 0.8 });
      targets.push({ name: `two processes against one, where the machine has the cores (${cores} here, shared with the client and PostgreSQL)`, measured: `${r2.toFixed(2)}x`, target: '>= 1.5x', met: r2 >= 1.5 });
    } else rows.push(['PostgreSQL', 'not measured', 'no server given (--pg URL or SEALSCAN_PG_URL)']);
    rows.push(['Ed25519 verification ceiling, one core × ' + cores, Math.round(verify * cores), `${Math.round(verify)} per core`]);
    return [
      {
        title: 'Ingest at fleet scale',
        columns: ['what', 'records/s (median)', 'rounds'],
        rows,
        notes: [
          `${deviceCount} devices × ${perDevice} Ed25519 scan records, batches of ${batch}, one request in flight per device, over loopback; sealscan ingest --workers 0 (signatures on the request thread); ${rounds} round(s), rows in turn; load average ${load} at the start; ${cores} cores for the client, the ingest processes and PostgreSQL together.`,
          'PostgreSQL: a fresh database per row on the given server; acks after COMMIT, the device rows locked in the upload\'s transaction (docs/deployment.md).',
          `What a commit waits for: SQLite WAL with synchronous=FULL (an fsync per commit) on ${tmpdir()}; PostgreSQL ${pgSettings ?? 'not measured'}. With fsync or synchronous_commit off the PostgreSQL rows are not durable and the comparison favours PostgreSQL.`,
          `Requests answered 503 and sent again (as a device does after Retry-After): ${retried.n}.`,
        ],
        targets,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
