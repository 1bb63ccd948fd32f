// scripts/espruino/prune.ts: an image leaves out the prototype methods nothing in it names, and only those; what
// stays behaves as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sealscan-prune-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `node dist/scripts/espruino/prune.js` on `bundle` (tests do not import scripts/): the code and what it removed. */
function prune(bundle: string): { code: string; removed: string[] } {
  writeFileSync(join(dir, 'in.js'), bundle);
  const r = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/prune.js'), join(dir, 'in.js'), join(dir, 'out.js')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.trim());
  return { code: readFileSync(join(dir, 'out.js'), 'utf8'), removed: r.stdout.split('\n').filter(Boolean).sort() };
}

// The shape tsc gives a class in ES5, after flatten.ts: methods on the prototype, a getter through defineProperty.
const CLASS = `
function Reader() { this.n = 0; }
Reader.prototype.read = function () { return this.count(); };
Reader.prototype.count = function () { return ++this.n; };
Reader.prototype.powerDown = function () { return this.sleepDeep(); };
Reader.prototype.sleepDeep = function () { return 'zz'; };
Reader.prototype.byString = function () { return 's'; };
Reader.prototype.byKey = function () { return 'k'; };
Reader.prototype.toString = function () { return 'Reader ' + this.n; };
Object.defineProperty(Reader.prototype, "total", { get: function () { return this.n; }, enumerable: false, configurable: true });
Object.defineProperty(Reader.prototype, "spare", { get: function () { return -1; }, enumerable: false, configurable: true });
`;

test('a method nothing names goes, with the methods only it called; what is named in any way stays', () => {
  const use = `var r = new Reader(); r.read(); var via = r['byString'](); var shape = { byKey: 1 }; var out = [r.read(), r.total, String(r), via, shape.byKey];`;
  const p = prune(CLASS + use);
  assert.equal(p.removed, ['Reader.powerDown', 'Reader.sleepDeep', 'Reader.spare']);
  assert.not.ok(p.code.includes('sleepDeep'));
  assert.not.ok(p.code.includes('"spare"'));
  const before = vm.runInNewContext(CLASS + use + 'JSON.stringify(out)');
  const after = vm.runInNewContext(p.code + '; JSON.stringify(out)');
  assert.equal(after, before);
  assert.equal(JSON.parse(after), [2, 2, 'Reader 2', 's', 1]);
});

test('the names the interpreter calls by itself stay even when the code never names them', () => {
  const p = prune(`function V() {}\nV.prototype.toJSON = function () { return 1; };\nV.prototype.valueOf = function () { return 2; };\nV.prototype.then = function () {};\nV.prototype.gone = function () {};\nvar v = new V();`);
  assert.equal(p.removed, ['V.gone']);
  assert.ok(p.code.includes('toJSON') && p.code.includes('valueOf') && p.code.includes('.then'));
});

test('a static method nothing names goes; a class read only by its own definitions goes whole, with its alias, and so does what only it read', () => {
  const code = `
function helper() { return 1; }
function Decoder2() {}
Decoder2.prototype.read = function () { return helper(); };
var Decoder = Decoder2;
function Chain2() {}
Chain2.resume = function () { return new Decoder().read(); };
Chain2.start = function () { return new Chain2(); };
Chain2.prototype.next = function () { return new Step().n; };
var Chain = Chain2;
function Step2() { this.n = 7; }
var Step = Step2;
var out = Chain.start().next();`;
  const p = prune(code);
  assert.equal(p.removed, ['Chain2.resume', 'Decoder2', 'Decoder2.read']);
  assert.not.ok(p.code.includes('Decoder'));
  assert.not.ok(p.code.includes('function helper'));
  // Step2 is read only by a method of a class that stays: it stays too.
  assert.ok(p.code.includes('function Step2'));
  assert.is(vm.runInNewContext(p.code + '; out'), 7);
});

test('a bundle that is not ES5 is refused with the parser\'s message', () => {
  assert.throws(() => prune('class A { m() {} }'), /prune: .*\(1:/);
});

test.run();
