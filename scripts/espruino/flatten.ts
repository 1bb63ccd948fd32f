// Moves each class out of the function TypeScript wraps it in, into the bundle's own scope. Espruino keeps the scope
// chain of a function defined two scopes deep as an array: an array and one element per scope, 3 variables more for
// every method of a class compiled to ES5 (`var X = (function () { function X2() {} X2.prototype.m = ...; return
// X2; }())`) than for a function one scope deep (measured on 2v29: 100 methods from Storage, 516 variables one scope
// deep, 818 two deep), and the class's function scope stays alive besides.
//
// `node dist/scripts/espruino/flatten.js BUNDLE OUT`: writes BUNDLE flattened to OUT and prints `moved N, kept M`.
import { parse } from 'acorn';
import { readFileSync, writeFileSync } from 'node:fs';

export interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (v: unknown): v is Node => !!v && typeof (v as Node).type === 'string';

/** Calls `visit` on every node under `node` with its parent; `skip` returning true keeps it out of a subtree. */
export function walk(node: Node, visit: (n: Node, parent: Node | null) => void, skip?: (n: Node) => boolean, parent: Node | null = null): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    const v = node[key];
    const children = Array.isArray(v) ? v : [v];
    for (const c of children) if (isNode(c) && !(skip && skip(c))) walk(c, visit, skip, node);
  }
}

const isFunction = (n: Node) => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression';

/** An identifier that names a variable (not a property name after a dot or an object literal's key). */
export function isReference(n: Node, parent: Node | null): boolean {
  if (n.type !== 'Identifier' || !parent) return n.type === 'Identifier';
  if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return false;
  if (parent.type === 'Property' && parent.key === n && !parent.computed) return false;
  return true;
}

/** Names declared in a function's own scope: its function declarations and vars (blocks included), not deeper. */
function declaredIn(body: Node[]): string[] {
  const out: string[] = [];
  for (const s of body) {
    if (s.type === 'FunctionDeclaration') {
      out.push((s.id as Node & { name: string }).name);
      continue;
    }
    walk(
      s,
      (n) => {
        if (n.type === 'FunctionDeclaration') out.push((n.id as Node & { name: string }).name);
        if (n.type === 'VariableDeclarator') out.push((n.id as Node & { name: string }).name);
      },
      (n) => isFunction(n),
    );
  }
  return out;
}

/**
 * The bundle (esbuild's `(function() { ... })();`) with every `var X = (function (P?) { ...; return Y; }(A?));` at
 * its top level that can be moved written as `var P2 = A; ...; var X = Y;` in place. A class stays where it is when a
 * name its function declares is used anywhere else in the bundle, when it returns from anywhere but its last
 * statement, reads its own `this` or `arguments`, or when a function inside it declares its parameter's name again.
 */
export function flattenClasses(bundle: string): { code: string; moved: number; kept: number } {
  const ast = parse(bundle, { ecmaVersion: 5, ranges: false }) as unknown as Node;
  // After a "use strict" directive, if any.
  const top = (ast.body as Node[]).filter((s) => !(s.type === 'ExpressionStatement' && (s.expression as Node).type === 'Literal'))[0];
  const call = top && top.type === 'ExpressionStatement' ? (top.expression as Node) : undefined;
  const fn = call && call.type === 'CallExpression' ? (call.callee as Node) : undefined;
  if (!fn || fn.type !== 'FunctionExpression') throw new Error('flattenClasses: the bundle is not one function expression called once');
  // Where each name is used as a variable, anywhere.
  const uses = new Map<string, number[]>();
  walk(ast, (n, parent) => {
    if (n.type === 'Identifier' && isReference(n, parent)) {
      const name = (n as Node & { name: string }).name;
      if (!uses.has(name)) uses.set(name, []);
      uses.get(name)!.push(n.start);
    }
  });
  const taken = new Set(uses.keys());
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let moved = 0;
  let kept = 0;
  for (const stmt of (fn.body as Node).body as Node[]) {
    if (stmt.type !== 'VariableDeclaration' || (stmt.declarations as Node[]).length !== 1) continue;
    const decl = (stmt.declarations as Node[])[0];
    const init = decl.init as Node | null;
    if (!init || init.type !== 'CallExpression') continue;
    const iife = init.callee as Node;
    if (iife.type !== 'FunctionExpression' || iife.id) continue;
    const params = iife.params as Array<Node & { name: string }>;
    const args = init.arguments as Node[];
    const body = (iife.body as Node).body as Node[];
    const last = body[body.length - 1];
    if (params.length !== args.length || params.length > 1 || !last || last.type !== 'ReturnStatement' || !last.argument) continue;
    // The class's own names must be used nowhere outside it; its only return is the last statement.
    const name = (decl.id as Node & { name: string }).name;
    const own = declaredIn(body);
    let ok = own.every((n) => n === name || (uses.get(n) || []).every((at) => at >= iife.start && at < iife.end));
    // Nor may it read `this` or `arguments` of its own function, which would become the bundle's.
    walk(iife.body as Node, (n) => {
      if ((n.type === 'ReturnStatement' && n !== last) || n.type === 'ThisExpression' || (n.type === 'Identifier' && (n as Node & { name: string }).name === 'arguments')) ok = false;
    }, isFunction);
    const renames: Array<{ start: number; end: number; text: string }> = [];
    let prelude = '';
    if (ok && params.length === 1) {
      const p = params[0].name;
      // A fresh name for the parameter (`_super`), unless a function inside declares it again.
      walk(iife.body as Node, (n) => {
        if (isFunction(n) && ((n.params as Array<Node & { name: string }>).some((q) => q.name === p) || declaredIn(((n.body as Node).body as Node[])).includes(p))) ok = false;
      });
      let fresh = p + '_' + name;
      while (taken.has(fresh)) fresh += '_';
      taken.add(fresh);
      walk(iife.body as Node, (n, parent) => {
        if (n.type === 'Identifier' && (n as Node & { name: string }).name === p && isReference(n, parent)) renames.push({ start: n.start, end: n.end, text: fresh });
      });
      prelude = 'var ' + fresh + ' = ' + bundle.slice(args[0].start, args[0].end) + ';\n';
    }
    if (!ok) {
      kept++;
      continue;
    }
    const from = body[0].start;
    let text = '';
    let at = from;
    for (const r of renames.sort((a, b) => a.start - b.start)) {
      if (r.start >= last.start) break;
      text += bundle.slice(at, r.start) + r.text;
      at = r.end;
    }
    text += bundle.slice(at, last.start);
    const ret = last.argument as Node;
    const value = bundle.slice(ret.start, ret.end);
    const tail = ret.type === 'Identifier' && value === name ? '' : 'var ' + name + ' = ' + value + ';';
    edits.push({ start: stmt.start, end: stmt.end, text: prelude + text + tail });
    moved++;
  }
  let code = bundle;
  for (const e of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return { code, moved, kept };
}

if (process.argv[1]?.endsWith('flatten.js') && process.argv[3]) {
  try {
    const f = flattenClasses(readFileSync(process.argv[2], 'utf8'));
    writeFileSync(process.argv[3], f.code);
    console.log(`moved ${f.moved}, kept ${f.kept}`);
  } catch (e) {
    console.error(`flatten: ${(e as Error).message}`);
    process.exit(1);
  }
}
