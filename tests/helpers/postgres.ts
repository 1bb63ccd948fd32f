// A PostgreSQL server for the store tests. SEALSCAN_PG_URL names one to use (a role that may create databases);
// otherwise a throwaway cluster is made in a temp folder with Debian's binaries (/usr/lib/postgresql/<major>/bin),
// listening on a free loopback port only, and stopped with pg_ctl when the test process ends. PostgreSQL refuses to
// run as root, so as root the cluster runs as the system user `sealscan-pg` (created when missing) via runuser.
// Every store under test gets a database of its own (`database()`), so tests never see each other's rows.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from './tmp.js';

export const PG_USER = 'sealscan-pg';

export interface PostgresServer {
  /** Where the server came from: the cluster this process started, or SEALSCAN_PG_URL. */
  origin: 'throwaway' | 'SEALSCAN_PG_URL';
  /** URL of the maintenance database the test databases are created from. */
  url: string;
  /** A new, empty database: its URL. */
  database(): Promise<string>;
  /** Drops the databases made here, and stops the cluster if this process started it. */
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL bin folder that has initdb and pg_ctl, or undefined. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const m of majors) {
    const bin = join(base, m, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (process.env.SEALSCAN_PG_URL) return undefined;
  if (!postgresBin()) return 'PostgreSQL is not installed (Debian: apt-get install postgresql) and SEALSCAN_PG_URL is not set';
  return undefined;
}

function run(argv: string[], asUser: boolean): void {
  const full = asUser ? ['runuser', '-u', PG_USER, '--', ...argv] : argv;
  const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.map((a) => JSON.stringify(a)).join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
}

function ensureUser(): void {
  if (spawnSync('id', ['-u', PG_USER]).status === 0) return;
  run(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER], false);
}

function uidGid(): { uid: number; gid: number } {
  const read = (flag: string) => Number(spawnSync('id', [flag, PG_USER], { encoding: 'utf8' }).stdout.trim());
  return { uid: read('-u'), gid: read('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let made = 0;

/** Database names unique to this process, so several test processes can share one SEALSCAN_PG_URL server. */
function nextName(): string {
  return `sealscan_t${process.pid}_${++made}`;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

function server(origin: PostgresServer['origin'], url: string, stopCluster: () => void): PostgresServer {
  const created: string[] = [];
  let stopped = false;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    origin,
    url,
    async database() {
      const name = nextName();
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      return withDatabase(url, name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (origin === 'SEALSCAN_PG_URL') {
        await admin(async (c) => {
          for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      }
      stopCluster();
    },
  };
}

/** Starts a throwaway cluster (initdb, pg_ctl start on a free loopback port), or connects to SEALSCAN_PG_URL. */
export async function startPostgres(): Promise<PostgresServer> {
  const given = process.env.SEALSCAN_PG_URL;
  if (given) return server('SEALSCAN_PG_URL', given, () => undefined);
  const bin = postgresBin();
  if (!bin) throw new Error(postgresMissing());
  const asUser = process.getuid?.() === 0;
  if (asUser) ensureUser();
  const dir = tempDir('pg');
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(join(dir, 'pw'), password + '\n', { mode: 0o600 });
  if (asUser) {
    const { uid, gid } = uidGid();
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pw'), uid, gid);
  }
  run([join(bin, 'initdb'), '-D', data, '-U', 'sealscan', `--pwfile=${join(dir, 'pw')}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], asUser);
  // A throwaway cluster: TCP on loopback only, no Unix socket, and no fsync (the tests kill ingest processes, never
  // the database; durability of PostgreSQL itself is PostgreSQL's to test).
  const settings = ['listen_addresses = \'127.0.0.1\'', "unix_socket_directories = ''", 'fsync = off', 'full_page_writes = off', 'synchronous_commit = off', 'shared_buffers = 32MB', 'max_connections = 100'];
  appendFileSync(join(data, 'postgresql.conf'), '\n# sealscan test cluster\n' + settings.join('\n') + '\n');
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      run([join(bin, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port}`, 'start'], asUser);
      break;
    } catch (e) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 2) throw e;
    }
  }
  let running = true;
  const stopCluster = () => {
    if (!running) return;
    running = false;
    process.removeListener('exit', stopCluster);
    run([join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'], asUser);
  };
  // Before tempDir's own exit handler removes the folder under the server.
  process.prependListener('exit', stopCluster);
  return server('throwaway', `postgres://sealscan:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, stopCluster);
}

let shared: Promise<PostgresServer> | undefined;

/** One server per test process, started on first use and stopped when the process exits (or by `stop()`). */
export function sharedPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres();
  return shared;
}

/** One query on its own connection to `url`: the rows (tests that look at the database behind the store). */
export async function pgRows(url: string, text: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}
