// Exports of the stored records, for `sealscan export` and GET /v1/export: cose (exactly what `sealscan verify`
// reads), epcis (an EPCIS 2.0 document of the scans) and json (decoded records).
import { encodeCbor } from '../firmware/records/cbor.js';
import { epcisDocument, scanEvent, type EpcisEvent } from './epcis.js';
import { recordJson, type RecordJson } from './record-json.js';
import type { DeviceRow, IngestStore } from './store.js';

export type ExportFormat = 'cose' | 'epcis' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['cose', 'epcis', 'json'];

export const CONTENT_TYPES: { [F in ExportFormat]: string } = {
  cose: 'application/cbor',
  epcis: 'application/ld+json',
  json: 'application/json',
};

const BATCH = 1000;

/**
 * The export of every accepted record (of `device`, or of all devices ordered by device then seq) in `format`.
 * Only accepted records: held, forked and refused ones are evidence in the store, not part of a device's chain, so
 * a cose export of an intact device verifies with `sealscan verify`.
 */
export async function exportRecords(store: IngestStore, format: ExportFormat, device?: string): Promise<Uint8Array> {
  if (format === 'cose') {
    const all: Uint8Array[] = [];
    for await (const batch of store.exportRecords(device, BATCH)) for (const r of batch) all.push(r.bytes);
    return encodeCbor(all);
  }
  if (format === 'json') {
    const records: RecordJson[] = [];
    for await (const batch of store.exportRecords(device, BATCH)) for (const r of batch) records.push(recordJson(r));
    return Buffer.from(JSON.stringify({ format: 'sealscan-records/1', records }, null, 1));
  }
  const devices = new Map<string, DeviceRow>();
  for (const d of await store.devices()) devices.set(d.id, d);
  const events: EpcisEvent[] = [];
  for await (const batch of store.exportRecords(device, BATCH)) {
    for (const r of batch) {
      const ev = scanEvent(r, devices.get(r.device));
      if (ev) events.push(ev);
    }
  }
  return Buffer.from(JSON.stringify(epcisDocument(events, new Date()), null, 1));
}
