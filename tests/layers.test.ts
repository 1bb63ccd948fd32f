// The import direction of DESIGN.md over the whole tree, and the one assembly of the scanner. Reads the sources as
// text: static imports, re-exports and dynamic import() alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const FOLDERS = ['firmware', 'hal', 'sim', 'upstream', 'scripts', 'tests'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const everything = FOLDERS.flatMap((d) => sources(d));

/** Every module `file` imports: [specifier, repository path or null for a package]. */
function importsOf(file: string): Array<[string, string | null]> {
  const text = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const out: Array<[string, string | null]> = [];
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  for (const m of found) {
    const spec = m[1];
    out.push([spec, spec.startsWith('.') ? relative(root, join(root, file, '..', spec)) : null]);
  }
  return out;
}

/** A rule: files under `from` must not import what `forbids` says (a path prefix, or a test on the target). */
interface Rule {
  from: string;
  except?: string[];
  why: string;
  forbids: (target: string | null, spec: string) => boolean;
}

const under = (...prefixes: string[]) => (t: string | null) => t !== null && prefixes.some((p) => t.startsWith(p));

const RULES: Rule[] = [
  { from: 'firmware/', why: 'firmware/ imports only itself and the hal/ interfaces (hal/*.ts), no packages', forbids: (t) => t === null || !(t.startsWith('firmware/') || /^hal\/[^/]+\.js$/.test(t)) },
  { from: 'hal/', why: 'hal/ never imports firmware/, sim/, upstream/, scripts/ or tests/', forbids: under('firmware/', 'sim/', 'upstream/', 'scripts/', 'tests/') },
  { from: 'sim/', why: 'sim/ never imports scripts/ or tests/, nor a real board (sim/ and hal/<board>/ are peers)', forbids: under('scripts/', 'tests/', 'hal/rpi/', 'hal/espruino/') },
  { from: 'hal/rpi/', why: 'a board never imports another board', forbids: under('hal/espruino/') },
  { from: 'hal/espruino/', why: 'a board never imports another board', forbids: under('hal/rpi/') },
  { from: 'upstream/', why: 'upstream/ never imports sim/, scripts/ or tests/, and shares only the record format code with firmware/', forbids: (t) => under('sim/', 'scripts/', 'tests/')(t) || (t !== null && t.startsWith('firmware/') && !t.startsWith('firmware/records/')) },
  { from: '', except: ['tests/'], why: 'nothing but tests/ imports tests/', forbids: under('tests/') },
  { from: '', except: ['scripts/'], why: 'nothing but scripts/ imports scripts/', forbids: under('scripts/') },
];

test('every import follows the direction of DESIGN.md', () => {
  const problems: string[] = [];
  for (const file of everything) {
    const imports = importsOf(file);
    for (const rule of RULES) {
      if (!file.startsWith(rule.from) || (rule.except ?? []).some((e) => file.startsWith(e))) continue;
      for (const [spec, target] of imports) if (rule.forbids(target, spec)) problems.push(`${file}: imports ${target ?? `package "${spec}"`} (${rule.why})`);
    }
  }
  assert.equal(problems, [], problems.join('\n'));
});

test('the rules see what they judge: each folder has sources, and a known import is found', () => {
  for (const d of FOLDERS) assert.ok(everything.some((f) => f.startsWith(d + '/')), `sources found under ${d}/`);
  const seen = importsOf('firmware/app/device.ts').map(([, t]) => t);
  assert.ok(seen.includes('firmware/app/scanner.js') && seen.includes('hal/board.js'), JSON.stringify(seen));
  const dynamic = importsOf('scripts/device/node-device.ts').map(([, t]) => t);
  assert.ok(dynamic.includes('hal/rpi/board.js') && dynamic.includes('sim/runner/board.js'), 'dynamic import() is seen: ' + JSON.stringify(dynamic));
});

test('the Raspberry Pi board loads nothing from sim/, not even through another hal/ module', () => {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, t] of importsOf(file)) if (t) walk(t.replace(/\.js$/, '.ts'));
  };
  walk('hal/rpi/board.ts');
  const bad = [...seen].filter((f) => !f.startsWith('hal/'));
  assert.equal(bad, [], 'hal/rpi/board.ts reaches ' + bad.join(', '));
  assert.ok(seen.has('hal/mfrc522/driver.ts'), 'the walk follows imports');
});

// Outside the assembly and the own tests of the queue, the sync worker and the scanner, nothing builds the device.
// sim/sweeps/queue-workload.ts is the queue's own crash sweep; sim/sweeps/ingest-kit.ts the sync worker's test kit.
const ASSEMBLY_ALLOWED = ['firmware/app/device.ts', 'firmware/queue/', 'tests/queue/', 'tests/sync/', 'tests/app/scanner', 'tests/helpers/device.ts', 'scripts/bench/queue', 'sim/sweeps/queue-workload.ts', 'sim/sweeps/ingest-kit.ts'];

test('only firmware/app/device.ts opens the queue and constructs Scanner and SyncWorker', () => {
  const problems: string[] = [];
  for (const file of everything) {
    if (ASSEMBLY_ALLOWED.some((a) => file.startsWith(a))) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const rx of [/\bnew Scanner\(/, /\bnew SyncWorker\(/, /\bQueue\.open\(/]) if (rx.test(text)) problems.push(`${file}: ${rx.source}`);
  }
  assert.equal(problems, [], problems.join('\n'));
});

test.run();
