// Every scripted scenario runs and all its expectations hold; transcripts repeat exactly (virtual time, seeded jitter).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCENARIOS, runScenario, formatResult, findScenario } from '../../sim/scenarios/index.js';

for (const s of SCENARIOS) {
  test(`scenario ${s.name}: every expectation holds`, async () => {
    const r = await runScenario(s);
    assert.ok(r.ok, '\n' + formatResult(r));
    assert.ok(r.checks.length >= 3, 'a scenario states its expectations');
    assert.ok(r.lines.some((l) => l.kind === 'screen'), 'the transcript shows what the inspector saw');
  });
}

test('names are unique kebab-case and every scenario explains itself', () => {
  const names = SCENARIOS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const s of SCENARIOS) {
    assert.match(s.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(s.title.length > 5 && s.summary.length > 40, s.name);
  }
  assert.is(findScenario('tap-sealed'), SCENARIOS[0]);
  assert.is(findScenario('nope'), undefined);
});

test('a transcript repeats exactly, line for line', async () => {
  const a = await runScenario(findScenario('power-cut-during-scan')!);
  const b = await runScenario(findScenario('power-cut-during-scan')!);
  assert.equal(a.lines, b.lines);
});

test('a failing expectation fails the run and shows in the text', async () => {
  const r = await runScenario({
    name: 'broken',
    title: 'A scenario that expects too much',
    summary: 'used by the test only',
    async run(lab) {
      await lab.boot();
      lab.check('the impossible', false, 'as planned');
    },
  });
  assert.not.ok(r.ok);
  assert.match(formatResult(r), /FAIL: 0 of 1 expectations held; failed: the impossible \(as planned\)/);
  const thrown = await runScenario({ name: 'thrower', title: 'A script that throws', summary: 'x', run: async () => { throw new Error('boom'); } });
  assert.not.ok(thrown.ok);
  assert.match(thrown.error ?? '', /boom/);
});

test.run();
