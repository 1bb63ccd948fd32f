// sealscan export: the ingest's accepted records from its SQLite file, as COSE (for `sealscan verify`), EPCIS 2.0
// or decoded JSON.
import { parseArgs } from 'node:util';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportRecords, type ExportFormat } from '../../upstream/export.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';

const USAGE = `usage: sealscan export --db FILE --format cose|epcis|json [--device ID] --out FILE

Writes the records the ingest accepted (held, forked and refused records are not part of a chain and stay out):
  cose   a CBOR array of the COSE records as byte strings, ordered by device and seq: what \`sealscan verify\` reads
  epcis  an EPCIS 2.0 JSON-LD document, one ObjectEvent per scan record (mapping in docs/ingest-api.md)
  json   the records with their payloads decoded

  --db FILE      the ingest's SQLite database
  --device ID    only this device
  --out FILE     where to write (replaced atomically; "-" for standard output)

exit status: 0 written, 2 usage error or unreadable database`;

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let v: { db: string; format: ExportFormat; device?: string; out: string };
  try {
    const { values } = parseArgs({ args, options: { db: { type: 'string' }, format: { type: 'string' }, device: { type: 'string' }, out: { type: 'string' } } });
    if (!values.db) throw new Error('--db FILE is required');
    if (!values.format || !EXPORT_FORMATS.includes(values.format as ExportFormat)) throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (!values.out) throw new Error('--out FILE is required');
    if (!existsSync(values.db)) throw new Error(`${values.db} does not exist`);
    v = { db: values.db, format: values.format as ExportFormat, device: values.device, out: values.out };
  } catch (e) {
    console.error(`sealscan export: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let store: SqliteStore | undefined;
  try {
    store = new SqliteStore(v.db);
    if (v.device !== undefined && !(await store.device(v.device))) throw new Error(`no device ${JSON.stringify(v.device)} in ${v.db}`);
    const bytes = await exportRecords(store, v.format, v.device);
    if (v.out === '-') process.stdout.write(bytes);
    else {
      writeFileSync(v.out + '.tmp', bytes);
      renameSync(v.out + '.tmp', v.out);
      console.error(`sealscan export: ${bytes.length} bytes of ${v.format} written to ${v.out}`);
    }
    return 0;
  } catch (e) {
    console.error(`sealscan export: ${(e as Error).message}`);
    return 2;
  } finally {
    await store?.close();
  }
}
