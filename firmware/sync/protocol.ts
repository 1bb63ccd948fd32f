// The wire format between the sync worker and the ingest (docs/ingest-api.md): the request body is a CBOR array of
// byte strings, each one complete COSE record; the answer is JSON with a cumulative ack per device. The answer
// comes from the network, so it is read defensively: anything unexpected is a typed failure, never an exception.
import { decodeUtf8 } from '../records/utf8.js';

export const RECORDS_PATH = '/v1/records';
export const CBOR_CONTENT_TYPE = 'application/cbor';

/** One record the ingest refused, as it reports it. */
export interface RecordReject {
  seq: number | null;
  /** Stable code: bad-signature, fork, undeclared-gap, unknown-device, chain-break, ... (docs/ingest-api.md). */
  reason: string;
  /** True when sending the same bytes again cannot succeed until someone acts (registration, a device fault). */
  permanent: boolean;
  message: string;
}

/** What the ingest says about one device after a POST /v1/records. */
export interface DeviceAck {
  /** Every seq up to this one is stored (or declared lost by the device); -1 when none is. */
  ackedThrough: number;
  /** SHA-256 (hex) of the newest stored record at or below ackedThrough; null when none is. */
  ackedHash: string | null;
  accepted: number;
  duplicates: number;
  rejected: RecordReject[];
}

/** A record of the request that the ingest could not even attribute to a device (index into the request). */
export interface MalformedRecord {
  index: number;
  reason: string;
  message: string;
}

export type AckParse = { ok: true; device: DeviceAck | undefined; malformed: MalformedRecord[] } | { ok: false; message: string };

/** A request body and where each record sits in it. */
export interface EncodedBatch {
  body: Uint8Array;
  /** Byte offset of record i's COSE bytes in `body`. */
  offsets: number[];
  lengths: number[];
}

/** Size of a CBOR head whose argument is `n` (RFC 8949 §3: shortest form). */
function headSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

function writeHead(out: Uint8Array, at: number, major: number, n: number): number {
  const size = headSize(n);
  const m = major << 5;
  if (size === 1) out[at] = m | n;
  else {
    out[at] = m | (size === 2 ? 24 : size === 3 ? 25 : 26);
    for (let i = size - 1; i >= 1; i--) {
      out[at + i] = n & 0xff;
      n = Math.floor(n / 256);
    }
  }
  return at + size;
}

/**
 * The request body for `records`: the deterministic CBOR array of byte strings (what encodeCbor(records) gives),
 * written into one buffer of the exact size, since a batch can be a large part of a small device's heap. The
 * records are copied: the caller's buffers may be reused once this returns.
 */
export function encodeBatch(records: Uint8Array[]): EncodedBatch {
  let size = headSize(records.length);
  for (let i = 0; i < records.length; i++) size += headSize(records[i].length) + records[i].length;
  const body = new Uint8Array(size);
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = writeHead(body, 0, 4, records.length);
  for (let i = 0; i < records.length; i++) {
    at = writeHead(body, at, 2, records[i].length);
    body.set(records[i], at);
    offsets.push(at);
    lengths.push(records[i].length);
    at += records[i].length;
  }
  return { body: body, offsets: offsets, lengths: lengths };
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && isFinite(v) && Math.floor(v) === v;
}

function readReject(v: unknown): RecordReject | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { [k: string]: unknown };
  if (typeof o.reason !== 'string' || typeof o.permanent !== 'boolean') return undefined;
  return {
    seq: isInt(o.seq) ? o.seq : null,
    reason: o.reason,
    permanent: o.permanent,
    message: typeof o.message === 'string' ? o.message : '',
  };
}

/** Reads the JSON answer of a 200 for device `device`. */
export function parseAck(body: Uint8Array, device: string): AckParse {
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(body, 0, body.length));
  } catch (e) {
    return { ok: false, message: 'answer is not JSON' };
  }
  if (!json || typeof json !== 'object') return { ok: false, message: 'answer is not a JSON object' };
  const top = json as { [k: string]: unknown };
  const devices = top.devices;
  if (!devices || typeof devices !== 'object') return { ok: false, message: 'answer has no "devices" object' };
  const malformed: MalformedRecord[] = [];
  if (Array.isArray(top.malformed)) {
    for (let i = 0; i < top.malformed.length; i++) {
      const m = top.malformed[i] as { [k: string]: unknown };
      if (m && isInt(m.index)) malformed.push({ index: m.index, reason: String(m.reason), message: String(m.message) });
    }
  }
  // Own properties only: a device id such as "constructor" must not find Object.prototype's.
  const own = Object.keys(devices).indexOf(device) >= 0 ? (devices as { [k: string]: unknown })[device] : undefined;
  if (own === undefined) return { ok: true, device: undefined, malformed: malformed };
  const d = own as { [k: string]: unknown };
  if (!d || typeof d !== 'object' || !isInt(d.ackedThrough) || d.ackedThrough < -1) {
    return { ok: false, message: 'answer for ' + device + ' has no integer ackedThrough' };
  }
  const rejected: RecordReject[] = [];
  if (Array.isArray(d.rejected)) {
    for (let i = 0; i < d.rejected.length; i++) {
      const r = readReject(d.rejected[i]);
      if (r) rejected.push(r);
    }
  }
  return {
    ok: true,
    device: {
      ackedThrough: d.ackedThrough,
      ackedHash: typeof d.ackedHash === 'string' ? d.ackedHash : null,
      accepted: isInt(d.accepted) ? d.accepted : 0,
      duplicates: isInt(d.duplicates) ? d.duplicates : 0,
      rejected: rejected,
    },
    malformed: malformed,
  };
}

/** The `error` of a JSON error answer ({ "error": { "code", "message" } }), for status and logs. */
export function errorOf(body: Uint8Array): { code: string; message: string } | undefined {
  try {
    const j = JSON.parse(decodeUtf8(body, 0, body.length)) as { error?: { code?: unknown; message?: unknown } };
    if (j && j.error && typeof j.error.code === 'string') return { code: j.error.code, message: typeof j.error.message === 'string' ? j.error.message : '' };
  } catch (e) {
    // Not JSON: the caller reports the status alone.
  }
  return undefined;
}
