// Preloaded by scripts/run-tests.mjs (node --import) into every test file's process: makes uvu print each error
// thrown in a hook (before, after, before.each, after.each) as a "HOOK ERROR" block the runner counts.
//
// Why: uvu 0.5's runner() calls the before hooks inside `try { ... } finally { ...; return [...] }`, and a return
// in a finally block discards the exception in flight. A before hook that throws therefore leaves only "Total: 1,
// Passed: 0" and no message; an after.each hook that throws after a failed test loses both errors the same way.
//
// How: a module customization hook (node:module register) serves a stand-in for uvu's ES module entry that
// re-exports the real one (imported under a "?real" URL) with every hook registration wrapped: the wrapper prints
// the error and rethrows it, so uvu goes on exactly as before. Test files and uvu stay untouched, and a test file
// run on its own with plain `node` behaves as it always did.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// In the test's main thread this file is the --import preload; in the loader thread it is the hooks module.
if (isMainThread) register(import.meta.url);

const UVU_ENTRY = /\/node_modules\/uvu\/dist\/index\.mjs$/;

/** Loader hook: the stand-in for uvu's entry module; everything else, including the real entry, loads as usual. */
export async function load(url, context, next) {
  if (!UVU_ENTRY.test(url)) return next(url, context);
  const source = [
    `import * as real from ${JSON.stringify(url + '?real')};`,
    `import { guardSuite } from ${JSON.stringify(import.meta.url)};`,
    'export const exec = real.exec;',
    'export const suite = (name, state) => guardSuite(real.suite(name, state), name);',
    'export const test = suite();',
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}

/** Prints a hook's error in a form the runner recognises and counts. */
function report(kind, suiteName, error) {
  const where = suiteName ? ` in suite "${suiteName}"` : '';
  const text = error instanceof Error ? error.stack ?? String(error) : String(error);
  process.stderr.write(`HOOK ERROR (${kind})${where}: ${text.split('\n').join('\n    ')}\n`);
}

function guard(kind, suiteName, fn) {
  return async (state) => {
    try {
      await fn(state);
    } catch (e) {
      report(kind, suiteName, e);
      throw e;
    }
  };
}

/** `t` (a uvu test function) with its before/after hooks and their .each forms wrapped by {@link guard}. */
export function guardSuite(t, suiteName) {
  for (const key of ['before', 'after']) {
    const add = t[key];
    const addEach = add.each;
    const wrapped = (fn) => add(guard(key, suiteName, fn));
    wrapped.each = (fn) => addEach(guard(`${key}.each`, suiteName, fn));
    t[key] = wrapped;
  }
  return t;
}
