// `npm run build:espruino`: the Espruino images, by the one pipeline Espruino survives (../shared/reference/espruino.md):
// tsc to ES5 against scripts/espruino/lib.d.ts without helpers, esbuild bundles each entry (with short aliases for
// the built-ins), the TypeScript generator's array holes are filled, each class leaves the function TypeScript wraps
// it in for the bundle's scope (flatten.ts: fewer variables a method), the bundle's body goes to the top level with
// our own helpers (no hoisting, no array holes) in front, terser minifies with the options Espruino runs and the
// aliases are declared first, and the result is checked: an ES5 parse, no holes, every function declared before the
// statements of its scope. Writes dist/espruino/<image>.js and dist/espruino/report.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { minify } from 'terser';
import { parse } from 'acorn';
import { checkEspruinoSource } from './check.js';
import { ESPRUINO_HELPERS } from './helpers.js';
import { flattenClasses, type Node, walk } from './flatten.js';
import { CALLED_BY_THE_RUNTIME, pruneUnused } from './prune.js';
import { detokenise, pretokenise } from '../../sim/espruino/tokens.js';
import { createHash } from 'node:crypto';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { toHex } from '../../hal/hex.js';
import { badgeBlock } from '../../firmware/app/badge.js';
import { sealVirtualTag } from '../../sim/station.js';
import { Ntag213, SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import type { SelftestData } from '../../sim/selftest-data.js';

const root = new URL('../../..', import.meta.url).pathname;

/** The images: the device, and the device wired to the simulator for a self-test. */
export const IMAGES: { [name: string]: string } = {
  firmware: 'scripts/espruino/device/firmware.js',
  selftest: 'scripts/espruino/device/selftest.js',
};

/**
 * What the self-test image carries, made here on Node: an issuer, three NTAG213 sealed by the packaging station with
 * their originality signatures, an inspector badge, and the device's HMAC key. Fixed seeds, so every build is the same.
 */
export async function selftestData(taps = 50): Promise<SelftestData> {
  const crypto = createNodeCrypto();
  const seed = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
  const priv = seed('sealscan self-test issuer');
  const issuer = { privateKey: priv, publicKey: crypto.ed25519!.publicKeyOf(priv) };
  const tags: SelftestData['tags'] = [];
  for (let i = 1; i <= 3; i++) {
    const uid = new Uint8Array([0x04, 0x53, 0x54, 0x00, 0x00, 0x00, i]);
    const tag = new Ntag213({ uid });
    const r = await sealVirtualTag(tag, { link: `https://id.gs1.org/01/09506000134352/21/ST${i}`, issuer, sealedAtMs: Date.UTC(2026, 10, 1) }, crypto);
    if (!r.ok) throw new Error(`sealing self-test tag ${i} failed: ${JSON.stringify(r)}`);
    tags.push({ uid: toHex(uid), memory: toHex(tag.dump()), signature: toHex(tag.signature) });
  }
  return {
    deviceId: 'esp-selftest',
    site: '9506000134352',
    hmacKey: toHex(seed('sealscan self-test device key')),
    issuer: { name: 'Self-test Pharma', publicKey: toHex(issuer.publicKey) },
    originalityKey: toHex(SIM_ORIGINALITY_PUBLIC_KEY),
    badge: { uid: 'ba5e1e57', block4: toHex(badgeBlock('INSP-SELFTEST')) },
    tags,
    taps,
  };
}

/** Fills the array holes TypeScript's generator emits (`_a.trys.push([1, 3, , 4])`): a syntax error on Espruino. */
export function fillTryHoles(code: string): string {
  return code.replace(/\.trys\.push\(\[([^\]]*)\]\)/g, (_m, inner: string) => '.trys.push([' + inner.split(',').map((s) => (s.trim() === '' ? 'void 0' : s.trim())).join(', ') + '])');
}

/**
 * Built-ins the images read, each under a short alias that the image declares before anything else. The image runs at
 * the interpreter's top level, where a function defined costs one variable less than inside a function (no link to
 * its defining scope: about 400 variables for the device image). Espruino finds a name by walking each scope's list of
 * names in order, and the top level holds a few hundred of ours, so a built-in such as Uint8Array would be found only
 * after failing that whole list; its alias, declared first, is found at once. Each must exist on Espruino (an unknown
 * name would stop the image at its first line).
 */
export const LOCAL_GLOBALS = ['Uint8Array', 'Math', 'Object', 'String', 'Array', 'Error', 'TypeError', 'JSON', 'Number', 'parseInt', 'isFinite', 'Promise', 'DataView', 'Int32Array', 'console'];

/** The alias of each of {@link LOCAL_GLOBALS}: `$a`, `$b`, ... */
export const ALIASES: { [global: string]: string } = {};
LOCAL_GLOBALS.forEach((g, i) => (ALIASES[g] = '$' + String.fromCharCode(97 + i)));

/**
 * Top-level names the image must not take: those Espruino gives a meaning at its console (pin names such as D4 or
 * A0, LED1, BTN1, E, the peripherals) and the aliases. Minified names are one to three characters, so the pin
 * pattern is what they could hit.
 */
export function reservedNames(): string[] {
  const out = Object.values(ALIASES).concat(['E', 'LED', 'BTN', 'SPI', 'I2C', 'Pin', 'print', 'load', 'save', 'reset', 'dump', 'edit', 'peek8', 'poke8']);
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') for (let i = 0; i < 100; i++) out.push(letter + i);
  return out;
}

/** The body of esbuild's `(function() { ... })();`, to run at the top level. */
export function bundleBody(bundle: string): string {
  const open = /^(?:"use strict";\s*)?\(function\(\) \{\n/.exec(bundle);
  const close = /\}\)\(\);\s*$/.exec(bundle);
  if (!open || !close) throw new Error('esbuild did not write one function expression called once: ' + bundle.slice(0, 40));
  return bundle.slice(open[0].length, close.index);
}

/** The declaration of the aliases `code` reads, to go first in the image ('' when it reads none). */
export function aliasDeclaration(code: string): string {
  const used = LOCAL_GLOBALS.filter((g) => new RegExp('\\' + ALIASES[g] + '\\b').test(code));
  return used.length ? 'var ' + used.map((g) => ALIASES[g] + '=' + g).join(',') + ';\n' : '';
}

/**
 * Files whose property names cross the image's edge: Espruino's own library and the objects it reads or calls
 * (options to SPI, http, Wi-Fi, setWatch), and what is read from or written as JSON (the device file, the ingest's
 * answers, the self-test's report). Every word in them keeps its name when the image's property names are shortened.
 */
export const EDGE_FILES = ['scripts/espruino/lib.d.ts', 'hal/espruino/runtime.ts', 'hal/espruino/http-uplink.ts', 'scripts/espruino/device/globals.ts', 'scripts/espruino/device/firmware.ts', 'scripts/espruino/device/config.ts', 'scripts/espruino/device/selftest.ts', 'firmware/app/config.ts', 'firmware/sync/protocol.ts'];

/**
 * The property names the minifier must leave as they are in `code`: every word of {@link EDGE_FILES}, every string the
 * code holds (a computed access or a record's key may read it), and the names the interpreter itself uses. The rest
 * are the image's own (methods, fields, options between our functions) and are shortened: on Espruino a long name
 * costs a variable more wherever an object holds it, and its text in every function that reads it.
 */
export function keptPropertyNames(code: string): string[] {
  const kept = new Set(CALLED_BY_THE_RUNTIME.concat(['prototype', '__proto__', 'length', 'arguments', 'caller', 'callee', 'name', 'message', 'stack', 'code']));
  for (const f of EDGE_FILES) for (const w of readFileSync(join(root, f), 'utf8').match(/[A-Za-z_$][\w$]*/g) ?? []) kept.add(w);
  walk(parse(code, { ecmaVersion: 5 }) as unknown as Node, (n) => {
    if (n.type === 'Literal' && typeof n.value === 'string') kept.add(n.value);
  });
  return [...kept];
}

export interface ImageReport {
  /** The image as written: minified, then pretokenised. */
  bytes: number;
  /** The minified text before pretokenising. */
  minified: number;
  modules: number;
  /** Classes moved out of their TypeScript function into the bundle's scope (flatten.ts), and those kept in it. */
  classes: { moved: number; kept: number };
  /** The methods and classes left out because the image never uses them (prune.ts), as `Class.method` or `Class`. */
  unused: string[];
}

/** The syntax tree of `code` without positions or literals' spelling: what two spellings of one program share. */
function syntaxOf(code: string): string {
  return JSON.stringify(parse(code, { ecmaVersion: 5 }), (k, v: unknown) => (k === 'start' || k === 'end' || k === 'raw' ? undefined : v));
}

async function image(out: string, es5: string, name: string, entry: string, define: { [k: string]: string }): Promise<ImageReport> {
  const bundled = await build({ define: { ...define, ...ALIASES }, entryPoints: [join(es5, entry)], bundle: true, external: ['Storage', 'http', 'crypto', 'Wifi'], platform: 'neutral', format: 'iife', target: 'es5', write: false, metafile: true, logLevel: 'silent', legalComments: 'none' });
  const flat = flattenClasses(fillTryHoles(bundled.outputFiles[0].text));
  const pruned = pruneUnused(ESPRUINO_HELPERS + bundleBody(flat.code));
  const code = pruned.code;
  // Every TypeScript helper the code calls must be one of ours (tsc runs with noEmitHelpers).
  const missing = [...new Set([...bundled.outputFiles[0].text.matchAll(/\b(__[a-zA-Z]+)\(/g)].map((m) => m[1]))].filter((h) => !ESPRUINO_HELPERS.includes(`var ${h} = `) && !new RegExp(`\\b(var|function) ${h}\\b`).test(bundled.outputFiles[0].text));
  if (missing.length) throw new Error(`${name}.js calls TypeScript helpers scripts/espruino/helpers.ts does not define: ${missing.join(', ')}`);
  const min = await minify(code, {
    ecma: 5,
    // Espruino has no function hoisting: hoist_funs puts every declaration first. hoist_vars keeps vars out of
    // loop initialisers; no inlining, which once put a function into a for( initialiser; no sequences.
    compress: { hoist_funs: true, hoist_vars: true, inline: false, sequences: false, passes: 2 },
    toplevel: true,
    mangle: { toplevel: true, reserved: reservedNames(), properties: { reserved: keptPropertyNames(code) } },
    format: { ascii_only: true },
  });
  const text = aliasDeclaration(min.code ?? '') + (min.code ?? '');
  const problems = checkEspruinoSource(text);
  if (problems.length) throw new Error(`${name}.js is not what Espruino runs:\n${problems.slice(0, 20).join('\n')}`);
  const tokens = pretokenise(text);
  if (syntaxOf(detokenise(tokens)) !== syntaxOf(text)) throw new Error(`${name}.js pretokenised does not read back as the code it was made from`);
  writeFileSync(join(out, `${name}.js`), tokens, 'latin1');
  return { bytes: tokens.length, minified: text.length, modules: Object.keys(bundled.metafile!.inputs).length, classes: { moved: flat.moved, kept: flat.kept }, unused: pruned.removed };
}

/** Builds every image into `out` (default dist/espruino; tests build into their own folders). */
export async function buildEspruino(out = join(root, 'dist', 'espruino')): Promise<{ [name: string]: ImageReport }> {
  const es5 = join(out, 'es5');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.espruino.json'), '--noEmit', 'false', '--outDir', es5], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('tsc -p tsconfig.espruino.json failed:\n' + r.stdout + r.stderr);
  const report: { [name: string]: ImageReport } = {};
  const data = await selftestData();
  writeFileSync(join(out, 'selftest.json'), JSON.stringify(data, null, 2) + '\n');
  for (const [name, entry] of Object.entries(IMAGES)) report[name] = await image(out, es5, name, entry, { SEALSCAN_SMALL_TABLES: 'true', ...(name === 'selftest' ? { SELFTEST: JSON.stringify(data) } : {}) });
  writeFileSync(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  return report;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  // node dist/scripts/espruino/build.js [--out DIR]
  const at = process.argv.indexOf('--out');
  const dir = at > 0 ? process.argv[at + 1] : undefined;
  buildEspruino(dir).then(
    (report) => {
      for (const [name, r] of Object.entries(report)) console.log(`${dir ? join(dir, name) : `dist/espruino/${name}`}.js  ${(r.bytes / 1024).toFixed(1)} KB pretokenised (${(r.minified / 1024).toFixed(1)} KB minified), ${r.modules} modules, ${r.classes.moved} classes moved out of their functions${r.classes.kept ? `, ${r.classes.kept} kept in theirs` : ''}, ${r.unused.length} unused methods and classes left out`);
    },
    (e) => {
      console.error(`build:espruino: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
