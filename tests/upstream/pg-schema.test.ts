// Schema versions of the PostgreSQL store: the same numbers as the SQLite store's; a fresh database is created at
// the current version (also by two processes starting at once); an older one is refused until opened with
// --migrate, then keeps its rows; a newer one is refused even with --migrate; sealscan ingest --db postgres://...
// says so and exits 2 without the password in its message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { needs } from '../helpers/skip.js';
import { pgRows, postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { createPgSchemaAt, PgStore } from '../../upstream/pg-store.js';
import { PG_SCHEMA_VERSION } from '../../upstream/pg-schema.js';
import { SCHEMA_VERSION } from '../../upstream/sqlite-schema.js';
import { SchemaError } from '../../upstream/schema-error.js';
import { crypto, ed25519Device, history } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';
import { read, register, spawnIngest, upload } from './helpers.js';

const root = new URL('../../..', import.meta.url).pathname;
const missing = postgresMissing();

const sql = pgRows;

const version = async (url: string) => Number((await sql(url, 'SELECT version FROM sealscan_schema'))[0].version);

async function refused(open: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  try {
    const s = await open;
    await (s as PgStore).close();
  } catch (e) {
    assert.ok(e instanceof SchemaError, String(e));
    assert.is((e as SchemaError).code, code);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable('opened');
}

if (needs(missing === undefined, 'PostgreSQL schema versions', missing ?? '')) {
  test.after(async () => (await sharedPostgres()).stop());

  test('one schema version for both stores; a fresh database is made at it, also by two processes at once', async () => {
    assert.is(PG_SCHEMA_VERSION, SCHEMA_VERSION, 'pg-schema.ts and sqlite-schema.ts describe the same versions');
    const url = await (await sharedPostgres()).database();
    const [a, b] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
    await Promise.all([a.close(), b.close()]);
    assert.is(await version(url), SCHEMA_VERSION);
    assert.equal(await sql(url, 'SELECT COUNT(*)::int AS n FROM sealscan_schema'), [{ n: 1 }]);
  });

  test('an older database is refused until --migrate; its rows survive, new records get the new columns', async () => {
    const url = await (await sharedPostgres()).database();
    await createPgSchemaAt(url, 2);
    const dev = ed25519Device('scanner-old');
    const h = history(dev, 3);
    const key = dev.key.alg === -8 ? dev.key.publicKey : new Uint8Array();
    await sql(url, "INSERT INTO devices (id, alg, key, registered_at, acked_through, acked_hash, acked_boot) VALUES ($1, 'ed25519', $2, 0, 0, $3, 1)", [dev.id, key, toHex(crypto.sha256(h[0]))]);
    await sql(url, "INSERT INTO records (device, seq, hash, prev, boot, kind, time, bytes, received_at) VALUES ($1, 0, $2, $3, 1, 'boot', 0, $4, 0)", [dev.id, toHex(crypto.sha256(h[0])), toHex(new Uint8Array(32)), h[0]]);
    await refused(PgStore.open(url), 'OLDER', new RegExp(`schema version 2, this sealscan writes version ${SCHEMA_VERSION}: .*--migrate`));
    const cli = spawnSync(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', url, '--workers', '0'], { cwd: root, encoding: 'utf8' });
    assert.is(cli.status, 2, cli.stdout + cli.stderr);
    assert.match(cli.stderr, /schema version 2.*--migrate/);
    assert.not.match(cli.stderr, new URL(url).password, 'the password stays out of messages');
    assert.is(await version(url), 2, 'nothing changed without --migrate');
    const ing = await spawnIngest(url, ['--migrate', '--workers', '0']);
    try {
      assert.is(await version(url), SCHEMA_VERSION);
      const r = await upload(ing.url, h);
      assert.equal([r.json.devices[dev.id].ackedThrough, r.json.devices[dev.id].duplicates, r.json.devices[dev.id].accepted], [2, 1, 2]);
      assert.is((await read(ing.url, `/v1/devices/${dev.id}`)).json.records, 3);
      assert.is((await read(ing.url, '/v1/health')).json.records, 3, 'health totals: the record stored before version 5 counted by the migration, the new ones by their commit');
    } finally {
      assert.is(await ing.stop(), 0);
    }
  });

  test('a newer database is refused, with --migrate too, and left as it is', async () => {
    const url = await (await sharedPostgres()).database();
    await (await PgStore.open(url)).close();
    await sql(url, 'UPDATE sealscan_schema SET version = $1', [SCHEMA_VERSION + 1]);
    await refused(PgStore.open(url), 'NEWER', new RegExp(`schema version ${SCHEMA_VERSION + 1}; this sealscan knows versions up to ${SCHEMA_VERSION}`));
    await refused(PgStore.open(url, { migrate: true }), 'NEWER', /run a newer sealscan/);
    const ing = spawnSync(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', url, '--migrate', '--workers', '0'], { cwd: root, encoding: 'utf8' });
    assert.is(ing.status, 2);
    assert.match(ing.stderr, /run a newer sealscan/);
    assert.is(await version(url), SCHEMA_VERSION + 1);
  });

  test('sealscan ingest on PostgreSQL serves registration and uploads like on SQLite', async () => {
    const url = await (await sharedPostgres()).database();
    const ing = await spawnIngest(url, ['--workers', '0']);
    try {
      const dev = ed25519Device('scanner-cli');
      assert.is((await register(ing.url, dev)).status, 201);
      assert.is((await upload(ing.url, history(dev, 5))).json.devices[dev.id].ackedThrough, 4);
      assert.is((await read(ing.url, '/v1/health')).json.records, 5);
    } finally {
      assert.is(await ing.stop(), 0);
    }
  });
}

test.run();
