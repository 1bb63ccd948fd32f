// The README's "first run on a PC, end to end" block, run as written in a temporary folder: each command with
// `node bin/sealscan.js` for `sealscan`, the exported variables as the environment, the one `&` command in the
// background. Only the port differs: the ingest listens on port 0 (any free one) and the block's 8081 is replaced by
// the port it got, so runs side by side do not collide. The block must end with export and verify, and verify must
// print OK. The ingest child is stopped by its pid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'sealscan.js');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const README_PORT = '8081';

/** The block's commands: continuation lines joined, blank lines and comments dropped. */
function endToEndBlock(): string[] {
  const m = /A first run on a PC, end to end:\n+```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!m) throw new Error('README.md has no "A first run on a PC, end to end:" block');
  return m[1].replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

let ingest: ChildProcess | undefined;
test.after(() => {
  if (ingest?.pid && ingest.exitCode === null && ingest.signalCode === null) process.kill(ingest.pid, 'SIGTERM');
});

/** Starts the background command; resolves with the port it listens on. */
function background(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  ingest = child;
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`sealscan ${args.join(' ')} exited ${code}: ${out}`)));
  });
}

test('the block is plain commands this test can run as written, and ends with export and verify', () => {
  const lines = endToEndBlock();
  for (const l of lines) {
    assert.not.match(l, /["'`$;|<>()]/, `no quoting, variables or redirection the test would have to interpret: ${l}`);
    assert.ok(l.startsWith('export ') || l.startsWith('sealscan '), l);
  }
  assert.is(lines.filter((l) => l.endsWith(' &')).length, 1, 'one command in the background');
  assert.match(lines[lines.length - 2], /^sealscan export .*--format cose/);
  assert.match(lines[lines.length - 1], /^sealscan verify /);
});

test('run as written in a temp folder, the block ends with sealscan verify printing OK', async () => {
  const cwd = tempDir('readme');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEALSCAN_')));
  let port: string | undefined;
  let last = '';
  for (const line of endToEndBlock()) {
    const words = line.replace(/\s*&$/, '').split(/\s+/);
    if (words[0] === 'export') {
      for (const w of words.slice(1)) {
        const [k, ...v] = w.split('=');
        env[k] = v.join('=');
      }
      continue;
    }
    const args = words.slice(1);
    if (line.endsWith('&')) {
      assert.ok(args.includes(README_PORT), `the background command listens on ${README_PORT}: ${line}`);
      port = await background(args.map((a) => (a === README_PORT ? '0' : a)), cwd, env);
      continue;
    }
    const real = args.map((a) => (port ? a.split(`:${README_PORT}`).join(`:${port}`) : a));
    const r = spawnSync(process.execPath, [bin, ...real], { cwd, env, encoding: 'utf8', timeout: 120000 });
    assert.is(r.status, 0, `${line}\nexit ${r.status} ${r.signal ?? ''}\n${r.stdout}${r.stderr}`);
    last = r.stdout;
  }
  assert.ok(port, 'the ingest was started');
  assert.match(last, /^pi-1 {2}Ed25519 {2}OK {2}records \d+, verified \d+/m);
  assert.match(last, /^result: OK$/m);
});

test('the README says npm start builds, and it does: tsc -b before the simulator', () => {
  assert.match(readme, /npm install && npm start +# builds/);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.scripts.start, 'tsc -b && node bin/sealscan.js sim');
  assert.ok(pkg.scripts.prepare.startsWith('tsc '), 'npm install builds too');
});

test.run();
