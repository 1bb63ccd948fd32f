// The `sealscan` command as the tests run it: one call to the built CLI in a folder, and an ingest service in a child
// process on a free loopback port (stopped by the pid the test started).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const SEALSCAN_BIN = join(new URL('../../..', import.meta.url).pathname, 'bin', 'sealscan.js');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** `sealscan ARGS` run in `dir`, waited for (2 minutes at most). */
export function sealscanIn(dir: string): (...args: string[]) => CliResult {
  return (...args) => {
    const r = spawnSync(process.execPath, [SEALSCAN_BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
}

/** `sealscan ingest --port 0 --db DB --token TOKEN ...extra` in `dir`; resolves with the child and its URL. */
export function ingestProcess(dir: string, db: string, token: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SEALSCAN_BIN, 'ingest', '--port', '0', '--db', db, '--token', token, ...extra], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (c) => reject(new Error(`ingest exited ${c}: ${out}`)));
  });
}

/** Polls `ok` every 25 ms until it holds; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
