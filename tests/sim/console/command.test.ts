// sealscan sim as `npm start` runs it: prints the console's URL, serves the page and the API, stops on SIGTERM
// (sent to the pid this test started) with exit status 0, and keeps its data folder for the next start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp.js';

const BIN = new URL('../../../../bin/sealscan.js', import.meta.url).pathname;

function start(data: string, ...extra: string[]): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'sim', '--port', '0', '--data', data, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL within 20 s:\n' + out)), 20000);
    child.stdout!.on('data', () => {
      const m = /console at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m && /Ctrl-C stops/.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: m[1], out: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`sealscan sim exited with ${code}:\n${out}`)));
  });
}

/** SIGTERM to the pid this test started; resolves with the exit code, or the signal that ended it. */
function stop(child: ChildProcess): Promise<number | string | null> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

test('starts, serves, stops cleanly, and the next start is the next boot', async () => {
  const data = join(tempDir('simcmd'), 'data');
  const a = await start(data);
  try {
    assert.match(a.out(), /ingest at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(await (await fetch(a.url)).text(), /<title>sealscan simulator<\/title>/);
    const s = (await (await fetch(a.url + 'api/status')).json()) as { device: { boot: number; power: string } };
    assert.is(s.device.power, 'on');
    assert.is(s.device.boot, 0);
  } finally {
    assert.is(await stop(a.child), 0, a.out());
  }
  assert.ok(existsSync(join(data, 'device', 'flash.bin')) && existsSync(join(data, 'ingest.db')));
  const b = await start(data);
  try {
    const s = (await (await fetch(b.url + 'api/status')).json()) as { device: { boot: number } };
    assert.is(s.device.boot, 1);
  } finally {
    assert.is(await stop(b.child), 0, b.out());
  }
});

test('--help and bad options', () => {
  const help = spawnSync(process.execPath, [BIN, 'sim', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, /usage: sealscan sim \[--port 8080\]/);
  const bad = spawnSync(process.execPath, [BIN, 'sim', '--port', 'x'], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--port must be a whole number in 0..65535, got "x"/);
});

test('--demo fills an empty shelf once; a later --demo adds nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sealscan-simdemo-'));
  const data = join(root, 'data');
  try {
    const a = await start(data, '--demo');
    try {
      assert.ok(a.out().split('\n').includes('  demo shelf: badge INSP-007, sealed ntag213, sealed ntag213tt, magic clone of t2, copied seal of t2'), a.out());
      const tags = ((await (await fetch(a.url + 'api/tags')).json()) as { tags: Array<{ label: string; seal: unknown }> }).tags;
      assert.is(tags.length, 5);
      assert.is(tags.filter((t) => t.seal).length, 4);
    } finally {
      assert.is(await stop(a.child), 0, a.out());
    }
    const b = await start(data, '--demo');
    try {
      assert.match(b.out(), /  --demo: the shelf already holds 5 tag\(s\); nothing added/);
      assert.is(((await (await fetch(b.url + 'api/tags')).json()) as { tags: unknown[] }).tags.length, 5);
    } finally {
      assert.is(await stop(b.child), 0, b.out());
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a port that is taken: exit 2 naming it, and no data folder is created', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as AddressInfo).port;
  const root = mkdtempSync(join(tmpdir(), 'sealscan-simbusy-'));
  const data = join(root, 'data');
  try {
    const console = spawnSync(process.execPath, [BIN, 'sim', '--port', String(port), '--data', data], { encoding: 'utf8', timeout: 20000 });
    assert.is(console.status, 2, console.stdout + console.stderr);
    assert.is(console.stderr.trim(), `sealscan sim: cannot listen on 127.0.0.1:${port}: the port is taken by another program (choose another with --port, or --port 0 for any free one); nothing was created`);
    assert.not.ok(existsSync(data), 'no data folder');
    const ingest = spawnSync(process.execPath, [BIN, 'sim', '--port', '0', '--ingest-port', String(port), '--data', data], { encoding: 'utf8', timeout: 20000 });
    assert.is(ingest.status, 2, ingest.stdout + ingest.stderr);
    assert.is(ingest.stderr.trim(), `sealscan sim: cannot listen on 127.0.0.1:${port}: the port is taken by another program (choose another with --ingest-port, or --ingest-port 0 for any free one); nothing was created`);
    assert.not.ok(existsSync(data), 'no data folder');
  } finally {
    holder.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
