// `npm run bench`'s command line (through the built script, as a user runs it): an option's value is not a section
// name, and an unknown option, a missing value or a section that does not exist is refused by name before anything
// runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const script = new URL('../../scripts/bench/index.js', import.meta.url).pathname;

function bench(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('--help lists every section and every option', () => {
  const r = bench('--help');
  assert.is(r.status, 0, r.err);
  for (const s of ['rf', 'records', 'queue', 'ingest', 'abuse', 'tap', 'espruino', 'closed-loop', 'fleet']) assert.ok(r.out.includes(s), `section ${s}: ${r.out}`);
  for (const o of ['--quick', '--espruino PATH', '--espruino-small PATH', '--espruino-og PATH', '--pg URL']) assert.ok(r.out.includes(o), `option ${o}: ${r.out}`);
});

test('an unknown option is refused by name', () => {
  const r = bench('espruino', '--espruino-fast', '/x');
  assert.is(r.status, 2);
  assert.match(r.err, /unknown option --espruino-fast/);
  assert.not.match(r.out, /sealscan benchmarks/, 'nothing ran');
});

test('an option without its value is refused', () => {
  for (const args of [['--espruino'], ['--pg', '--quick'], ['espruino', '--espruino-og']]) {
    const r = bench(...args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.err, /needs a (PATH|URL)/, args.join(' '));
  }
});

test("an option's value is not taken for a section; a section that matches nothing is refused", () => {
  // Were the path read as a section name, the error would name it (or every section would be skipped silently).
  const r = bench('--espruino', '/no/such/interpreter', 'nosuch');
  assert.is(r.status, 2);
  assert.match(r.err, /no section matches "nosuch"/);
  assert.not.match(r.err, /interpreter/);
});

test.run();
