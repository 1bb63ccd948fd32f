// sealscan export: the ingest's accepted records from its SQLite file, as COSE (for `sealscan verify`), EPCIS 2.0
// or decoded JSON, written page by page: memory stays at one page whatever the size of the store.
import { closeSync, createReadStream, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { commandArgs, usageError } from '../command-args.js';
import { cborHead, EXPORT_FORMATS, FIRST, readPage, renderDocument, type ExportFormat } from '../../upstream/export.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import type { ExportCursor, IngestStore } from '../../upstream/store.js';
import { isPostgresUrl, PgStore } from '../../upstream/pg-store.js';

const USAGE = `usage: sealscan export --db FILE|postgres://… --format cose|epcis|json [--device ID] --out FILE

Writes the records the ingest accepted (held, forked and refused records are not part of a chain and stay out):
  cose   a CBOR array of the COSE records as byte strings, ordered by device and seq: what \`sealscan verify\` reads
  epcis  an EPCIS 2.0 JSON-LD document, one ObjectEvent per scan record (mapping in docs/ingest-api.md)
  json   the records with their payloads decoded

  --db FILE      the ingest's SQLite database, or its PostgreSQL URL (postgres://USER:PASSWORD@HOST/DB)
  --device ID    only this device
  --out FILE     where to write (replaced atomically; "-" for standard output)

exit status: 0 written, 2 usage error or unreadable database`;

const PAGE = 5000;

/** Every page of the export, one after another. */
async function* pages(store: IngestStore, device: string | undefined) {
  let after: ExportCursor | null = FIRST;
  while (after) {
    const page = await readPage(store, after, PAGE, device);
    yield page;
    after = page.next;
  }
}

/**
 * Writes the export to `fd`. json and epcis are one document whose records arrive page by page; cose needs the
 * record count in the array's head before the records, so the records go to `spill` first, then head and records
 * to `fd`.
 */
async function write(store: IngestStore, format: ExportFormat, device: string | undefined, fd: number, spill: string): Promise<number> {
  let count = 0;
  if (format === 'cose') {
    const s = openSync(spill, 'w', 0o600);
    try {
      for await (const page of pages(store, device)) {
        for (const r of page.records) {
          writeSync(s, cborHead(2, r.bytes.length));
          writeSync(s, r.bytes);
        }
        count += page.records.length;
      }
    } finally {
      closeSync(s);
    }
    writeSync(fd, cborHead(4, count));
    await pipeline(createReadStream(spill), createWriteStream('', { fd, autoClose: false }));
    return count;
  }
  async function* records() {
    for await (const page of pages(store, device)) {
      count += page.records.length;
      yield page.records;
    }
  }
  for await (const piece of renderDocument(store, format, records())) writeSync(fd, piece);
  return count;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('export', USAGE, args, { db: { type: 'string' }, format: { type: 'string' }, device: { type: 'string' }, out: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  if (!v.db) return usageError('export', USAGE, '--db FILE is required');
  if (!v.format || !EXPORT_FORMATS.includes(v.format as ExportFormat)) return usageError('export', USAGE, `--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!v.out) return usageError('export', USAGE, '--out FILE is required');
  const pg = isPostgresUrl(v.db);
  if (!pg && !existsSync(v.db)) return usageError('export', USAGE, `--db ${v.db} does not exist`);
  const format = v.format as ExportFormat;
  let store: IngestStore | undefined;
  const tmp = v.out === '-' ? undefined : v.out + '.tmp';
  const spill = (tmp ?? `${process.env.TMPDIR ?? '/tmp'}/sealscan-export-${process.pid}`) + '.records';
  try {
    store = pg ? await PgStore.open(v.db) : new SqliteStore(v.db);
    if (v.device !== undefined && !(await store.device(v.device))) throw new Error(`no device ${JSON.stringify(v.device)} in ${pg ? 'the database' : v.db}`);
    const fd = tmp ? openSync(tmp, 'w') : 1;
    let count: number;
    try {
      count = await write(store, format, v.device, fd, spill);
    } finally {
      if (tmp) closeSync(fd);
    }
    if (tmp) {
      renameSync(tmp, v.out);
      console.error(`sealscan export: ${count} records as ${format} written to ${v.out}`);
    }
    return 0;
  } catch (e) {
    if (tmp) rmSync(tmp, { force: true });
    console.error(`sealscan export: ${(e as Error).message}`);
    return 2;
  } finally {
    rmSync(spill, { force: true });
    await store?.close();
  }
}
