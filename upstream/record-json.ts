// Stored records as JSON for people and programs: the decoded payload (bytes as hex) next to the record's hash and
// its COSE bytes (base64), so a reader can check any value against the signed original.
import { parseCose } from '../firmware/records/cose.js';
import { decodePayload } from '../firmware/records/record.js';
import { toHex } from '../hal/hex.js';
import type { StoredRecord } from './store.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** A decoded payload value as JSON: byte strings as lower-case hex. */
function json(v: unknown): JsonValue {
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(json);
  if (v && typeof v === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = json(x);
    return out;
  }
  return v as JsonValue;
}

export interface RecordJson {
  device: string;
  seq: number;
  kind: string;
  /** SHA-256 of the COSE bytes, hex. */
  hash: string;
  alg: number;
  /** Device time as ISO 8601 (UTC). */
  time: string;
  receivedAt: string;
  payload: JsonValue;
  cose: string;
  /** Scans the ingest re-judged (the device could not check their seal or originality): its verdict and reasons. */
  upstream?: { verdict: string; reasons: string[] };
}

/** The JSON form of a stored (already verified) record. */
export function recordJson(r: StoredRecord): RecordJson {
  const msg = parseCose(r.bytes);
  const payload = decodePayload(msg.payload);
  const out: RecordJson = {
    device: r.device,
    seq: r.seq,
    kind: r.kind,
    hash: r.hash,
    alg: msg.alg,
    time: new Date(payload.time).toISOString(),
    receivedAt: new Date(r.receivedAt).toISOString(),
    payload: json(payload),
    cose: Buffer.from(r.bytes).toString('base64'),
  };
  // Beside the payload, not in it: the payload is what the device signed, this is the ingest's own judgement.
  if (r.upstream) out.upstream = { verdict: r.upstream.verdict, reasons: r.upstream.reasons };
  return out;
}
