// Temporary folders for tests, named sealscan-<what>-XXXXXX in os.tmpdir() and removed when the test process exits,
// however the file ends (all passed, a failed assertion, process.exit). scripts/run-tests.mjs gives each file its
// own TMPDIR and reports whatever is still there afterwards, so a folder made without this helper must be removed
// by the test that made it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A new empty folder `sealscan-<what>-XXXXXX` in the system temp folder, removed at process exit. */
export function tempDir(what: string): string {
  if (made.length === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(join(tmpdir(), `sealscan-${what}-`));
  made.push(dir);
  return dir;
}
