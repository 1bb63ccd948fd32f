// The ingest on PostgreSQL when the database goes away (a failover, a restart): uploads are answered 503
// `unavailable` with Retry-After, never 500, and nothing is acknowledged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ed25519Device, history } from '../../sim/sweeps/fixtures.js';
import { needs } from '../helpers/skip.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { register, startIngest, upload } from './helpers.js';

const missing = postgresMissing();

if (needs(missing === undefined, 'the ingest when PostgreSQL goes away', missing ?? '')) {
  test('the database stops under a running ingest: 503 unavailable with Retry-After, nothing acknowledged', async () => {
    const pg = await startPostgres();
    const ing = await startIngest({ kind: 'postgres', db: await pg.database() });
    try {
      const dev = ed25519Device('scanner-pg-gone');
      assert.is((await register(ing.url, dev)).status, 201);
      const h = history(dev, 6);
      const first = await upload(ing.url, h.slice(0, 3));
      assert.is(first.status, 200);
      assert.is(first.json.devices[dev.id].ackedThrough, 2);
      await pg.stop();
      const r = await upload(ing.url, h.slice(3));
      assert.is(r.status, 503, JSON.stringify(r.json));
      assert.is(r.json.error.code, 'unavailable');
      assert.match(r.json.error.message, /nothing from this request was acknowledged/);
      assert.is(r.headers.get('retry-after'), '2');
      assert.not.ok(r.json.devices, 'no ack');
    } finally {
      await ing.close().catch(() => undefined);
      await pg.stop();
    }
  });
}

test.run();
