// sealscan ingest: the reference ingest service (upstream/) on a SQLite file, until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { createIngestServer, DEFAULT_LIMITS } from '../../upstream/server.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';

const USAGE = `usage: sealscan ingest --port N --db FILE [--host 127.0.0.1] [--token T]
                      [--max-body-bytes N] [--max-records N]

Runs the ingest service: verifies every uploaded record (signature or MAC with the device's registered key, seq,
prev chain) and stores it in FILE (SQLite, WAL). API under /v1, see docs/ingest-api.md.

  --port N            TCP port (0: any free port; the bound port is printed)
  --db FILE           SQLite database, created if missing
  --host H            address to listen on (default 127.0.0.1: loopback only)
  --token T           provisioning token for POST /v1/devices (default: env SEALSCAN_PROVISIONING_TOKEN;
                      without one, registration is refused)
  --max-body-bytes N  largest POST /v1/records body (default ${DEFAULT_LIMITS.maxBodyBytes})
  --max-records N     most records in one POST /v1/records (default ${DEFAULT_LIMITS.maxRecords})

Prints "sealscan ingest: listening on http://HOST:PORT" once ready. Exit status 2 for usage errors.`;

function positiveInt(v: string | undefined, name: string, allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || (!allowZero && Number(v) === 0)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let opts: { port: number; db: string; host: string; token?: string; maxBody?: number; maxRecords?: number };
  try {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, db: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, 'max-body-bytes': { type: 'string' }, 'max-records': { type: 'string' } },
    });
    const port = positiveInt(values.port, '--port', true);
    if (port === undefined || port > 65535) throw new Error('--port N (0..65535) is required');
    if (!values.db) throw new Error('--db FILE is required');
    opts = {
      port,
      db: values.db,
      host: values.host ?? '127.0.0.1',
      token: values.token ?? process.env.SEALSCAN_PROVISIONING_TOKEN,
      maxBody: positiveInt(values['max-body-bytes'], '--max-body-bytes'),
      maxRecords: positiveInt(values['max-records'], '--max-records'),
    };
  } catch (e) {
    console.error(`sealscan ingest: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let store: SqliteStore;
  try {
    store = new SqliteStore(opts.db);
  } catch (e) {
    console.error(`sealscan ingest: cannot open ${opts.db}: ${(e as Error).message}`);
    return 2;
  }
  const limits = { ...(opts.maxBody ? { maxBodyBytes: opts.maxBody } : {}), ...(opts.maxRecords ? { maxRecords: opts.maxRecords } : {}) };
  const { server } = createIngestServer({ store, token: opts.token, limits });
  return new Promise<number>((resolve) => {
    server.once('error', (e) => {
      console.error(`sealscan ingest: cannot listen on ${opts.host}:${opts.port}: ${e.message}`);
      void store.close().then(() => resolve(2));
    });
    server.listen(opts.port, opts.host, () => {
      const a = server.address();
      const port = a && typeof a === 'object' ? a.port : opts.port;
      if (!opts.token) console.log('sealscan ingest: no provisioning token: device registration is disabled');
      console.log(`sealscan ingest: listening on http://${opts.host}:${port}`);
    });
    const stop = () => {
      server.close(() => void store.close().then(() => resolve(0)));
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
