// firmware/ and hal/ (except hal/rpi) also run on Espruino. This holds them to what the Espruino pipeline can lower
// (../shared/reference/espruino.md). The import direction is tests/layers.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function sources(dir: string, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (skip.some((s) => rel.startsWith(s))) continue;
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel, skip));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every file of the code that runs on Espruino: what tsc compiles for the images (the entries, the sim parts the
 * self-test carries), besides firmware/ and hal/ as a whole. */
function espruinoProgram(): string[] {
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.espruino.json'), '--listFilesOnly'], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => relative(root, l.trim())).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('node_modules'));
}

const portable = [...new Set([...sources('firmware'), ...sources('hal', ['hal/rpi', 'hal/node']), ...espruinoProgram()])];

test('the Espruino program includes the image entries and the simulated chip the self-test carries', () => {
  for (const f of ['scripts/espruino/device/firmware.ts', 'scripts/espruino/device/selftest.ts', 'sim/mfrc522/chip.ts', 'sim/tags/ntag21x.ts']) assert.ok(portable.includes(f), f);
  assert.not.ok(portable.includes('sim/tags/originality.ts'), 'the Node ECDSA stays out');
});

/** Code without comments and string contents, so that prose may mention what code may not use. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => m[0] + ' '.repeat(Math.max(0, m.length - 2)) + m[0]);
}

test('portable code type-checks as ES5 against the Espruino library subset', () => {
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.espruino.json')], { encoding: 'utf8' });
  assert.is(r.status, 0, 'tsc -p tsconfig.espruino.json failed:\n' + r.stdout + r.stderr);
});

const forbidden: Array<[RegExp, string]> = [
  [/\*\*/, '`**` (lowered to Math.pow, which is inexact on Espruino)'],
  [/\bMath\.pow\b/, 'Math.pow (inexact on Espruino for integer maths)'],
  [/\bObject\.(freeze|seal|isFrozen|is)\b/, 'Object.freeze/seal/is (missing on Espruino)'],
  [/\b(Array|String|Function|Uint8Array|Object)\.prototype\.\w+\.(call|apply)\b/, 'X.prototype.m.call (built-in prototypes read as undefined on Espruino)'],
  [/\bPromise\.(race|allSettled|any)\b|\.finally\(/, 'Promise.race/allSettled/any/finally (missing on Espruino)'],
  [/^\s*[A-Za-z_$][\w$]*:\s*(for|while|do)\b/m, 'labelled statements (unsupported on Espruino)'],
  [/\(\?<[=!]/, 'regex lookbehind'],
  [/\b(Buffer|TextEncoder|TextDecoder|BigInt|Symbol|WeakMap|WeakSet|Proxy|Reflect)\b/, 'a global Espruino lacks'],
  [/\bnew\s+(Map|Set)\b/, 'Map/Set (missing on Espruino)'],
  [/\bArray\.(from|of)\b/, 'Array.from/of (missing on Espruino)'],
  [/#[a-zA-Z_]\w*\s*[;=(]/, 'private #fields'],
];

test('portable code avoids what Espruino cannot run', () => {
  const problems: string[] = [];
  for (const file of portable) {
    const code = codeOnly(readFileSync(join(root, file), 'utf8'));
    const lines = code.split('\n');
    for (const [rx, why] of forbidden) {
      lines.forEach((line, i) => {
        if (rx.test(line)) problems.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
      });
    }
  }
  assert.equal(problems, [], problems.join('\n'));
});

/** Regular-expression literals and every mention of RegExp in `file`, as "line: text". */
function regexUses(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES5, true);
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral || (ts.isIdentifier(n) && n.text === 'RegExp')) {
      found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('portable code has no regular expressions (Espruino silently fails most patterns; hal/text.ts checks characters)', () => {
  const found = portable.flatMap(regexUses);
  assert.equal(found, [], found.join('\n'));
});

test('the regex lint finds what it is meant to find', () => {
  const probe = 'tests/fixtures-regex-probe.ts';
  const sf = ts.createSourceFile(probe, "const a = /^x{2}$/.test(s); const b = new RegExp('y'); const c = '/not/ a regex';", ts.ScriptTarget.ES5, true);
  const kinds: string[] = [];
  const visit = (n: ts.Node) => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) kinds.push('literal');
    if (ts.isIdentifier(n) && n.text === 'RegExp') kinds.push('RegExp');
    ts.forEachChild(n, visit);
  };
  visit(sf);
  assert.equal(kinds, ['literal', 'RegExp']);
});

test('the Espruino library types slice on bytes as a plain Array and lacks Date.UTC, Map and regex methods', () => {
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'scripts/espruino/tsconfig.probe.json')], { encoding: 'utf8', cwd: root });
  const errors = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('error TS')).map((l) => /\((\d+),\d+\)/.exec(l)![1]);
  const expected = readFileSync(join(root, 'scripts/espruino/lib-probe.ts'), 'utf8').split('\n').map((l, i) => (l.includes('// refused') ? String(i + 1) : '')).filter(Boolean);
  assert.ok(expected.length >= 8, 'the probe marks its refused lines');
  assert.equal([...new Set(errors)], expected, r.stdout + r.stderr);
});

test.run();
