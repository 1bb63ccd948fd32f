// Shared by the ingest tests: a real ingest on loopback (port 0, the bound port read back), a SQLite file in a temp
// folder, devices with fixed keys, and small HTTP helpers over fetch.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createIngestServer, type IngestLimits } from '../../upstream/server.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { encodeCbor } from '../../firmware/records/cbor.js';
import type { TestDevice } from '../records/fixtures.js';

export const TOKEN = 'test-provisioning-token';
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export interface RunningIngest {
  url: string;
  store: SqliteStore;
  db: string;
  close(): Promise<void>;
}

export async function startIngest(options: { limits?: Partial<IngestLimits>; token?: string | null; db?: string; busyTimeoutMs?: number } = {}): Promise<RunningIngest> {
  const db = options.db ?? join(mkdtempSync(join(tmpdir(), 'sealscan-ingest-')), 'ingest.db');
  const store = new SqliteStore(db, { busyTimeoutMs: options.busyTimeoutMs });
  const { server } = createIngestServer({ store, token: options.token === null ? undefined : (options.token ?? TOKEN), limits: options.limits });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    db,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
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

export function registration(d: TestDevice, site?: object): Record<string, unknown> {
  const body: Record<string, unknown> = d.key.alg === -8 ? { id: d.id, alg: 'ed25519', publicKey: hex(d.key.publicKey) } : { id: d.id, alg: 'hmac-sha256', hmacKey: hex(d.key.hmacKey) };
  if (site) body.site = site;
  return body;
}

export function register(base: string, d: TestDevice, site?: object, token = TOKEN): Promise<Answer> {
  return call(base, 'POST', '/v1/devices', JSON.stringify(registration(d, site)), { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
}

/** POST /v1/records with `records` as the CBOR array of byte strings. */
export function upload(base: string, records: Uint8Array[]): Promise<Answer> {
  return call(base, 'POST', '/v1/records', encodeCbor(records), { 'content-type': 'application/cbor' });
}

export function uploadRaw(base: string, body: Uint8Array, type = 'application/cbor'): Promise<Answer> {
  return call(base, 'POST', '/v1/records', body, { 'content-type': type });
}
