// Every command parses its arguments with scripts/command-args.ts: --help (or -h) prints its usage and exits 0, an
// unknown option names itself with the usage on stderr and exits 2. `sealscan --version` (and -V) prints the
// version in package.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('help');
const sealscan = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
// The command list as `sealscan --help` prints it (a test imports nothing from scripts/).
const commands = sealscan('--help').stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);

test('the command list is read', () => {
  assert.ok(commands.length >= 13 && commands.includes('tag') && commands.includes('provision'), commands.join(' '));
});

for (const c of commands) {
  test(`${c}: --help and -h exit 0 with the usage; an unknown option exits 2`, () => {
    for (const flag of ['--help', '-h']) {
      const r = sealscan(c, flag);
      assert.is(r.status, 0, `${c} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, /^usage:\s+sealscan /);
    }
    const bad = sealscan(c, '--no-such-option');
    assert.is(bad.status, 2, `${c}: ${bad.stdout}`);
    assert.match(bad.stderr, new RegExp(`^sealscan ${c}: .*no-such-option[\\s\\S]*usage:\\s+sealscan `));
  });
}

test('--version and -V print "sealscan <the version in package.json>" and exit 0', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  assert.match(version, /^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-V']) {
    const r = sealscan(flag);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, `sealscan ${version}\n`);
  }
});

test.run();
