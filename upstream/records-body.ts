// The body of POST /v1/records: one deterministic CBOR array whose elements are byte strings, each a complete COSE
// record. Checked here as a whole (400/413 naming the byte or element); each record is judged later on its own.
import { CborError, decodeCbor } from '../firmware/records/cbor.js';
import { ApiError } from './http-util.js';

/** The array's declared length from its head, read before decoding anything else (the count limit comes first). */
function declaredCount(b: Uint8Array): number | undefined {
  if (b.length === 0 || b[0] >> 5 !== 4) return undefined;
  const ai = b[0] & 31;
  if (ai < 24) return ai;
  const size = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
  if (!size || b.length < 1 + size) return undefined;
  let n = 0;
  for (let i = 1; i <= size; i++) n = n * 256 + b[i];
  return n;
}

/** The records in `body`; throws ApiError 400 (not the right CBOR) or 413 (more than `maxRecords`). */
export function parseRecordsBody(body: Uint8Array, maxRecords: number): Uint8Array[] {
  const count = declaredCount(body);
  if (count === undefined) throw new ApiError(400, 'bad-body', 'body must be a CBOR array (major type 4) of byte strings; byte 0 is not an array head');
  if (count > maxRecords) throw new ApiError(413, 'too-many-records', `${count} records in one request; the limit is ${maxRecords}`);
  let top;
  try {
    top = decodeCbor(body);
  } catch (e) {
    if (e instanceof CborError) throw new ApiError(400, 'bad-body', `body is not deterministic CBOR: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(top)) throw new ApiError(400, 'bad-body', 'body must be a CBOR array of byte strings');
  for (let i = 0; i < top.length; i++) {
    if (!(top[i] instanceof Uint8Array)) throw new ApiError(400, 'bad-body', `element ${i} is not a byte string (each record is a COSE message wrapped in a byte string)`);
  }
  return top as Uint8Array[];
}
