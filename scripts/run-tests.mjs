#!/usr/bin/env node
// Runs every compiled uvu test file (dist/tests/**/*.test.js) in its own Node process, two at a time,
// and ends with the plain line "N passed, N failed". A file that crashes or never reports counts as one failure.
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const testDir = join(root, 'dist', 'tests');
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

const ANSI = /\u001b\[[0-9;]*m/g;

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const text = out.replace(ANSI, '');
      const total = /Total:\s+(\d+)/.exec(text);
      const passed = /Passed:\s+(\d+)/.exec(text);
      const skipped = /Skipped:\s+(\d+)/.exec(text);
      let p = passed ? Number(passed[1]) : 0;
      let f = total && passed ? Number(total[1]) - p : 0;
      let crashed = false;
      if (!total || code !== 0 || signal) {
        // uvu sets exit code 1 on assertion failures (already counted); anything else is a crash.
        if (!total || f === 0) {
          crashed = true;
          f += 1;
        }
      }
      resolve({ file, passed: p, failed: f, skipped: skipped ? Number(skipped[1]) : 0, crashed, text, ms: Date.now() - started, code, signal });
    });
  });
}

const files = walk(testDir).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.log('no test files found under dist/tests' + (filters.length ? ` matching ${filters.join(', ')}` : ''));
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let next = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const name = relative(root, file);
    const status = r.failed ? 'FAIL' : 'ok  ';
    console.log(`${status} ${name}  ${r.passed} passed, ${r.failed} failed  (${(r.ms / 1000).toFixed(1)} s)`);
    if (r.failed) {
      failures.push(r);
      const detail = r.crashed
        ? `  exited with ${r.signal ?? 'code ' + r.code} before reporting:\n`
        : '';
      process.stdout.write(detail + r.text.split('\n').map((l) => '    ' + l).join('\n') + '\n');
    }
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
if (skipped) console.log(`${skipped} skipped (skips are not allowed to hide failures; see the files above)`);
if (failures.length) console.log(`failing files: ${failures.map((r) => relative(root, r.file)).join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
