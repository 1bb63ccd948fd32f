// sealscan sim: the developer's simulator. An ingest, one simulated scanner syncing to it, and the web console.
import { commandArgs, OptionError, portOption, usageError } from '../command-args.js';
import { resolve } from 'node:path';
import { ConsoleSession } from '../../sim/console/session.js';
import { startConsoleServer, type ConsoleServer } from '../../sim/console/server.js';

const DEFAULT_PORT = 8080;

const USAGE = `usage: sealscan sim [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data DIR] [--ingest-port N]

Starts the simulator and prints the URL of its web console:
  - the ingest service (upstream/) on loopback, with its own SQLite file in DIR;
  - one simulated scanner (register-level MFRC522 with the real driver, virtual tags, NOR flash queue kept in DIR,
    Ed25519 key in DIR) registered with the ingest and syncing to it over HTTP;
  - the console: a tag shelf and packaging station, tapping, faults, network conditions, power cuts, queue and
    sync state, the ingest's view of every record, and the scripted scenarios.

  --port N         console port (default ${DEFAULT_PORT}; when it is taken and not asked for, any free port)
  --host H         address to listen on (default 127.0.0.1; anything else lets others on the network drive it)
  --data DIR       where the scanner, ingest and tags live (default .sealscan/sim); delete it to start afresh
  --ingest-port N  the ingest's port (default: any free port)

Ctrl-C stops it; the scanner's flash, the ingest's database and the tags are kept for next time.`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('sim', USAGE, args, { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, 'ingest-port': { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length) return usageError('sim', USAGE, `unexpected argument "${positionals[0]}"`);
  let o: { port: number | undefined; host: string; data: string; ingestPort: number | undefined };
  try {
    o = { port: portOption('port', values.port), host: values.host ?? '127.0.0.1', data: resolve(values.data ?? '.sealscan/sim'), ingestPort: portOption('ingest-port', values['ingest-port']) };
  } catch (e) {
    if (e instanceof OptionError) return usageError('sim', USAGE, e.message);
    throw e;
  }
  let session: ConsoleSession;
  try {
    session = await ConsoleSession.open({ dataDir: o.data, ingestPort: o.ingestPort, warn: (m) => console.error(`sealscan sim: ${m}`) });
  } catch (e) {
    console.error(`sealscan sim: cannot start: ${(e as Error).message}`);
    return 1;
  }
  let web: ConsoleServer;
  try {
    web = await startConsoleServer(session, { host: o.host, port: o.port ?? DEFAULT_PORT }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE' || o.port !== undefined) throw e;
      console.log(`sealscan sim: port ${DEFAULT_PORT} is taken; using a free one`);
      return startConsoleServer(session, { host: o.host, port: 0 });
    });
  } catch (e) {
    console.error(`sealscan sim: cannot listen on ${o.host}:${o.port ?? DEFAULT_PORT}: ${(e as Error).message}`);
    await session.close();
    return 2;
  }
  // Handlers first, then the URL: whoever reads the URL may stop us at once.
  const stopped = new Promise<number>((done) => {
    const stop = () => {
      void web.close().then(() => session.close()).then(() => done(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const st = session.status().device;
  console.log(`sealscan sim: console at ${web.url}`);
  console.log(`  scanner ${st.device}, boot ${st.boot}; ingest at ${session.ingest.url}`);
  console.log(`  data in ${o.data} (delete it to start afresh); Ctrl-C stops`);
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') console.log(`  warning: listening on ${o.host}: anyone who can reach it can drive the simulator`);
  return stopped;
}
