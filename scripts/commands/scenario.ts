// sealscan scenario: scripted runs of a whole simulated scanner and ingest on virtual time (sim/scenarios/).
import { commandArgs, usageError } from '../command-args.js';
import { SCENARIOS, findScenario, formatResult, runScenario, type ScenarioResult } from '../../sim/scenarios/index.js';

const USAGE = `usage: sealscan scenario list
       sealscan scenario run NAME|--all [--json]

Scripted, deterministic runs of a simulated scanner (register-level MFRC522, virtual tags, NOR flash queue, sync
worker) and an in-process ingest, on virtual time: an hour offline takes about a second. Each run prints a
transcript (time, what the inspector saw, records, sync requests, queue depth, sync state) and its expectations.

  list         the scenarios, one line each
  run NAME     one scenario (--all: every one)
  --json       the result as JSON (one object, or an array with --all)

exit status: 0 every expectation held, 1 one failed, 2 usage error`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('scenario', USAGE, args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const [action, ...names] = parsed.positionals;
  const { json, all } = parsed.values;
  if (action === 'list' && names.length === 0 && !json && !all) {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(width)}  ${s.title}`);
    return 0;
  }
  if (action !== 'run') return usage(action ? `unknown action "${action}"` : 'say list or run');
  if (names.length !== (all ? 0 : 1)) return usage('run takes one scenario NAME, or --all');
  const chosen = all ? SCENARIOS : [findScenario(names[0])];
  if (!chosen[0]) return usage(`no scenario "${names[0]}"; sealscan scenario list shows them`);
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    const r = await runScenario(s!);
    results.push(r);
    if (!json) console.log(formatResult(r) + (all ? '\n' : ''));
  }
  if (json) console.log(JSON.stringify(all ? results : results[0], null, 2));
  else if (all) console.log(`${results.filter((r) => r.ok).length} of ${results.length} scenarios passed`);
  return results.every((r) => r.ok) ? 0 : 1;
}

function usage(message: string): number {
  return usageError('scenario', USAGE, message);
}
