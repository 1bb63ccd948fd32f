// sealscan alerts: the closed-loop alerts in the ingest's SQLite file; --rescan rebuilds the package index from
// every accepted record and runs every rule again (docs/closed-loop.md), with the same result as live evaluation.
import { commandArgs, usageError } from '../command-args.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { rescan } from '../../upstream/closed-loop.js';
import { alertJson } from '../../upstream/routes.js';
import { nodeSha256 } from '../../hal/node/crypto.js';

const USAGE = `usage: sealscan alerts --db FILE [--rescan [--max-speed-kmh N]] [--state open|acked|all] [--json]

Lists the alerts the ingest's rules raised (the API: GET /v1/alerts, POST /v1/alerts/{id}/ack).

  --db FILE          the ingest's SQLite database (stop the ingest first for --rescan, or run it on a copy)
  --migrate          bring an older database up to this schema version first (back it up)
  --rescan           index every accepted record again and run every rule over every package: finds old cases
                     for a rule added later, and indexes records stored before schema version 4
  --max-speed-kmh N  fastest a package can travel between two sites [900]; use the ingest's setting
  --state S          which alerts to list: open (default), acked, all
  --json             the alerts as JSON

exit status: 0 no open alert, 1 open alerts listed, 2 usage error or unreadable database`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('alerts', USAGE, args, {
    db: { type: 'string' }, rescan: { type: 'boolean' }, 'max-speed-kmh': { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' }, migrate: { type: 'boolean' },
  });
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  if (!v.db) return usageError('alerts', USAGE, '--db is required');
  const state = v.state ?? 'open';
  if (state !== 'open' && state !== 'acked' && state !== 'all') return usageError('alerts', USAGE, '--state must be open, acked or all');
  const maxSpeedKmh = v['max-speed-kmh'] === undefined ? undefined : Number(v['max-speed-kmh']);
  if (maxSpeedKmh !== undefined && !(maxSpeedKmh > 0 && maxSpeedKmh <= 100000)) return usageError('alerts', USAGE, '--max-speed-kmh must be a number of km/h from above 0 to 100000');
  let store: SqliteStore;
  try {
    store = new SqliteStore(v.db, { migrate: !!v.migrate });
  } catch (e) {
    console.error(`sealscan alerts: cannot open ${v.db}: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (v.rescan) {
      const r = await rescan(store, { sha256: nodeSha256 }, { maxSpeedKmh }, Date.now());
      if (!v.json) console.log(`rescanned ${r.records} records: ${r.packages} packages, ${r.alerts.length} alerts`);
    }
    const alerts = (await store.alerts({ state, limit: 100000 })).map(alertJson);
    if (v.json) console.log(JSON.stringify({ alerts }, null, 2));
    else for (const a of alerts) console.log(`${a.severity.padEnd(8)} ${a.rule.padEnd(19)} ${a.message}\n         evidence ${a.evidence.map((e) => `${e.device}#${e.seq}`).join(', ')}${a.ackedAt ? `; acknowledged by ${a.ackedBy}` : ''}\n         id ${a.id}`);
    return alerts.some((a) => a.ackedAt === null) ? 1 : 0;
  } finally {
    await store.close();
  }
}
