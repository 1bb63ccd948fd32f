// Drops the methods and classes an image never uses. A class the Pi and the simulator use whole carries methods the
// device does not (the driver's power-down and gain, the queue's inventory, the chain's resume, ...). Each costs the
// image its code, and on Espruino about five variables for the device's whole life (the function, its parameters, its
// code and its name on the prototype), since the interpreter keeps every method it was given. A method (on the
// prototype, or static) goes when its name appears nowhere else in the bundle: not after a dot, not as an object
// literal's key, not as a string (what a computed access could read). A function declared at the top level, a class
// among them, goes when nothing reads it but its own declaration, its method definitions and the `var X = X2` that
// flatten.ts leaves. Removing one can leave another unused, so it repeats until nothing changes; terser then drops
// what is left unread. Names the interpreter itself calls (toString, toJSON, valueOf, then) always stay.
//
// `node dist/scripts/espruino/prune.js BUNDLE OUT`: writes BUNDLE without what it does not use to OUT and prints each
// method and class removed (`Class.method`, `Class`), a line each.
import { parse } from 'acorn';
import { readFileSync, writeFileSync } from 'node:fs';
import { isReference, type Node, walk } from './flatten.js';

/** Method names the interpreter calls by itself: never left out, never renamed. */
export const CALLED_BY_THE_RUNTIME = ['toString', 'toJSON', 'valueOf', 'then', 'constructor'];

interface Definition {
  /** The statement that defines it. */
  s: Node;
  /** The class (its name), and the method's name and the node naming it. */
  owner: string;
  name: string;
  key: Node;
}

/**
 * `X.prototype.name = function ...;`, `X.name = function ...;` or `Object.defineProperty(X.prototype, "name", ...);`
 * with X a class (a function declared at the top level): what it defines, else null.
 */
function definition(s: Node, classes: Set<string>): Definition | null {
  if (s.type !== 'ExpressionStatement') return null;
  const e = s.expression as Node;
  const classOf = (o: Node | undefined): string | null => {
    if (o && o.type === 'MemberExpression' && !o.computed && (o.property as Node).name === 'prototype') o = o.object as Node;
    return o && o.type === 'Identifier' && classes.has(o.name as string) ? (o.name as string) : null;
  };
  if (e.type === 'AssignmentExpression' && (e.right as Node).type === 'FunctionExpression') {
    const l = e.left as Node;
    const owner = l.type === 'MemberExpression' && !l.computed ? classOf(l.object as Node) : null;
    if (owner) return { s: s, owner: owner, name: (l.property as Node).name as string, key: l.property as Node };
  }
  if (e.type === 'CallExpression') {
    const c = e.callee as Node;
    const args = e.arguments as Node[];
    const target = args[0];
    const owner = target && target.type === 'MemberExpression' ? classOf(target) : null;
    if (owner && c.type === 'MemberExpression' && (c.property as Node).name === 'defineProperty' && args[1] && args[1].type === 'Literal' && typeof args[1].value === 'string') return { s: s, owner: owner, name: args[1].value, key: args[1] };
  }
  return null;
}

/** Every property name `ast` reads or writes and every string it holds, except the nodes in `except`. */
function propertiesUsed(ast: Node, except: Set<Node>): Set<string> {
  const props = new Set<string>();
  walk(ast, (n, parent) => {
    if (except.has(n)) return;
    if (n.type === 'Literal' && typeof n.value === 'string') props.add(n.value);
    else if (n.type === 'Identifier' && !isReference(n, parent)) props.add(n.name as string);
  });
  return props;
}

/**
 * The variables each top-level statement reads, a statement counting only for others than the function it belongs to
 * (`ownerOf`: its declaration, its method definitions, its alias): what is left are those something else reads.
 */
function readByOthers(ast: Node, ownerOf: Map<Node, string>): Set<string> {
  const read = new Set<string>();
  for (const st of ast.body as Node[]) {
    const owner = ownerOf.get(st);
    walk(st, (n, parent) => {
      if (n.name === owner || !isReference(n, parent)) return;
      // A name being declared is not read.
      if (parent && parent.type === 'VariableDeclarator' && parent.id === n) return;
      if (parent && (parent.type === 'FunctionDeclaration' || parent.type === 'FunctionExpression') && (parent.id === n || (parent.params as Node[]).indexOf(n) >= 0)) return;
      read.add(n.name as string);
    });
  }
  return read;
}

/**
 * `code` without the methods nothing in it names, and without the classes left with no use but their own method
 * definitions; the names removed (`Class.method`, or `Class` for a whole class).
 */
export function pruneUnused(code: string): { code: string; removed: string[] } {
  const removed: string[] = [];
  for (;;) {
    const ast = parse(code, { ecmaVersion: 5 }) as unknown as Node;
    const declared = (ast.body as Node[]).filter((s) => s.type === 'FunctionDeclaration');
    const classes = new Set(declared.map((s) => (s.id as Node).name as string));
    const defs: Definition[] = [];
    walk(ast, (n) => {
      const d = definition(n, classes);
      if (d) defs.push(d);
    });
    const props = propertiesUsed(ast, new Set(defs.map((d) => d.key)));
    const cut: { start: number; end: number; what: string }[] = [];
    for (const d of defs) if (!props.has(d.name) && CALLED_BY_THE_RUNTIME.indexOf(d.name) < 0) cut.push({ start: d.s.start, end: d.s.end, what: d.owner + '.' + d.name });
    // A function (a class among them) that nothing reads but its own declaration, method definitions and alias goes
    // whole, so that what only it read can go in the next round. flatten.ts leaves `var X = X2;` where a class was:
    // X2's own statement, and reading X reads X2.
    const ownerOf = new Map<Node, string>();
    for (const f of declared) ownerOf.set(f, (f.id as Node).name as string);
    for (const d of defs) ownerOf.set(d.s, d.owner);
    const aliases: { alias: string; of: string; s: Node }[] = [];
    for (const st of ast.body as Node[]) {
      const d = st.type === 'VariableDeclaration' && (st.declarations as Node[]).length === 1 ? (st.declarations as Node[])[0] : null;
      const init = d ? (d.init as Node | null) : null;
      if (d && init && init.type === 'Identifier' && classes.has(init.name as string)) {
        ownerOf.set(st, init.name as string);
        aliases.push({ alias: (d.id as Node).name as string, of: init.name as string, s: st });
      }
    }
    const read = readByOthers(ast, ownerOf);
    for (const a of aliases) if (read.has(a.alias)) read.add(a.of);
    for (const f of declared) {
      const name = (f.id as Node).name as string;
      if (read.has(name)) continue;
      const mine = defs.filter((d) => d.owner === name);
      const alias = aliases.filter((a) => a.of === name);
      cut.push({ start: f.start, end: f.end, what: mine.length || alias.length ? name : '' });
      for (const a of alias) cut.push({ start: a.s.start, end: a.s.end, what: '' });
      for (const d of mine) if (!cut.some((c) => c.start === d.s.start)) cut.push({ start: d.s.start, end: d.s.end, what: '' });
    }
    if (!cut.length) return { code, removed };
    cut.sort((a, b) => b.start - a.start);
    for (const c of cut) {
      code = code.slice(0, c.start) + code.slice(c.end);
      if (c.what) removed.push(c.what);
    }
  }
}

if (process.argv[1]?.endsWith('prune.js') && process.argv[3]) {
  try {
    const p = pruneUnused(readFileSync(process.argv[2], 'utf8'));
    writeFileSync(process.argv[3], p.code);
    for (const r of p.removed) console.log(r);
  } catch (e) {
    console.error(`prune: ${(e as Error).message}`);
    process.exit(1);
  }
}
