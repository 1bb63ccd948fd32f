// scripts/run-tests.mjs as `npm test` runs it, on fixture test files in a temporary folder (SEALSCAN_TEST_DIR) and
// on the console's browser test with Chromium made missing (SEALSCAN_CHROMIUM): a hook's error is printed and
// counted, a missing browser is an explicit skip (a failure with CI set), a skip without a reason and a file that
// leaves something in its temp folder fail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const root = new URL('../../..', import.meta.url).pathname;
const runner = join(root, 'scripts', 'run-tests.mjs');

interface Run {
  status: number | null;
  out: string;
  /** The closing line. */
  last: string;
}

/** The runner with `env` on top of this process's (CI removed unless given), its own TMPDIR, one file at a time. */
function runTests(args: string[], env: Record<string, string>): Run {
  const tmp = tempDir('runner-tmp');
  const r = spawnSync(process.execPath, [runner, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: '', TEST_JOBS: '1', TMPDIR: tmp, ...env },
    timeout: 120000,
  });
  const out = r.stdout + r.stderr;
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, out, last: lines[lines.length - 1] };
}

/** A folder of fixture test files (name → source) that can import uvu from the repository's node_modules. */
function fixtures(files: Record<string, string>): string {
  const dir = tempDir('runner-fixtures');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'tests'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, 'tests', name), source);
  return join(dir, 'tests');
}

const uvu = "import { test, suite } from 'uvu';\nimport * as assert from 'uvu/assert';\n";

test('an error thrown in a before hook is printed and counts as a failure (uvu alone prints nothing)', () => {
  const dir = fixtures({
    'before.test.js': uvu + "test.before(() => { throw new Error('the fixture before hook exploded'); });\ntest('never runs', () => {});\ntest.run();\n",
    'fine.test.js': uvu + "test('passes', () => assert.ok(true));\ntest.run();\n",
  });
  const r = runTests([], { SEALSCAN_TEST_DIR: dir });
  assert.is(r.status, 1, r.out);
  assert.match(r.out, /HOOK ERROR \(before\): Error: the fixture before hook exploded/);
  assert.match(r.out, /FAIL \S*before\.test\.js/);
  assert.is(r.last, '1 passed, 1 failed, 0 skipped', r.out);
});

test('errors thrown in after and after.each hooks are printed too', () => {
  const dir = fixtures({
    'after-each.test.js': uvu + "const s = suite('chained');\ns.after.each(() => { throw new Error('after.each broke after a failed test'); });\ns('fails', () => assert.is(1, 2));\ns.run();\n",
    'after.test.js': uvu + "test.after(() => { throw new Error('the after hook broke'); });\ntest('passes', () => {});\ntest.run();\n",
  });
  const r = runTests([], { SEALSCAN_TEST_DIR: dir });
  assert.is(r.status, 1, r.out);
  assert.match(r.out, /HOOK ERROR \(after\.each\) in suite "chained": Error: after\.each broke after a failed test/);
  assert.match(r.out, /HOOK ERROR \(after\): Error: the after hook broke/);
  assert.match(r.last, /^\d+ passed, 2 failed, 0 skipped$/, r.out);
});

test('test.skip without a reason fails the file; so does a folder left in its temp folder', () => {
  const dir = fixtures({
    'skip.test.js': uvu + "test.skip('quietly', () => {});\ntest('runs', () => {});\ntest.run();\n",
    'leak.test.js': uvu + "import { mkdtempSync } from 'node:fs';\nimport { tmpdir } from 'node:os';\nimport { join } from 'node:path';\ntest('makes a folder and leaves it', () => { mkdtempSync(join(tmpdir(), 'sealscan-leak-')); });\ntest.run();\n",
  });
  const r = runTests([], { SEALSCAN_TEST_DIR: dir });
  assert.is(r.status, 1, r.out);
  assert.match(r.out, /1 test\(s\) skipped by test\.skip or test\.only: a skip must print "SKIP: <reason>"/);
  assert.match(r.out, /left in tmp: \S+\/sealscan-leak-\w+/);
  assert.is(r.last, '2 passed, 2 failed, 0 skipped', r.out);
});

test('a test that cleans up leaves nothing in the temp folder, and the runner removes its own', () => {
  const dir = fixtures({ 'clean.test.js': uvu + "import { mkdtempSync, rmSync } from 'node:fs';\nimport { tmpdir } from 'node:os';\nimport { join } from 'node:path';\ntest('makes and removes', () => { rmSync(mkdtempSync(join(tmpdir(), 'sealscan-clean-')), { recursive: true }); });\ntest.run();\n" });
  const tmp = tempDir('runner-own-tmp');
  const r = runTests([], { SEALSCAN_TEST_DIR: dir, TMPDIR: tmp });
  assert.is(r.status, 0, r.out);
  assert.is(r.last, '1 passed, 0 failed, 0 skipped');
  assert.equal(readdirSync(tmp), []);
});

const browserTest = join(root, 'dist', 'tests', 'sim', 'console', 'browser.test.js');

test('without Chromium the browser test is skipped with the reason and the install command: exit 0', () => {
  assert.ok(existsSync(browserTest), browserTest);
  const r = runTests(['sim/console/browser.test'], { SEALSCAN_CHROMIUM: '/nonexistent/chromium' });
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /^skip \S*browser\.test\.js {2}0 passed, 0 failed, 1 skipped/m);
  assert.match(r.out, /SKIP: .*\/nonexistent\/chromium.*sudo apt-get install chromium/);
  assert.is(r.last, '0 passed, 0 failed, 1 skipped');
});

test('with CI=true a missing Chromium fails the run', () => {
  const r = runTests(['sim/console/browser.test'], { SEALSCAN_CHROMIUM: '/nonexistent/chromium', CI: 'true' });
  assert.is(r.status, 1, r.out);
  assert.match(r.out, /FAIL \S*browser\.test\.js/);
  assert.match(r.out, /\/nonexistent\/chromium.*sudo apt-get install chromium/);
  assert.is(r.last, '0 passed, 1 failed, 0 skipped');
});

test.run();
