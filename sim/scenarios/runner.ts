import { ScenarioLab } from './lab.js';
import type { Scenario, ScenarioResult } from './types.js';

/**
 * Runs `scenario` in a fresh lab and returns its transcript and verdict. Guarantees: `ok` is true only when the
 * script finished without throwing, stated at least one expectation, and every expectation held; the lab is closed
 * whatever happened.
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const started = performance.now();
  const lab = await ScenarioLab.open(scenario.setup ?? {});
  let error: string | undefined;
  try {
    await scenario.run(lab);
  } catch (e) {
    error = e instanceof Error ? e.stack ?? e.message : String(e);
    lab.line('check', `the script stopped: ${e instanceof Error ? e.message : String(e)}`);
  }
  const virtualMs = lab.clock.now();
  await lab.close();
  const result: ScenarioResult = {
    name: scenario.name,
    title: scenario.title,
    ok: !error && lab.checks.length > 0 && lab.checks.every((c) => c.ok),
    checks: lab.checks,
    lines: lab.transcript.lines,
    virtualMs,
    realMs: Math.round(performance.now() - started),
  };
  if (error) result.error = error;
  return result;
}
