// sealscan ingest: the reference ingest service (upstream/) on a SQLite file or a PostgreSQL database, until
// SIGINT/SIGTERM.
import { availableParallelism } from 'node:os';
import { commandArgs, intOption, OptionError, portOption, usageError } from '../command-args.js';
import { SignaturePool } from '../../upstream/signature-pool.js';
import { nodeSha256 } from '../../hal/node/crypto.js';
import { createIngestServer, DEFAULT_LIMITS } from '../../upstream/server.js';
import { DEFAULT_INGEST_LIMITS } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { isPostgresUrl, PgStore } from '../../upstream/pg-store.js';
import type { IngestStore } from '../../upstream/store.js';
import { checkToken, LOOPBACK_NAMES, MIN_TOKEN_LENGTH, TokenError } from '../../upstream/guards.js';
import { storedKeyProblem } from '../../upstream/key-check.js';
import type { UpstreamTrust } from '../../upstream/rejudge.js';
import { IssuerKeyError, loadTrustedIssuer } from '../../hal/node/issuer-files.js';
import { originalityPublicKeyProblem } from '../../hal/node/originality.js';
import type { OriginalityKey } from '../../hal/originality-keys.js';
import { fromHex } from '../../hal/hex.js';

const USAGE = `usage: sealscan ingest --port N --db FILE|URL [--host 127.0.0.1] [--host-name NAME ...]
                      [--token T] [--auditor-token T] [--migrate] [limits] [--workers N]
                      [--issuer FILE ...] [--originality-key NAME=HEX ...] [--simulator]

Runs the ingest service: verifies every uploaded record (signature or MAC with the device's registered key, seq,
prev chain) and stores it in FILE (SQLite, WAL) or in PostgreSQL at URL. API under /v1, see docs/ingest-api.md.

  --port N              TCP port (0: any free port; the bound port is printed)
  --db FILE             SQLite database, created if missing (one ingest process per file)
  --db URL              PostgreSQL database, postgres://USER:PASSWORD@HOST:PORT/DB (the schema is created if
                        missing); any number of ingest processes may share it (docs/deployment.md)
  --host H              address to listen on (default 127.0.0.1: loopback only)
  --host-name NAME      a name clients use in the Host header (repeat for several; default: ${LOOPBACK_NAMES.join(', ')});
                        requests naming any other host are refused (DNS rebinding)
  --token T             provisioning token: registers devices (default: env SEALSCAN_PROVISIONING_TOKEN;
                        without one, registration is refused). At least ${MIN_TOKEN_LENGTH} characters.
  --auditor-token T     auditor token: device status, records, exports, refusals (default: env
                        SEALSCAN_AUDITOR_TOKEN; without one, reads are refused). At least ${MIN_TOKEN_LENGTH} characters.
  --migrate             bring a database written by an older sealscan up to this version (back it up first)
  --workers N           worker threads for Ed25519 checks (default ${defaultWorkers()}: one per CPU beyond the
                        first; 0 checks on the main thread)

re-judging (docs/ingest-api.md): a scan whose scanner could not check the seal or the originality signature
(an Espruino board: reasons seal-unchecked, originality-unchecked) is checked again with these keys:
  --issuer FILE         trust a seal issuer: a public issuer file as \`sealscan issuer-key new\` writes it (repeat
                        for several); without one, such scans stay unknown (reason upstream-issuer-unknown)
  --originality-key NAME=HEX  trust an originality public key beyond NXP's built-in ones: 33 bytes 04||X||Y
                        on secp128r1 (repeat for several)
  --simulator           trust the simulator's originality key (virtual tags; never for real scanners)

closed loop (docs/closed-loop.md): rules run over each package an upload touches; alerts under /v1/alerts
  --max-speed-kmh N     fastest a package can travel between two sites [900]; give sealscan alerts --rescan the same

limits (defaults in brackets; docs/ingest-api.md says what each refusal looks like):
  --max-body-bytes N    largest POST /v1/records body [${DEFAULT_LIMITS.maxBodyBytes}]
  --max-records N       most records in one upload [${DEFAULT_LIMITS.maxRecords}]
  --max-record-bytes N  largest record in an upload [${DEFAULT_LIMITS.maxRecordBytes}]
  --max-devices N       most devices named in one upload [${DEFAULT_INGEST_LIMITS.maxDevices}]
  --max-seq-ahead N     furthest a record's seq may lie beyond its device's ack point [${DEFAULT_INGEST_LIMITS.maxSeqAhead}]

Prints "sealscan ingest: listening on http://HOST:PORT" once ready. Exit status 2 for usage errors.`;

/** One signature worker per CPU beyond the one the main thread uses (measured in npm run bench -- ingest). */
function defaultWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/**
 * Checks every stored key once, a page at a time between requests (about 2 ms per Ed25519 key), and names each
 * device whose key cannot be trusted; their records are refused meanwhile anyway (the check is per request too).
 */
async function recheckKeys(store: IngestStore): Promise<void> {
  let after = '';
  for (;;) {
    const page = await store.devices(after, 50);
    for (const d of page) {
      const problem = storedKeyProblem(d);
      if (problem) console.error(`sealscan ingest: device ${d.id} is registered with a key that ${problem}: its records are refused as weak-key`);
    }
    if (page.length < 50) return;
    after = page[page.length - 1].id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The keys the ingest re-judges with: issuer files (hal/node/issuer-files.ts refuses weak keys, naming the file),
 * originality keys as NAME=HEX (refused unless a point on secp128r1), and the simulator's key with --simulator.
 */
async function upstreamTrust(issuerFiles: string[], originality: string[], simulator: boolean): Promise<UpstreamTrust> {
  const issuers = issuerFiles.map((f) => loadTrustedIssuer(f));
  const originalityKeys: OriginalityKey[] = originality.map((spec) => {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : '';
    if (!/^[A-Za-z0-9._ -]{1,64}$/.test(name)) throw new OptionError(`--originality-key ${JSON.stringify(spec.slice(0, 80))}: must be NAME=HEX with a name of 1..64 characters`);
    const key = fromHex(spec.slice(eq + 1));
    const why = key ? originalityPublicKeyProblem(key) : 'must be hex';
    if (why !== undefined || !key) throw new OptionError(`--originality-key ${name}: the key ${why}`);
    return { name, publicKey: key };
  });
  // Loaded only when asked for: the ingest has no use for the simulator's tag models otherwise.
  if (simulator) originalityKeys.push({ name: 'simulator', publicKey: (await import('../../sim/tags/originality.js')).SIM_ORIGINALITY_PUBLIC_KEY });
  return { issuers, originalityKeys };
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('ingest', USAGE, args, {
    port: { type: 'string' }, db: { type: 'string' }, host: { type: 'string' }, 'host-name': { type: 'string', multiple: true },
    token: { type: 'string' }, 'auditor-token': { type: 'string' }, migrate: { type: 'boolean' }, workers: { type: 'string' },
    'max-body-bytes': { type: 'string' }, 'max-records': { type: 'string' }, 'max-record-bytes': { type: 'string' },
    'max-devices': { type: 'string' }, 'max-seq-ahead': { type: 'string' },
    issuer: { type: 'string', multiple: true }, 'originality-key': { type: 'string', multiple: true }, simulator: { type: 'boolean' }, 'max-speed-kmh': { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  let port: number;
  let workers: number;
  const limits: { [k: string]: number } = {};
  const ingestLimits: { [k: string]: number } = {};
  let trust: UpstreamTrust;
  const maxSpeedKmh = v['max-speed-kmh'] === undefined ? undefined : Number(v['max-speed-kmh']);
  const token = v.token ?? process.env.SEALSCAN_PROVISIONING_TOKEN;
  const auditorToken = v['auditor-token'] ?? process.env.SEALSCAN_AUDITOR_TOKEN;
  try {
    if (v.port === undefined) throw new OptionError('--port N (0..65535) is required');
    port = portOption('port', v.port)!;
    if (!v.db) throw new OptionError('--db FILE or --db postgres://... is required');
    workers = intOption('workers', v.workers, 0, 64) ?? defaultWorkers();
    const put = (to: { [k: string]: number }, key: string, option: string, min: number) => {
      const n = intOption(option, v[option as keyof typeof v] as string | undefined, min, Number.MAX_SAFE_INTEGER);
      if (n !== undefined) to[key] = n;
    };
    put(limits, 'maxBodyBytes', 'max-body-bytes', 1);
    put(limits, 'maxRecords', 'max-records', 1);
    put(limits, 'maxRecordBytes', 'max-record-bytes', 64);
    put(ingestLimits, 'maxDevices', 'max-devices', 1);
    put(ingestLimits, 'maxSeqAhead', 'max-seq-ahead', 1);
    checkToken(token, v.token !== undefined ? '--token' : 'SEALSCAN_PROVISIONING_TOKEN');
    checkToken(auditorToken, v['auditor-token'] !== undefined ? '--auditor-token' : 'SEALSCAN_AUDITOR_TOKEN');
    if (token !== undefined && token === auditorToken) throw new OptionError('the provisioning and auditor tokens must differ');
    trust = await upstreamTrust(v.issuer ?? [], v['originality-key'] ?? [], !!v.simulator);
    if (maxSpeedKmh !== undefined && !(maxSpeedKmh > 0 && maxSpeedKmh <= 100000)) throw new OptionError('--max-speed-kmh must be a number of km/h from above 0 to 100000');
  } catch (e) {
    if (e instanceof OptionError || e instanceof TokenError || e instanceof IssuerKeyError) return usageError('ingest', USAGE, e.message);
    throw e;
  }
  const host = v.host ?? '127.0.0.1';
  let store: IngestStore;
  const pg = isPostgresUrl(v.db);
  try {
    store = pg ? await PgStore.open(v.db, { migrate: !!v.migrate }) : new SqliteStore(v.db, { migrate: !!v.migrate });
  } catch (e) {
    // Never the password of a URL in a message.
    console.error(`sealscan ingest: cannot open ${pg ? 'the PostgreSQL database' : v.db}: ${(e as Error).message}`);
    return 2;
  }
  const checker = workers > 0 ? new SignaturePool(workers, { sha256: nodeSha256 }) : undefined;
  const { server, ingest } = createIngestServer({ store, token, auditorToken, hostNames: v['host-name'], limits, ingestLimits, checker, trust, rules: { maxSpeedKmh } });
  return new Promise<number>((resolve) => {
    server.once('error', (e) => {
      console.error(`sealscan ingest: cannot listen on ${host}:${port}: ${e.message}`);
      void Promise.all([checker?.close(), store.close()]).then(() => resolve(2));
    });
    server.listen(port, host, () => {
      void recheckKeys(store);
      const a = server.address();
      const bound = a && typeof a === 'object' ? a.port : port;
      if (!token) console.log('sealscan ingest: no provisioning token: device registration is disabled');
      if (!auditorToken) console.log('sealscan ingest: no auditor token: status, records and exports are disabled');
      console.log(`sealscan ingest: re-judges unchecked scans with ${trust.issuers.length} issuer key(s) (${trust.issuers.map((i) => i.name).join(', ') || 'none'}) and NXP's originality keys${trust.originalityKeys?.length ? ' + ' + trust.originalityKeys.map((k) => k.name).join(', ') : ''}`);
      console.log(`sealscan ingest: listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    });
    const stop = () => {
      server.close(() => void ingest.close().finally(() => Promise.all([store.close(), checker?.close()]).then(() => resolve(0))));
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
