// sealscan sim as `npm start` runs it: prints the console's URL, serves the page and the API, stops on SIGTERM
// (sent to the pid this test started) with exit status 0, and keeps its data folder for the next start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../../../bin/sealscan.js', import.meta.url).pathname;

function start(data: string): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'sim', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const data = join(mkdtempSync(join(tmpdir(), 'sealscan-simcmd-')), 'data');
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

test.run();
