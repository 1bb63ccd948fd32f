// sealscan trace: one package's story from the ingest's SQLite file (docs/closed-loop.md), the same answer as
// GET /v1/packages/{id}.
import { commandArgs, usageError } from '../command-args.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { packageAnswer } from '../../upstream/routes.js';
import { ApiError } from '../../upstream/http-util.js';

const USAGE = `usage: sealscan trace ID --db FILE [--json]

A package's story at the ingest: its timeline across devices and sites (commission and scans, by device and seq),
its current state (commissioned, in-transit, at-site, dispensed, exported, destroyed), the verdicts seen and its
alerts. Reads the ingest's database directly (as sealscan export does; the API answers the same at
GET /v1/packages/{id}).

  ID          a GS1 Digital Link with GTIN and serial (any domain), or a tag UID in hex (every package that tag
              was seen as)
  --db FILE   the ingest's SQLite database
  --json      the answer as JSON

exit status: 0 found, 1 no record names the package, 2 usage error or unreadable database`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('trace', USAGE, args, { db: { type: 'string' }, json: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const id = parsed.positionals[0];
  if (!id || parsed.positionals.length > 1) return usageError('trace', USAGE, 'name one package');
  if (!parsed.values.db) return usageError('trace', USAGE, '--db is required');
  let store: SqliteStore;
  try {
    store = new SqliteStore(parsed.values.db);
  } catch (e) {
    console.error(`sealscan trace: cannot open ${parsed.values.db}: ${(e as Error).message}`);
    return 2;
  }
  try {
    const answer = await packageAnswer(store, id);
    if (!answer) {
      console.error(`sealscan trace: no scan or commission record names ${id}`);
      return 1;
    }
    if (parsed.values.json) {
      console.log(JSON.stringify(answer, null, 2));
      return 0;
    }
    for (const p of answer.packages) {
      console.log(`${p.package}\n  state ${p.state} at ${p.site}; tag(s) ${p.uids.join(', ')}; verdicts ${JSON.stringify(p.verdicts)}`);
      console.log(`  ${p.commissioned ? `commissioned by ${p.commissioned.device} seq ${p.commissioned.seq} at ${p.commissioned.site}, ${p.commissioned.time}` : 'never commissioned'}`);
      for (const e of p.timeline) console.log(`  ${e.time}  ${e.step.padEnd(13)} ${e.site.padEnd(16)} ${e.device} seq ${e.seq}  uid ${e.uid}${e.verdict ? '  ' + e.verdict : ''}`);
      for (const a of p.alerts) console.log(`  ALERT ${a.severity} ${a.rule}${a.ackedAt ? ' (acknowledged)' : ''}: ${a.message}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ApiError) return usageError('trace', USAGE, e.message);
    throw e;
  } finally {
    await store.close();
  }
}
