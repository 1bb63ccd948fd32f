// sealscan scenario as a developer types it: list, run one (text and --json), run --all, and usage errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { SCENARIOS } from '../../sim/scenarios/index.js';

const BIN = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const sealscan = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60000 });

test('list names every scenario with its title', () => {
  const r = sealscan('scenario', 'list');
  assert.is(r.status, 0, r.stderr);
  for (const s of SCENARIOS) assert.ok(r.stdout.includes(s.name) && r.stdout.includes(s.title), s.name);
});

test('run prints the transcript and PASS; --json gives the result', () => {
  const text = sealscan('scenario', 'run', 'pull-away');
  assert.is(text.status, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /NOT READ - tap again/);
  assert.match(text.stdout, /PASS: \d+ of \d+ expectations held/);
  const json = sealscan('scenario', 'run', 'tap-sealed', '--json');
  assert.is(json.status, 0);
  const r = JSON.parse(json.stdout);
  assert.is(r.name, 'tap-sealed');
  assert.ok(r.ok);
  assert.ok(r.lines.some((l: { kind: string; text: string }) => l.kind === 'screen' && /GENUINE/.test(l.text)));
});

test('usage errors exit 2; --help exits 0', () => {
  assert.is(sealscan('scenario', 'run', 'no-such-scenario').status, 2);
  assert.is(sealscan('scenario', 'run').status, 2);
  assert.is(sealscan('scenario', 'dance').status, 2);
  const help = sealscan('scenario', '--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /usage: sealscan scenario list/);
  const top = sealscan('--help').stdout;
  assert.match(top, /^ {2}sim +the simulator/m);
  assert.match(top, /^ {2}scenario +run scripted scenarios/m);
});

test.run();
