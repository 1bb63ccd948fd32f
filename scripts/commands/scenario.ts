// sealscan scenario: scripted runs of a whole simulated scanner and ingest on virtual time (sim/scenarios/).
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
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const [action, ...rest] = args;
  if (action === 'list' && rest.length === 0) {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(width)}  ${s.title}`);
    return 0;
  }
  if (action !== 'run') return usage(action ? `unknown action "${action}"` : 'say list or run');
  const json = rest.includes('--json');
  const names = rest.filter((a) => a !== '--json');
  const all = names.length === 1 && names[0] === '--all';
  if (names.length !== 1 || names[0].startsWith('--') && !all) return usage('run takes one scenario NAME, or --all');
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
  console.error(`sealscan scenario: ${message}\n\n${USAGE}`);
  return 2;
}
