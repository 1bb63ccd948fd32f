// `sealscan ingest` as a technician runs it: a child process on port 0 (the bound port read from its output), the
// token from the environment, a registration and an upload over loopback, a clean stop on SIGTERM sent to its pid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { ed25519Device, history } from '../../sim/sweeps/fixtures.js';
import { register, upload } from './helpers.js';

const root = new URL('../../..', import.meta.url).pathname;

test('--help and usage errors', () => {
  const help = spawnSync(process.execPath, ['bin/sealscan.js', 'ingest', '--help'], { cwd: root, encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, 'usage: sealscan ingest --port N --db FILE');
  for (const args of [['--db', 'x.db'], ['--port', '80000', '--db', 'x.db'], ['--port', '0'], ['--port', '0', '--db', 'x', '--workers', 'many']]) {
    const r = spawnSync(process.execPath, ['bin/sealscan.js', 'ingest', ...args], { cwd: root, encoding: 'utf8' });
    assert.is(r.status, 2, args.join(' '));
  }
  assert.match(spawnSync(process.execPath, ['bin/sealscan.js', '--help'], { cwd: root, encoding: 'utf8' }).stdout, 'ingest');
});

test('serves on the port it prints, takes the token from SEALSCAN_PROVISIONING_TOKEN, stops on SIGTERM', async () => {
  const db = join(tempDir('cli-ingest'), 'ingest.db');
  const child = spawn(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', db], {
    cwd: root,
    env: { ...process.env, SEALSCAN_PROVISIONING_TOKEN: 'from-env-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error('exited early: ' + out)));
    });
    const dev = ed25519Device('scanner-0001');
    assert.is((await register(url, dev, undefined, 'wrong')).status, 403);
    assert.is((await register(url, dev, undefined, 'from-env-0123456789')).status, 201);
    const r = await upload(url, history(dev, 5));
    assert.is(r.json.devices['scanner-0001'].ackedThrough, 4);
  } finally {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
  }
  assert.is(await exited, 0, 'clean exit');
});

test.run();
