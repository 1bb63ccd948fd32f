#!/usr/bin/env node
// Runs every compiled uvu test file (dist/tests/**/*.test.js) in its own Node process, several side by side, and ends
// with the plain line "N passed, N failed, N skipped".
//
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains one of the substrings)
//   TEST_JOBS=N            files run side by side (default: the number of cores, at most 4)
//   SEALSCAN_TEST_DIR=DIR  run the *.test.js files under DIR instead of dist/tests
//
// What counts as a failure, besides a failed assertion:
// - a file that crashes or never reports (one failure);
// - an error thrown in a uvu hook: scripts/uvu-hooks.mjs prints it as "HOOK ERROR ..." (uvu itself swallows an
//   error thrown in a before hook and reports nothing);
// - a test skipped with test.skip or test.only: a skip must say why. A file that cannot run here (no Chromium, say)
//   prints "SKIP: <reason>" instead (tests/helpers/skip.ts); each such line counts as one skipped test;
// - anything a file leaves in its temporary folder: each file gets its own TMPDIR under one folder of this run,
//   and what is still there when the file ends is reported as "left in tmp: ..." and kept for a look.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism, tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const testDir = resolve(process.env.SEALSCAN_TEST_DIR || join(root, 'dist', 'tests'));
const hooks = pathToFileURL(join(root, 'scripts', 'uvu-hooks.mjs')).href;
const filters = process.argv.slice(2);
const jobs = Math.max(1, Math.min(Number(process.env.TEST_JOBS) || availableParallelism(), 4));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

/** How a file is named in the report: relative to the repository when it lies inside it. */
function shown(file) {
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The sealscan-* entries directly in the system temp folder, with their creation times. */
function sealscanTmpEntries() {
  const out = new Map();
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('sealscan-')) continue;
    try {
      const st = lstatSync(join(tmpdir(), name));
      out.set(name, st.birthtimeMs || st.ctimeMs);
    } catch {
      // removed meanwhile by whoever made it
    }
  }
  return out;
}

function runFile(file, tmp) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', hooks, file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const text = out.replace(ANSI, '');
      const total = /Total:\s+(\d+)/.exec(text);
      const passedM = /Passed:\s+(\d+)/.exec(text);
      const uvuSkipped = /Skipped:\s+(\d+)/.exec(text);
      const hookErrors = (text.match(/^HOOK ERROR /gm) ?? []).length;
      const skips = [...text.matchAll(/^SKIP: (.*)$/gm)].map((m) => m[1]);
      const problems = [];
      const reported = !!(total && passedM);
      const passed = reported ? Number(passedM[1]) : 0;
      let failed = reported ? Number(total[1]) - passed : 0;
      // A hook error may already be a failed test (before.each) or may have kept tests from running (before).
      failed = Math.max(failed, hookErrors);
      let crashed = false;
      if (!reported || ((code !== 0 || signal) && failed === 0)) {
        // uvu sets exit code 1 on assertion failures (already counted); anything else is a crash.
        crashed = true;
        failed = Math.max(failed, 1);
      }
      if (uvuSkipped && Number(uvuSkipped[1]) > 0) {
        problems.push(`${uvuSkipped[1]} test(s) skipped by test.skip or test.only: a skip must print "SKIP: <reason>" (tests/helpers/skip.ts)`);
        failed += 1;
      }
      const left = existsSync(tmp) ? readdirSync(tmp).sort() : [];
      if (left.length) {
        problems.push(`left in tmp: ${left.map((n) => join(tmp, n)).join(', ')}`);
        failed += 1;
      } else rmSync(tmp, { recursive: true, force: true });
      resolveRun({ file, passed, failed, skips, crashed, problems, text, ms: Date.now() - started, code, signal });
    });
  });
}

const files = existsSync(testDir) ? walk(testDir).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))) : [];
if (files.length === 0) {
  console.log(`no test files found under ${shown(testDir)}` + (filters.length ? ` matching ${filters.join(', ')}` : ''));
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const runStarted = Date.now();
const tmpBefore = sealscanTmpEntries();
const runTmp = mkdtempSync(join(tmpdir(), 'sealscan-tests-'));
// Traversable (not listable) by other users: the PostgreSQL tests run their throwaway cluster as a non-root user
// (PostgreSQL refuses root) with its data in the file's TMPDIR.
chmodSync(runTmp, 0o711);

let next = 0;
let passed = 0;
let failed = 0;
const skipped = [];
const failures = [];
const leftovers = [];
async function worker() {
  while (next < files.length) {
    const index = next++;
    const file = files[index];
    const tmp = join(runTmp, String(index));
    mkdirSync(tmp);
    const r = await runFile(file, tmp);
    passed += r.passed;
    failed += r.failed;
    const name = shown(file);
    for (const reason of r.skips) skipped.push(`${name}: ${reason}`);
    const status = r.failed ? 'FAIL' : r.skips.length && !r.passed ? 'skip' : 'ok  ';
    const skipNote = r.skips.length ? `, ${r.skips.length} skipped` : '';
    console.log(`${status} ${name}  ${r.passed} passed, ${r.failed} failed${skipNote}  (${(r.ms / 1000).toFixed(1)} s)`);
    for (const reason of r.skips) console.log(`     SKIP: ${reason}`);
    for (const p of r.problems) console.log(`     ${p}`);
    if (r.problems.some((p) => p.startsWith('left in tmp'))) leftovers.push(name);
    if (r.failed) {
      failures.push(r);
      const detail = r.crashed ? `  exited with ${r.signal ?? 'code ' + r.code} before reporting:\n` : '';
      process.stdout.write(detail + r.text.split('\n').map((l) => '    ' + l).join('\n') + '\n');
    }
  }
}
await Promise.all(Array.from({ length: jobs }, worker));

if (readdirSync(runTmp).length === 0) rmSync(runTmp, { recursive: true, force: true });
// Each file had its own TMPDIR, so anything new in the system temp folder came from elsewhere: a path written as
// /tmp, or another run on this machine. Shown, not counted, since it cannot be told apart.
const strays = [...sealscanTmpEntries()]
  .filter(([name, born]) => !tmpBefore.has(name) && born >= runStarted - 1000 && join(tmpdir(), name) !== runTmp)
  .map(([name]) => join(tmpdir(), name));
if (strays.length) {
  const shownStrays = strays.slice(0, 10).join(', ') + (strays.length > 10 ? ` and ${strays.length - 10} more` : '');
  console.log(`note: new in ${tmpdir()} during this run, not from a test's TMPDIR (another run's?): ${shownStrays}`);
}
if (skipped.length) console.log(`skipped:\n${skipped.map((s) => '  ' + s).join('\n')}`);
if (leftovers.length) console.log(`files that left things in tmp: ${leftovers.join(', ')} (kept in ${runTmp})`);
if (failures.length) console.log(`failing files: ${failures.map((r) => shown(r.file)).join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(failed ? 1 : 0);
