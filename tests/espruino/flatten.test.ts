// scripts/espruino/flatten.ts: classes leave the function TypeScript wraps them in for the bundle's own scope, and
// behave the same; a class that cannot be moved safely stays as it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sealscan-flatten-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `node dist/scripts/espruino/flatten.js` on `bundle` (tests do not import scripts/): the code and its counts. */
function flattenClasses(bundle: string): { code: string; moved: number; kept: number } {
  writeFileSync(join(dir, 'in.js'), bundle);
  const r = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/flatten.js'), join(dir, 'in.js'), join(dir, 'out.js')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.trim());
  const m = /^moved (\d+), kept (\d+)$/.exec(r.stdout.trim());
  if (!m) throw new Error('unexpected output: ' + r.stdout);
  return { code: readFileSync(join(dir, 'out.js'), 'utf8'), moved: Number(m[1]), kept: Number(m[2]) };
}

/** A bundle as esbuild writes it from TypeScript's ES5 output: a base class, a subclass calling super, a user. */
const BUNDLE = `"use strict";
(function() {
  var __extends = function(d, b) { d.prototype = Object.create(b.prototype); d.prototype.constructor = d; };
  var Base = (
    /** @class */
    (function() {
      function Base2(n) {
        this.n = n;
      }
      Base2.prototype.twice = function() {
        return this.n * 2;
      };
      Base2.LIMIT = 7;
      return Base2;
    })()
  );
  var Child = (
    /** @class */
    (function(_super) {
      __extends(Child2, _super);
      function Child2(n) {
        var _this = _super.call(this, n + 1) || this;
        _this.tag = "child";
        return _this;
      }
      Child2.prototype.twice = function() {
        return _super.prototype.twice.call(this) + 1;
      };
      return Child2;
    })(Base)
  );
  var c = new Child(2);
  out.push(c.twice(), c.tag, c instanceof Base, Base.LIMIT, typeof _super);
})();
`;

function run(code: string): unknown[] {
  const out: unknown[] = [];
  vm.runInNewContext(code, { out });
  return out;
}

test('both classes move, and the bundle behaves the same (the subclass\'s _super renamed for it alone)', () => {
  const f = flattenClasses(BUNDLE);
  assert.equal({ moved: f.moved, kept: f.kept }, { moved: 2, kept: 0 });
  assert.not.match(f.code, /@class/);
  assert.match(f.code, /var _super_Child = Base;/);
  assert.match(f.code, /var Child = Child2;/);
  assert.equal(run(f.code), run(BUNDLE));
  assert.equal(run(f.code), [7, 'child', true, 7, 'undefined']);
});

test('a class whose own name is used outside it stays in its function', () => {
  const clash = BUNDLE.replace('var c = new Child(2);', 'var Base2 = 1; var c = new Child(2);');
  const f = flattenClasses(clash);
  assert.is(f.moved, 1);
  assert.is(f.kept, 1);
  assert.match(f.code, /function Base2\(n\)/);
  assert.equal(run(f.code), run(clash));
});

test('a class function that returns early, or whose inner function declares _super again, stays', () => {
  const early = BUNDLE.replace('      Base2.LIMIT = 7;\n', '      if (Base2.LIMIT) return null;\n      Base2.LIMIT = 7;\n');
  const e = flattenClasses(early);
  assert.equal({ moved: e.moved, kept: e.kept }, { moved: 1, kept: 1 }, 'only Child moves');
  assert.match(e.code, /if \(Base2\.LIMIT\) return null;/);
  assert.equal(run(e.code), run(early));
  const shadow = BUNDLE.replace('_this.tag = "child";', '_this.tag = (function(_super) { return "child"; })(0);');
  const f = flattenClasses(shadow);
  assert.is(f.kept, 1);
  assert.equal(run(f.code), run(shadow));
});

test('a class function that reads its own this or arguments stays (they would become the bundle\'s)', () => {
  for (const line of ['      Base2.self = this;\n', '      Base2.args = arguments.length;\n']) {
    const odd = BUNDLE.replace('      Base2.LIMIT = 7;\n', line + '      Base2.LIMIT = 7;\n');
    const f = flattenClasses(odd);
    assert.equal({ moved: f.moved, kept: f.kept }, { moved: 1, kept: 1 }, line);
    assert.equal(run(f.code), run(odd));
  }
});

test('a bundle that is not one function called once is refused, by name', () => {
  assert.throws(() => flattenClasses('var a = 1; a++;'), /not one function expression called once/);
});

test.run();
