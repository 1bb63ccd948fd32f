// Shared by the ingest tests: a real ingest on loopback (port 0, the bound port read back) on either store (a SQLite
// file in a temp folder, or a database of its own on PostgreSQL), devices with fixed keys, and small HTTP helpers
// over fetch. `storeTest` makes a test part of the store contract suite: it runs once per store present.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import pg from 'pg';
import { tempDir } from '../helpers/tmp.js';
import { needs } from '../helpers/skip.js';
import { postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { PgStore } from '../../upstream/pg-store.js';
import type { IngestStore } from '../../upstream/store.js';
import type { AddressInfo } from 'node:net';
import { createIngestServer, type ServerLimits } from '../../upstream/server.js';
import type { IngestLimits } from '../../upstream/ingest.js';
import type { Ingest } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { encodeCbor } from '../../firmware/records/cbor.js';
import type { TestDevice } from '../../sim/sweeps/fixtures.js';
import type { DeviceRegistration } from '../../hal/keys.js';
import { registrationBody } from '../../upstream/registration.js';
import type { Site } from '../../upstream/store.js';
import type { UpstreamTrust } from '../../upstream/rejudge.js';

export const TOKEN = 'test-provisioning-token';
export const AUDITOR = 'test-auditor-token-0001';

export type StoreKind = 'sqlite' | 'postgres';

export interface RunningIngest {
  url: string;
  kind: StoreKind;
  store: IngestStore;
  ingest: Ingest;
  /** The SQLite file, or the PostgreSQL database's URL. */
  db: string;
  /** Rows of a plain SQL query on the store's database (`?` placeholders), for assertions on tables. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let current: StoreKind = 'sqlite';
let pgChecked: boolean | undefined;

/** The stores a contract test runs on: SQLite always, PostgreSQL when present (skipped out loud, or failing in CI). */
function storeKinds(): StoreKind[] {
  if (pgChecked === undefined) {
    const missing = postgresMissing();
    pgChecked = needs(missing === undefined, 'the store contract suite on PostgreSQL', missing ?? '');
    if (pgChecked) test.after(async () => (await sharedPostgres()).stop());
  }
  return pgChecked ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Registers `fn` once per store present, named `name [store]`; startIngest inside it opens that store. */
export function storeTest(name: string, fn: () => Promise<void> | void): void {
  for (const kind of storeKinds()) {
    test(`${name} [${kind}]`, async () => {
      current = kind;
      try {
        await fn();
      } finally {
        current = 'sqlite';
      }
    });
  }
}

// COUNT and SUM over BIGINT come back as strings by default; the tests compare numbers.
const NUMERIC = { getTypeParser: ((oid: number, format?: string) => (oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser };

export interface StartOptions {
  limits?: Partial<ServerLimits>;
  ingestLimits?: Partial<IngestLimits>;
  token?: string | null;
  auditorToken?: string | null;
  hostNames?: string[];
  db?: string;
  busyTimeoutMs?: number;
  now?: () => number;
  /** Issuers and originality keys for re-judging unchecked scans. */
  trust?: UpstreamTrust;
  /** Open an older database, bringing it up to this version. */
  migrate?: boolean;
  /** Which store (default: the one the running storeTest is for, else SQLite). */
  kind?: StoreKind;
}

export async function startIngest(options: StartOptions = {}): Promise<RunningIngest> {
  const kind = options.kind ?? current;
  const db = options.db ?? (kind === 'postgres' ? await (await sharedPostgres()).database() : join(tempDir('ingest'), 'ingest.db'));
  const store: IngestStore = kind === 'postgres' ? await PgStore.open(db, { migrate: options.migrate, poolSize: 4 }) : new SqliteStore(db, { busyTimeoutMs: options.busyTimeoutMs, migrate: options.migrate });
  const sql = kind === 'postgres' ? new pg.Pool({ connectionString: db, max: 1, types: NUMERIC }) : undefined;
  const { server, ingest } = createIngestServer({
    store,
    token: options.token === null ? undefined : (options.token ?? TOKEN),
    auditorToken: options.auditorToken === null ? undefined : (options.auditorToken ?? AUDITOR),
    hostNames: options.hostNames,
    limits: options.limits,
    ingestLimits: options.ingestLimits,
    // Refusal counts reach the store after every request, so a test reads what it just caused.
    refusals: { flushMs: 0 },
    now: options.now,
    trust: options.trust,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    kind,
    store,
    ingest,
    db,
    async query<T>(text: string, ...params: unknown[]): Promise<T[]> {
      let n = 0;
      if (sql) return (await sql.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
      return (store as unknown as { db: { prepare(s: string): { all(...a: unknown[]): unknown[] } } }).db.prepare(text).all(...params) as T[];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ingest.close();
      await store.close();
      await sql?.end();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape; tests assert on it
  json: any;
}

export async function call(base: string, method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, { method, body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** GET with the auditor token. */
export function read(base: string, path: string, token = AUDITOR): Promise<Answer> {
  return call(base, 'GET', path, undefined, { authorization: `Bearer ${token}` });
}

export function registration(d: TestDevice, site?: Site): Record<string, unknown> {
  const key: DeviceRegistration = d.key.alg === -8 ? { device: d.id, alg: 'ed25519', publicKey: d.key.publicKey } : { device: d.id, alg: 'hmac-sha256', hmacKey: d.key.hmacKey };
  return { ...registrationBody(key, site) };
}

export function register(base: string, d: TestDevice, site?: Site, token = TOKEN): Promise<Answer> {
  return call(base, 'POST', '/v1/devices', JSON.stringify(registration(d, site)), { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
}

/** POST /v1/records with `records` as the CBOR array of byte strings. */
export function upload(base: string, records: Uint8Array[]): Promise<Answer> {
  return call(base, 'POST', '/v1/records', encodeCbor(records), { 'content-type': 'application/cbor' });
}

export function uploadRaw(base: string, body: Uint8Array, type = 'application/cbor'): Promise<Answer> {
  return call(base, 'POST', '/v1/records', body, { 'content-type': type });
}

export interface IngestProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `sealscan ingest --port 0 --db DB ...args` as a child process, once it prints the address it listens on. */
export function spawnIngest(db: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<IngestProcess> {
  const root = new URL('../../..', import.meta.url).pathname;
  const child = spawn(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', db, ...args], {
    cwd: root,
    env: { ...process.env, SEALSCAN_PROVISIONING_TOKEN: TOKEN, SEALSCAN_AUDITOR_TOKEN: AUDITOR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const more = (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ url: m[1], child, stop: () => (child.exitCode === null && child.kill('SIGTERM'), exited) });
    };
    child.stdout!.on('data', more);
    child.stderr!.on('data', more);
    child.once('exit', (code) => reject(new Error(`sealscan ingest exited (${code}) before listening: ${out}`)));
  });
}
