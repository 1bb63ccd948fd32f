// Exports of the stored records, for `sealscan export` and GET /v1/export: cose (exactly what `sealscan verify`
// reads), epcis (an EPCIS 2.0 document of the scans) and json (decoded records). Records are read in short chunks
// and written piece by piece with a yield to the event loop every few milliseconds, so an export of any size
// neither holds memory beyond its page nor keeps uploads waiting.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { epcisDocument, recordEvent } from './epcis.js';
import { recordJson } from './record-json.js';
import type { DeviceRow, ExportCursor, IngestStore, StoredRecord } from './store.js';
import { isDeviceId } from '../hal/keys.js';

export type ExportFormat = 'cose' | 'epcis' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['cose', 'epcis', 'json'];

export const CONTENT_TYPES: { [F in ExportFormat]: string } = {
  cose: 'application/cbor',
  epcis: 'application/ld+json',
  json: 'application/json',
};

/** Records per page of GET /v1/export by default, and at most. */
export const DEFAULT_PAGE = 10000;
export const MAX_PAGE = 50000;

/** Records per store read: each read is one short query. */
const CHUNK = 500;
/** Longest stretch of export work between two yields to the event loop, ms. */
const SLICE_MS = 4;

export const FIRST: ExportCursor = { device: '', seq: -1 };

/** A cursor as text: `<device id>~<seq>` ('~' is no device-id character). */
export function formatCursor(c: ExportCursor): string {
  return `${c.device}~${c.seq}`;
}

/** The cursor in `text`, or undefined when it is not one. */
export function parseCursor(text: string): ExportCursor | undefined {
  const m = /^(.*)~(\d{1,15})$/.exec(text);
  return m && isDeviceId(m[1]) ? { device: m[1], seq: Number(m[2]) } : undefined;
}

/** Yields to the event loop when the current slice of work has run for SLICE_MS. */
class Slicer {
  private since = performance.now();
  async tick(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await yieldToLoop();
    this.since = performance.now();
  }
}

/** Accepted records after `after` (of `device` when given), `CHUNK` per read, until `limit` or the end. */
export async function* readRecords(store: IngestStore, after: ExportCursor, limit: number, device?: string): AsyncGenerator<StoredRecord[]> {
  let cursor = after;
  let left = limit;
  while (left > 0) {
    const rows = await store.exportPage(cursor, Math.min(CHUNK, left), device);
    if (!rows.length) return;
    yield rows;
    left -= rows.length;
    const last = rows[rows.length - 1];
    cursor = { device: last.device, seq: last.seq };
    if (rows.length < Math.min(CHUNK, left + rows.length)) return;
    await yieldToLoop();
  }
}

/** A page: up to `limit` records after `after`, and the cursor of the next page (null when this one ends the export). */
export async function readPage(store: IngestStore, after: ExportCursor, limit: number, device?: string): Promise<{ records: StoredRecord[]; next: ExportCursor | null }> {
  const records: StoredRecord[] = [];
  for await (const rows of readRecords(store, after, limit, device)) records.push(...rows);
  const last = records[records.length - 1];
  return { records, next: records.length === limit && last ? { device: last.device, seq: last.seq } : null };
}

/** Head of a CBOR array or byte string (RFC 8949, shortest form). */
export function cborHead(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

const text = (s: string) => Buffer.from(s, 'utf8');

/**
 * The pieces of one export document in `format` over `chunks` of records. cose: the CBOR array of the COSE
 * records as byte strings (`count`, the number of records the chunks hold, is required for its head); json:
 * `{"format": "sealscan-records/1", "next": <cursor or null>, "records": [...]}`; epcis: an EPCIS 2.0 document
 * (the next page's cursor travels in the HTTP header).
 */
export async function* renderDocument(store: IngestStore, format: ExportFormat, chunks: Iterable<StoredRecord[]> | AsyncIterable<StoredRecord[]>, o: { count?: number; next?: ExportCursor | null } = {}): AsyncGenerator<Uint8Array> {
  const slice = new Slicer();
  if (format === 'cose') {
    if (o.count === undefined) throw new TypeError('a cose export needs its record count up front');
    yield cborHead(4, o.count);
    let n = 0;
    for await (const rows of chunks) {
      for (const r of rows) {
        yield cborHead(2, r.bytes.length);
        yield r.bytes;
        await slice.tick();
      }
      n += rows.length;
    }
    if (n !== o.count) throw new Error(`export announced ${o.count} records and found ${n}`);
    return;
  }
  let first = true;
  const sep = () => {
    const s = first ? '\n' : ',\n';
    first = false;
    return s;
  };
  if (format === 'json') {
    yield text(`{"format":"sealscan-records/1","next":${JSON.stringify(o.next ? formatCursor(o.next) : null)},"records":[`);
    for await (const rows of chunks) {
      for (const r of rows) {
        yield text(sep() + JSON.stringify(recordJson(r)));
        await slice.tick();
      }
    }
    yield text('\n]}\n');
    return;
  }
  const devices = new Map<string, DeviceRow | undefined>();
  const [head, tail] = JSON.stringify(epcisDocument([], new Date())).split('"eventList":[]');
  yield text(head + '"eventList":[');
  for await (const rows of chunks) {
    const unknown = [...new Set(rows.map((r) => r.device))].filter((id) => !devices.has(id));
    if (unknown.length) {
      const found = await store.devicesByIds(unknown);
      for (const id of unknown) devices.set(id, found.get(id));
    }
    for (const r of rows) {
      const ev = recordEvent(r, devices.get(r.device));
      if (ev) yield text(sep() + JSON.stringify(ev));
      await slice.tick();
    }
  }
  yield text('\n]' + tail + '\n');
}

/**
 * A whole export of `format` in one buffer (every record of `device`, or of the store). For tests, scenarios and
 * small in-process stores only: the service and `sealscan export` write page by page instead.
 */
export async function collectExport(store: IngestStore, format: ExportFormat, device?: string): Promise<Uint8Array> {
  const records: StoredRecord[] = [];
  for await (const rows of readRecords(store, FIRST, Infinity, device)) records.push(...rows);
  const parts: Uint8Array[] = [];
  for await (const p of renderDocument(store, format, [records], { count: records.length })) parts.push(p);
  return Buffer.concat(parts);
}
