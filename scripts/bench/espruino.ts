// The Espruino budgets (issue "The Espruino target"): the device image's minified size, always; and, given the Linux
// build of the Espruino interpreter (--espruino PATH or SEALSCAN_ESPRUINO, optionally --espruino-small PATH for a
// fixed 5,100-variable pool), the variables the image takes once booted from Storage. The Linux build's hardware SPI
// is a stub (it answers FFh), so the booted image stops at the chip (NO_CHIP): what is measured is the image loaded
// and the board built, not a tap. Interpreter time per tap and the peak over 50 taps need the self-test image.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEspruino } from '../espruino/build.js';
import { uploadCode } from '../commands/flash.js';
import { CONFIG_FILE, KEY_FILE, FORMAT } from '../espruino/device/config.js';
import type { BenchSection } from './table.js';

const SIZE_TARGET_KB = 48;
const VARS_TARGET = 4000;

function option(args: string[], name: string, env: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : process.env[env];
}

/** Runs `code` in the interpreter at `bin` with `cwd` as its Storage folder; the console lines after the banner. */
function espruino(bin: string, cwd: string, code: string): string[] {
  writeFileSync(join(cwd, 'run.js'), code);
  const r = spawnSync(bin, ['run.js'], { cwd, encoding: 'utf8', timeout: 120000 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const after = out.slice(out.indexOf('Donate') >= 0 ? out.indexOf('Donate') : 0);
  return after.replace(/\r/g, '').replace(/\u001b\[J/g, '').split('\n').map((l) => l.replace(/^>+/, '')).filter((l) => l.trim() && !/Donate/.test(l));
}

/** Uploads the image, configuration and key to Storage (in one folder), then boots the image from Storage. */
function bootFromStorage(bin: string, dir: string, image: string): { lines: string[]; vars: number | undefined } {
  const config = JSON.stringify({ format: FORMAT, deviceId: 'bench-1', site: '9506000134352', ingest: 'http://127.0.0.1:9', issuers: [], pins: { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5' } });
  const files = [
    { name: CONFIG_FILE, text: config },
    { name: KEY_FILE, text: '5a'.repeat(32) },
    { name: '.bootcde', text: image },
  ];
  // Uploaded in pieces, as the espruino tool sends them line by line: one file per run keeps a small pool from
  // holding the whole upload at once.
  const upload = uploadCode(files).split('\n');
  const head = upload.slice(0, 2).join('\n');
  for (let i = 2; i < upload.length - 3; i += 8) espruino(bin, dir, `${head}\n${upload.slice(i, i + 8).join('\n')}\n})();\n`);
  const lines = espruino(bin, dir, 'var m0 = process.memory().usage;\neval(require("Storage").read(".bootcde"));\nsetTimeout(function () { console.log("VARS " + process.memory().usage); }, 500);\n');
  const v = lines.map((l) => /^VARS (\d+)/.exec(l)).find(Boolean);
  return { lines, vars: v ? Number(v[1]) : undefined };
}

export async function bench(args: string[] = []): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-bench-espruino-'));
  try {
    const report = await buildEspruino(join(dir, 'image'));
    const kb = report.firmware.bytes / 1024;
    const rows: Array<Array<string | number>> = [['firmware.js minified', `${kb.toFixed(1)} KB`, `${report.firmware.modules} modules`]];
    const targets: BenchSection['targets'] = [{ name: 'firmware.js minified', measured: `${kb.toFixed(1)} KB`, target: `<= ${SIZE_TARGET_KB} KB`, met: kb <= SIZE_TARGET_KB }];
    const notes = ['Size: npm run build:espruino (tsc ES5 → esbuild → helpers → terser), bytes of the file.'];
    const image = readFileSync(join(dir, 'image', 'firmware.js'), 'latin1');
    for (const [label, bin] of [['full pool', option(args, '--espruino', 'SEALSCAN_ESPRUINO')], ['5,100-variable pool', option(args, '--espruino-small', 'SEALSCAN_ESPRUINO_SMALL')]] as const) {
      if (!bin) {
        rows.push([`booted from Storage (${label})`, 'not measured', 'no interpreter given (--espruino PATH / --espruino-small PATH)']);
        continue;
      }
      if (!existsSync(bin)) throw new Error(`${bin}: no such interpreter`);
      const run = join(dir, label.replace(/[^a-z0-9]+/gi, '-'));
      mkdirSync(run);
      const r = bootFromStorage(bin, run, image);
      const stopped = r.lines.find((l) => l.startsWith('sealscan: ')) ?? r.lines.find((l) => /MEMORY|Error/.test(l)) ?? '(nothing printed)';
      rows.push([`booted from Storage (${label})`, r.vars === undefined ? 'did not run' : `${r.vars} variables`, stopped.slice(0, 110)]);
      if (label === 'full pool' && r.vars !== undefined) targets.push({ name: 'variables after boot from Storage (image loaded, board built; no tap)', measured: String(r.vars), target: `<= ${VARS_TARGET} (the issue's peak over 50 taps)`, met: r.vars <= VARS_TARGET });
      if (label !== 'full pool') targets.push({ name: 'runs on a 5,100-variable pool', measured: r.vars === undefined ? 'no (out of memory)' : 'yes', target: 'yes', met: r.vars !== undefined });
    }
    notes.push('Boot: the image, configuration and key are written to the interpreter\'s Storage with the same upload code sealscan flash sends, then `eval(require("Storage").read(".bootcde"))`; process.memory().usage 500 ms later. The Linux build\'s SPI answers FFh, so the scanner stops at NO_CHIP: the figure is the image and board, not a tap.');
    notes.push('Not measured yet: interpreter time per tap (target 10 ms) and the peak over 50 taps with sync (target 4,000 variables): both need dist/espruino/selftest.js (the firmware wired to the simulated chip inside the interpreter), not built yet.');
    return [{ title: 'Espruino', columns: ['what', 'measured', 'detail'], rows, notes, targets }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
