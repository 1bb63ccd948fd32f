// The PostgreSQL the store tests use (tests/helpers/postgres.ts): a throwaway cluster on loopback, or
// SEALSCAN_PG_URL; databases of its own per store; stopped at the end, leaving nothing running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { needs } from '../helpers/skip.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';

const missing = postgresMissing();
if (needs(missing === undefined, 'PostgreSQL test cluster', missing ?? '')) {
  test('a cluster on loopback gives each store its own database, and stops', async () => {
    const server = await startPostgres();
    try {
      const u = new URL(server.url);
      assert.is(u.hostname, '127.0.0.1');
      const a = await server.database();
      const b = await server.database();
      assert.is.not(a, b);
      const c = new pg.Client({ connectionString: a });
      await c.connect();
      try {
        await c.query('CREATE TABLE t (x int)');
        assert.is((await c.query('SELECT current_database() AS d')).rows[0].d, new URL(a).pathname.slice(1));
      } finally {
        await c.end();
      }
      const d = new pg.Client({ connectionString: b });
      await d.connect();
      try {
        assert.is((await d.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows[0].n, 0);
      } finally {
        await d.end();
      }
    } finally {
      await server.stop();
    }
    if (server.origin === 'throwaway') {
      const gone = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
      let refused = false;
      try {
        await gone.connect();
        await gone.end();
      } catch {
        refused = true;
      }
      assert.ok(refused, 'the cluster still answers after stop()');
    }
  });
}

test.run();
