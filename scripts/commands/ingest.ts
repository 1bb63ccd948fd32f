// sealscan ingest: the reference ingest service (upstream/) on a SQLite file, until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { SignaturePool } from '../../upstream/signature-pool.js';
import { nodeSha256 } from '../../hal/node/crypto.js';
import { createIngestServer, DEFAULT_LIMITS } from '../../upstream/server.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';

const USAGE = `usage: sealscan ingest --port N --db FILE [--host 127.0.0.1] [--token T]
                      [--max-body-bytes N] [--max-records N] [--workers N]

Runs the ingest service: verifies every uploaded record (signature or MAC with the device's registered key, seq,
prev chain) and stores it in FILE (SQLite, WAL). API under /v1, see docs/ingest-api.md.

  --port N            TCP port (0: any free port; the bound port is printed)
  --db FILE           SQLite database, created if missing
  --host H            address to listen on (default 127.0.0.1: loopback only)
  --token T           provisioning token for POST /v1/devices (default: env SEALSCAN_PROVISIONING_TOKEN;
                      without one, registration is refused)
  --max-body-bytes N  largest POST /v1/records body (default ${DEFAULT_LIMITS.maxBodyBytes})
  --max-records N     most records in one POST /v1/records (default ${DEFAULT_LIMITS.maxRecords})
  --workers N         worker threads for Ed25519 checks (default ${defaultWorkers()}: one per CPU beyond the
                      first; 0 checks on the main thread)

Prints "sealscan ingest: listening on http://HOST:PORT" once ready. Exit status 2 for usage errors.`;

/** One signature worker per CPU beyond the one the main thread uses (measured in npm run bench -- ingest). */
function defaultWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

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
  let opts: { port: number; db: string; host: string; token?: string; maxBody?: number; maxRecords?: number; workers: number };
  try {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, db: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, 'max-body-bytes': { type: 'string' }, 'max-records': { type: 'string' }, workers: { type: 'string' } },
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
      workers: positiveInt(values.workers, '--workers', true) ?? defaultWorkers(),
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
  const checker = opts.workers > 0 ? new SignaturePool(opts.workers, { sha256: nodeSha256 }) : undefined;
  const { server } = createIngestServer({ store, token: opts.token, limits, checker });
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
      server.close(() => void Promise.all([store.close(), checker?.close()]).then(() => resolve(0)));
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
