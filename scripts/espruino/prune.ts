// Drops the methods an image never calls. A class that the Pi and the simulator use whole carries methods the device
// does not (the driver's power-down and gain, the queue's inventory, ...). Each costs the image its code, and on
// Espruino about five variables for the device's whole life (the function, its parameters, its code and its name on
// the prototype), since the interpreter keeps every method it was given. A method goes when its name appears nowhere
// else in the bundle: not after a dot, not as an object literal's key, not as a string (what a computed access could
// read). Removing one can leave another unread, so it repeats until nothing changes; terser then drops the functions
// only those methods called. Names the interpreter itself calls (toString, toJSON, valueOf, then) always stay.
//
// `node dist/scripts/espruino/prune.js BUNDLE OUT`: writes BUNDLE without its unused methods to OUT and prints each
// one removed (`Class.method`), a line each.
import { parse } from 'acorn';
import { readFileSync, writeFileSync } from 'node:fs';
import { type Node, walk } from './flatten.js';

const CALLED_BY_THE_RUNTIME = ['toString', 'toJSON', 'valueOf', 'then', 'constructor'];

/** `X.prototype.name = function ...;` or `Object.defineProperty(X.prototype, "name", ...);`: the name, else null. */
function definedMethod(s: Node): { name: string; key: Node } | null {
  if (s.type !== 'ExpressionStatement') return null;
  const e = s.expression as Node;
  if (e.type === 'AssignmentExpression' && (e.right as Node).type === 'FunctionExpression') {
    const l = e.left as Node;
    const o = l.object as Node | undefined;
    if (l.type === 'MemberExpression' && !l.computed && o && o.type === 'MemberExpression' && !o.computed && (o.property as Node).name === 'prototype') return { name: (l.property as Node).name as string, key: l.property as Node };
  }
  if (e.type === 'CallExpression') {
    const c = e.callee as Node;
    const args = e.arguments as Node[];
    const target = args[0];
    if (c.type === 'MemberExpression' && (c.property as Node).name === 'defineProperty' && target && target.type === 'MemberExpression' && (target.property as Node).name === 'prototype' && args[1] && args[1].type === 'Literal' && typeof args[1].value === 'string') return { name: args[1].value, key: args[1] };
  }
  return null;
}

/** Every property name `code` reads or writes, and every string it holds, with how often; `except` not counted. */
function namesUsed(ast: Node, except: Set<Node>): Map<string, number> {
  const seen = new Map<string, number>();
  const add = (s: string) => seen.set(s, (seen.get(s) ?? 0) + 1);
  walk(ast, (n, parent) => {
    if (except.has(n)) return;
    if (n.type === 'Literal' && typeof n.value === 'string') add(n.value);
    else if (n.type === 'Identifier' && parent && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed) || (parent.type === 'Property' && parent.key === n))) add(n.name as string);
  });
  return seen;
}

/** `code` without the prototype methods nothing in it names, and the names removed (`Class.method`). */
export function pruneUnusedMethods(code: string): { code: string; removed: string[] } {
  const removed: string[] = [];
  for (;;) {
    const ast = parse(code, { ecmaVersion: 5 }) as unknown as Node;
    const defs: { s: Node; name: string; owner: string }[] = [];
    walk(ast, (n) => {
      const d = definedMethod(n);
      if (d) defs.push({ s: n, name: d.name, owner: code.slice((n.expression as Node).start, (n.expression as Node).start + 60).split('.prototype')[0].replace(/^.*defineProperty\(/, '') });
    });
    const keys = new Set(defs.map((d) => definedMethod(d.s)!.key));
    const used = namesUsed(ast, keys);
    const dead = defs.filter((d) => !used.has(d.name) && CALLED_BY_THE_RUNTIME.indexOf(d.name) < 0);
    if (!dead.length) return { code, removed };
    dead.sort((a, b) => b.s.start - a.s.start);
    for (const d of dead) {
      code = code.slice(0, d.s.start) + code.slice(d.s.end);
      removed.push(d.owner + '.' + d.name);
    }
  }
}

if (process.argv[1]?.endsWith('prune.js') && process.argv[3]) {
  try {
    const p = pruneUnusedMethods(readFileSync(process.argv[2], 'utf8'));
    writeFileSync(process.argv[3], p.code);
    for (const r of p.removed) console.log(r);
  } catch (e) {
    console.error(`prune: ${(e as Error).message}`);
    process.exit(1);
  }
}
