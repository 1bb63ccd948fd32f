/** One benchmark section: a table of measurements taken side by side in one run, and the targets it checks. */
export interface BenchSection {
  title: string;
  /** Column names, in order. */
  columns: string[];
  rows: Array<Array<string | number>>;
  /** How the figures were produced (settings, sizes, what is compared). */
  notes?: string[];
  /** Targets from the issues: measured value against the target, with a verdict. */
  targets?: BenchTarget[];
}

export interface BenchTarget {
  name: string;
  measured: string;
  target: string;
  met: boolean;
}

function cell(v: string | number): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

export function formatSection(s: BenchSection): string {
  const rows = [s.columns, ...s.rows.map((r) => r.map(cell))];
  const widths = s.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ') + ' |';
  const out = [`## ${s.title}`, '', line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const r of rows.slice(1)) out.push(line(r));
  if (s.notes?.length) out.push('', ...s.notes.map((n) => `- ${n}`));
  if (s.targets?.length) {
    out.push('', 'Targets:');
    for (const t of s.targets) out.push(`- [${t.met ? 'met' : 'MISSED'}] ${t.name}: ${t.measured} (target ${t.target})`);
  }
  return out.join('\n') + '\n';
}

/** Runs `fn` repeatedly for about `ms` milliseconds of real time after a warm-up; returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms = 1000, batch = 1): Promise<number> {
  const warm = performance.now() + ms / 5;
  while (performance.now() < warm) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) await fn();
    n += batch;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
