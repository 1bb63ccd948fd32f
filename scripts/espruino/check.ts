// What an Espruino image must be, checked on the minified text: ES5 that acorn parses, no array holes (a syntax error
// on Espruino, reported only when the function first runs), and in every scope the function declarations before any
// other statement (Espruino does not hoist them), save a `var` of literals or of names not declared in that scope
// (the image's aliases of built-ins), which calls nothing. `node dist/scripts/espruino/check.js FILE` prints each
// problem; it reads the image pretokenised or plain.
import { parse } from 'acorn';
import { readFileSync } from 'node:fs';
import { detokenise, isPretokenised, TokenError } from '../../sim/espruino/tokens.js';
import { type Node, walk } from './flatten.js';

/**
 * A `var` whose values are literals or names from outside the scope (the image's aliases of built-ins) calls nothing
 * and reads no function declared later, so it may go before the declarations.
 */
function callsNothing(s: Node, declared: Set<string>): boolean {
  return s.type === 'VariableDeclaration' && (s.declarations as Node[]).every((d) => {
    const init = d.init as Node | null;
    return !init || init.type === 'Literal' || (init.type === 'Identifier' && !declared.has(init.name as string));
  });
}

/** Problems with `code` as an Espruino image, each with its offset; empty when it is fine. */
export function checkEspruinoSource(code: string): string[] {
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 5, sourceType: 'script' }) as unknown as Node;
  } catch (e) {
    return [`not ES5: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  walk(ast, (n) => {
    if (n.type === 'ArrayExpression' && (n.elements as unknown[]).some((e) => e === null)) problems.push(`array hole at ${n.start}: ${code.slice(n.start, n.start + 40)}`);
    const body = n.type === 'Program' ? (n.body as Node[]) : n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' ? ((n.body as Node).body as Node[]) : null;
    if (!body) return;
    let other = false;
    const declared = new Set(body.filter((s) => s.type === 'FunctionDeclaration').map((s) => (s.id as { name: string }).name));
    for (const s of body) {
      const directive = (s.type === 'ExpressionStatement' && typeof s.directive === 'string') || callsNothing(s, declared);
      if (s.type === 'FunctionDeclaration') {
        if (other) problems.push(`function ${(s.id as { name: string }).name} declared after other statements at ${s.start} (Espruino does not hoist)`);
      } else if (!directive) other = true;
    }
  });
  return problems;
}

if (process.argv[1]?.endsWith('check.js') && process.argv[2]) {
  // The image is pretokenised (sim/espruino/tokens.ts): checked as the interpreter's lexer reads it.
  const source = readFileSync(process.argv[2], 'latin1');
  let problems: string[];
  try {
    problems = checkEspruinoSource(isPretokenised(source) ? detokenise(source) : source);
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    problems = [`not Espruino source: ${e.message}`];
  }
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problem(s)` : 'ok');
  process.exit(problems.length ? 1 : 0);
}
