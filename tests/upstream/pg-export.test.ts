// `sealscan export --db postgres://…`: what an ingest on PostgreSQL accepted, exported page by page by the command
// line as from SQLite, and checked offline by `sealscan verify`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519Device, history } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';
import { needs } from '../helpers/skip.js';
import { postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { register, spawnIngest, upload } from './helpers.js';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'sealscan.js');
const missing = postgresMissing();

if (needs(missing === undefined, 'sealscan export from PostgreSQL', missing ?? '')) {
  test.after(async () => (await sharedPostgres()).stop());

  test('export from PostgreSQL (cose and json) verifies offline; a missing device is named; the password stays out', async () => {
    const db = await (await sharedPostgres()).database();
    const dir = tempDir('pg-export');
    const ing = await spawnIngest(db, ['--workers', '0']);
    const dev = ed25519Device('scanner-pg-export');
    try {
      assert.is((await register(ing.url, dev)).status, 201);
      const h = history(dev, 12);
      assert.is((await upload(ing.url, h)).status, 200);
    } finally {
      assert.is(await ing.stop(), 0);
    }
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
    const e = run('export', '--db', db, '--format', 'cose', '--out', 'all.cose');
    assert.is(e.status, 0, e.stderr);
    assert.match(e.stderr, /12 records as cose written to all\.cose/);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices: { [dev.id]: { alg: 'ed25519', publicKey: toHex((dev.key as { publicKey: Uint8Array }).publicKey) } } }));
    const v = run('verify', 'all.cose', '--keys', 'keys.json');
    assert.is(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /scanner-pg-export {2}Ed25519 {2}OK {2}records 12, verified 12, seq 0\.\.11, chain intact/);
    assert.is(run('export', '--db', db, '--format', 'json', '--out', 'all.json').status, 0);
    const none = run('export', '--db', db, '--format', 'cose', '--device', 'nobody', '--out', 'x.cose');
    assert.is(none.status, 2);
    assert.match(none.stderr, /no device "nobody" in the database/);
    assert.not.match(none.stderr, new URL(db).password || 'no-password-in-url');
  });
}

test.run();
