// sealscan sim: the developer's simulator. An ingest, one simulated scanner syncing to it, and the web console.
import { commandArgs, OptionError, portOption, usageError } from '../command-args.js';
import { resolve } from 'node:path';
import { ConsoleSession } from '../../sim/console/session.js';
import { listenConsoleServer, type ListeningConsole } from '../../sim/console/server.js';
import { demoShelf } from '../../sim/console/tag-actions.js';
import { createServer } from 'node:net';

const DEFAULT_PORT = 8080;
/** The simulator's ingest answers on loopback only. */
const INGEST_HOST = '127.0.0.1';

/** "address in use" rather than "listen EADDRINUSE: address already in use 127.0.0.1:8080". */
function listenProblem(e: unknown, option: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `the port is taken by another program (choose another with ${option}, or ${option} 0 for any free one)`;
  if (code === 'EACCES') return 'this user may not listen on that port (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'this machine has no such address';
  return (e as Error).message;
}

/** Why `host:port` cannot be listened on, found by listening and closing at once; undefined when it can. */
function portProblem(host: string, port: number, option: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e) => resolve(listenProblem(e, option)));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

const USAGE = `usage: sealscan sim [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data DIR] [--ingest-port N] [--demo]

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
  --demo           put a demo set on an empty tag shelf: an inspector badge, a sealed NTAG213, a sealed NTAG213 TT,
                   a magic clone and a copied seal (the page's "Demo shelf" button does the same)

Ctrl-C stops it; the scanner's flash, the ingest's database and the tags are kept for next time.`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('sim', USAGE, args, { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, 'ingest-port': { type: 'string' }, demo: { type: 'boolean' } });
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
  // The console's port first, then the ingest's: a port that is taken must not leave a new data folder behind.
  let web: ListeningConsole;
  try {
    web = await listenConsoleServer({ host: o.host, port: o.port ?? DEFAULT_PORT }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE' || o.port !== undefined) throw e;
      console.log(`sealscan sim: port ${DEFAULT_PORT} is taken; using a free one`);
      return listenConsoleServer({ host: o.host, port: 0 });
    });
  } catch (e) {
    console.error(`sealscan sim: cannot listen on ${o.host}:${o.port ?? DEFAULT_PORT}: ${listenProblem(e, '--port')}; nothing was created`);
    return 2;
  }
  if (o.ingestPort) {
    const taken = await portProblem(INGEST_HOST, o.ingestPort, '--ingest-port');
    if (taken) {
      await web.close();
      console.error(`sealscan sim: cannot listen on ${INGEST_HOST}:${o.ingestPort}: ${taken}; nothing was created`);
      return 2;
    }
  }
  let session: ConsoleSession;
  try {
    session = await ConsoleSession.open({ dataDir: o.data, ingestHost: INGEST_HOST, ingestPort: o.ingestPort, warn: (m) => console.error(`sealscan sim: ${m}`) });
  } catch (e) {
    await web.close();
    console.error(`sealscan sim: cannot start: ${(e as Error).message}`);
    return 1;
  }
  web.serve(session);
  let demo = '';
  if (values.demo) {
    const on = session.shelf.list().length;
    demo = on ? `  --demo: the shelf already holds ${on} tag(s); nothing added (the page's "Demo shelf" adds the set anyway)` : `  demo shelf: ${(await demoShelf(session)).map((t) => t.label).join(', ')}`;
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
  if (demo) console.log(demo);
  console.log(`  data in ${o.data} (delete it to start afresh); Ctrl-C stops`);
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') console.log(`  warning: listening on ${o.host}: anyone who can reach it can drive the simulator`);
  return stopped;
}
