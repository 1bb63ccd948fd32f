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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--help')) {
    console.log(
      [
        'usage: npm run bench [-- [section ...] [options]]',
        'sections (a name or part of one; none: all): ' + sections.map((s) => s[0]).join(', '),
        'options:',
        '  --quick                 shorter queue, tap and closed-loop runs',
        '  --espruino PATH         the Linux build of the Espruino interpreter (or SEALSCAN_ESPRUINO): the image as flashed, run from Storage',
        '  --espruino-small PATH   the same with a 5,100-variable pool (or SEALSCAN_ESPRUINO_SMALL)',
        '  --espruino-og PATH      the same build compiled -Og, as the ESP32 firmware is (or SEALSCAN_ESPRUINO_OG): time per tap, informational',
        '  --pg URL                PostgreSQL for the fleet section',
      ].join('\n'),
    );
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
