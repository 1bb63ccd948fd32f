// npm run bench: every benchmark section, measured in one run on this machine, printed as Markdown tables.
// Sections register here; each is a module exporting `bench(): Promise<BenchSection[]>`.
import { formatSection, type BenchSection } from './table.js';

interface SectionModule {
  bench(args: string[]): Promise<BenchSection[]>;
}

const sections: Array<[string, () => Promise<SectionModule>]> = [
  ['rf', () => import('./rf.js')],
  ['records', () => import('./records.js')],
  ['queue', () => import('./queue.js')],
  ['ingest', () => import('./ingest.js')],
  ['abuse', () => import('./abuse.js')],
  ['tap', () => import('./tap.js')],
  ['espruino', () => import('./espruino.js')],
  ['closed-loop', () => import('./closed-loop.js')],
  ['fleet', () => import('./fleet.js')],
];

/** The options, each with whether it takes a value (the word after it, never a section name). */
const OPTIONS: { [name: string]: { value?: string; help: string } } = {
  '--quick': { help: 'shorter queue, tap and closed-loop runs' },
  '--espruino': { value: 'PATH', help: 'the Linux build of the Espruino interpreter (or SEALSCAN_ESPRUINO): the image as flashed, run from Storage' },
  '--espruino-small': { value: 'PATH', help: 'the same with a 5,100-variable pool (or SEALSCAN_ESPRUINO_SMALL)' },
  '--espruino-og': { value: 'PATH', help: 'the same build compiled -Og, as the ESP32 firmware is (or SEALSCAN_ESPRUINO_OG): time per tap, informational' },
  '--pg': { value: 'URL', help: 'PostgreSQL for the fleet section (or SEALSCAN_PG_URL)' },
  '--help': { help: 'this text' },
};

function usage(): string {
  const lines = ['usage: npm run bench [-- [section ...] [options]]', 'sections (a name or part of one; none: all): ' + sections.map((s) => s[0]).join(', '), 'options:'];
  for (const [name, o] of Object.entries(OPTIONS)) lines.push('  ' + (name + (o.value ? ' ' + o.value : '')).padEnd(22) + ' ' + o.help);
  return lines.join('\n');
}

/** The section names asked for, or an error naming the argument that is neither a known option nor a section. */
export function sectionsAsked(args: string[]): string[] {
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const o = OPTIONS[a];
    if (o) {
      if (o.value && (i + 1 >= args.length || args[i + 1].startsWith('--'))) throw new Error(`${a} needs a ${o.value}`);
      if (o.value) i++;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a} (npm run bench -- --help lists them)`);
    else if (!sections.some((s) => s[0].includes(a))) throw new Error(`no section matches "${a}" (sections: ${sections.map((s) => s[0]).join(', ')})`);
    else only.push(a);
  }
  return only;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(usage());
    return;
  }
  let only: string[];
  try {
    only = sectionsAsked(args);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 2;
    return;
  }
  console.log(`# sealscan benchmarks\n\nnode ${process.version}, ${new Date().toISOString()}\n`);
  let missed = 0;
  for (const [name, load] of sections) {
    if (only.length && !only.some((o) => name.includes(o))) continue;
    const mod = await load();
    for (const s of await mod.bench(args)) {
      console.log(formatSection(s));
      missed += (s.targets ?? []).filter((t) => !t.met).length;
    }
  }
  console.log(missed ? `${missed} target(s) missed` : 'all targets met');
}

await main();
