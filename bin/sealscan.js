#!/usr/bin/env node
// The one command-line entry. The TypeScript is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
const cli = new URL('../dist/scripts/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('sealscan: dist/ is missing; run `npm install` (or `npm run build`) in the sealscan folder first.');
  process.exit(2);
}
const { main } = await import(cli.href);
// A command that returns is done: exit even if a timer it no longer needs (a sync back-off, say) is still pending.
// Long-running commands (sim, ingest, run on a Pi) never return.
process.exit(await main(process.argv.slice(2)));
