// `sealscan run` says what sync does: one line when the ingest cannot be reached, one when it can again, and the
// sync state when it stops (issue 12: "run with the ingest down prints no sync error at all").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sealscan-runsync-'));
const TOKEN = 'provisioning-token-0001';
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let port = 0;
let url = '';
let ingest: ChildProcess | undefined;

/** The ingest on `port` (0: any), with one database for the whole file; resolves with its URL. */
function startIngest(on: number): Promise<string> {
  ingest = spawn(process.execPath, [bin, 'ingest', '--port', String(on), '--db', 'ingest.db', '--token', TOKEN], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = ingest;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`ingest exited ${c}: ${out}`)));
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null && child.stdout?.readableEnded !== false) return resolve(child.exitCode);
    // 'close', not 'exit': only then has every line the child wrote to its stdout been read.
    child.once('close', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** Resolves once `out()` has a line matching `re`; rejects after `ms`. */
async function lineMatching(out: () => string, re: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const l = out().split('\n').find((x) => re.test(x));
    if (l) return l;
    if (Date.now() > end) throw new Error(`no line matching ${re} within ${ms} ms:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.before(async () => {
  url = await startIngest(0);
  port = Number(new URL(url).port);
  for (const args of [
    ['issuer-key', 'new', '--name', 'acme', '--out', 'keys'],
    ['tag', 'new', 'mifare-classic-1k', '--badge', 'INSP-1', '--out', 'tags/0-badge.json'],
    ['tag', 'new', 'ntag213', '--out', 'tags/1.json'],
    ['seal', '--link', 'https://id.gs1.org/01/09506000134352/21/1', '--key', 'keys/acme.issuer-key.json', '--tag', 'tags/1.json'],
    ['provision', '--device', 'pi-1', '--site', '9506000134352', '--ingest', url, '--token', TOKEN, '--issuer', 'keys/acme.issuer.json', '--simulator'],
  ]) {
    const r = sealscan(...args);
    assert.is(r.code, 0, args.join(' ') + ': ' + r.err);
  }
});
test.after(async () => {
  if (ingest) await stopChild(ingest);
  rmSync(dir, { recursive: true, force: true });
});

test('ingest down: one line saying so; back up: one line saying so; at exit: where sync stands', async () => {
  assert.is(await stopChild(ingest!), 0);
  const run = spawn(process.execPath, [bin, 'run', '--config', 'device.json', '--reader', 'sim', '--sim-tags', 'tags', '--tap-every', '100'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  run.stdout!.on('data', (d) => (out += d));
  run.stderr!.on('data', (d) => (out += d));
  try {
    const down = await lineMatching(() => out, /^sync: /, 20000);
    assert.match(down, new RegExp(`^sync: could not reach the ingest at ${url.replace(/[.]/g, '\\.')} \\(\\d+ records? waiting\\): cannot reach 127\\.0\\.0\\.1:${port}: ECONNREFUSED; retrying with backoff$`));
    // Taps go on while it is down: a retry per backoff, still one line.
    await new Promise((r) => setTimeout(r, 2500));
    assert.is(out.split('\n').filter((l) => l.startsWith('sync: ')).length, 1, out);
    await startIngest(port);
    await lineMatching(() => out, /^sync: reached the ingest again \(\d+ records? waiting\)$/, 40000);
    const syncLines = out.split('\n').filter((l) => l.startsWith('sync: '));
    assert.is(syncLines.length, 2, syncLines.join('\n'));
  } finally {
    assert.is(await stopChild(run), 0, out);
  }
  // Which of the three it is depends on where the stop caught the worker (under load, an upload may be in flight).
  assert.ok(/\nsync at exit: (every record synced|\d+ records? not yet sent; they go at the next start|.+ \(\d+ records? wait in the queue for the next start\): .+)\n/.test(out), out.slice(-3000));
});

test('run --taps with the ingest down ends saying the records wait for the next start', async () => {
  await stopChild(ingest!);
  const r = sealscan('run', '--config', 'device.json', '--reader', 'sim', '--sim-tags', 'tags', '--taps', '2', '--tap-every', '50');
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.is(lines.filter((l) => l.startsWith('sync: could not reach the ingest at ')).length, 1, r.out);
  const exit = lines.find((l) => l.startsWith('sync at exit: '));
  assert.match(exit ?? '', new RegExp(`^sync at exit: could not reach the ingest at ${url.replace(/[.]/g, '\\.')} \\(\\d+ records? wait in the queue for the next start\\): cannot reach 127\\.0\\.0\\.1:${port}: ECONNREFUSED$`));
  assert.match(r.out, /\ndone: [1-9]\d* unsynced/);
});

test.run();
