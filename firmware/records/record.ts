// Record payloads: a deterministic CBOR map with the keys of kinds.ts. The parser is strict (unknown keys, missing
// keys, wrong types and inconsistent fields are refused), and the builder checks every value with the parser's own
// rules as it writes it, so the device can never emit a payload a verifier rejects.
import { CborError, CborMap, decodeCbor, MAX_SAFE, type CborValue, type ItemBudget } from './cbor.js';
import { encodeItem, Writer } from './cbor-encode.js';
import { RecordError } from './errors.js';
import { isDeviceId } from '../../hal/keys.js';
import type { SeqPair } from './seq-ranges.js';
import { headerFields, kindFields, type FieldSpec, type RecordKind, type RecordPayload } from './kinds.js';
import { allIn, LOWER_ALNUM } from '../../hal/text.js';

const MAX_TEXT = 1024;
const MAX_BYTES = 1024;
/**
 * Data items one payload may hold. A scan record has about 40, a fault record of a badly damaged queue a few
 * hundred (7 per discarded span); the cap keeps a hostile payload from costing more than a thousand honest ones.
 */
export const PAYLOAD_MAX_ITEMS = 2048;

function bad(f: FieldSpec, why: string): RecordError {
  return new RecordError('BAD_PAYLOAD', 'key ' + f.key + ' (' + f.name + ') ' + why);
}

function isUint(v: CborValue): v is number {
  return typeof v === 'number' && v >= 0 && v <= MAX_SAFE;
}

function isCode(v: CborValue): v is string {
  return typeof v === 'string' && v.length <= 32 && isCodeText(v);
}

/** A code: lower-case words of a-z 0-9 joined by single hyphens (`seal-unchecked`). */
function isCodeText(s: string): boolean {
  const words = s.split('-');
  for (let i = 0; i < words.length; i++) if (!allIn(words[i], LOWER_ALNUM)) return false;
  return true;
}

function isBytes(v: CborValue, n: number): boolean {
  return v instanceof Uint8Array && v.length === n;
}

/**
 * Whether `v` is a CBOR value of field type `t` (not an enumeration). The types a scan record holds most come first:
 * Espruino reads a switch up to the case it takes, so the common fields pay for a few cases, not all of them.
 */
function valid(t: string, v: CborValue): boolean {
  switch (t) {
    case 'text':
      return typeof v === 'string' && v.length >= 1 && v.length <= MAX_TEXT;
    case 'uint':
      return isUint(v);
    case 'hash':
      return isBytes(v, 32);
    case 'device-id':
      return isDeviceId(v);
    case 'uid':
      return isBytes(v, 4) || isBytes(v, 7) || isBytes(v, 10);
    case 'code':
      return isCode(v);
    case 'codes':
      return Array.isArray(v) && v.length <= 32 && v.every(isCode);
    case 'bytes':
      return v instanceof Uint8Array && v.length <= MAX_BYTES;
    case 'originality-sig':
      return isBytes(v, 32);
    case 'key-id':
      return isBytes(v, 4);
    case 'ranges':
      return Array.isArray(v) && v.every((r) => Array.isArray(r) && r.length === 2 && isUint(r[0]) && isUint(r[1]) && r[0] <= r[1]);
    default:
      // 'spans'
      return Array.isArray(v) && v.every((s) => Array.isArray(s) && s.length === 3 && typeof s[0] === 'string' && s[0].length >= 1 && s[0].length <= 64 && isUint(s[1]) && isUint(s[2]));
  }
}

/** What a value of type `t` must be: said only when one is not (a function, so the texts take no memory until then). */
export function fieldRule(t: string): string {
  switch (t) {
    case 'device-id':
      return 'must be 1..64 characters of A-Z a-z 0-9 . _ : -';
    case 'uint':
      return 'must be an unsigned integer';
    case 'hash':
      return 'must be a 32-byte byte string';
    case 'uid':
      return 'must be a 4, 7 or 10-byte byte string';
    case 'bytes':
      return 'must be a byte string of at most ' + MAX_BYTES + ' bytes';
    case 'originality-sig':
      return 'must be a 32-byte byte string (r || s)';
    case 'key-id':
      return 'must be a 4-byte byte string';
    case 'text':
      return 'must be text of 1..' + MAX_TEXT + ' characters';
    case 'code':
      return 'must be a kebab-case code of at most 32 characters';
    case 'codes':
      return 'must be an array of at most 32 codes';
    case 'ranges':
      return 'must be an array of [first, last] seq pairs with first <= last';
    default:
      return 'must be an array of [segment, offset, length]';
  }
}

/** Throws BAD_PAYLOAD saying what is wrong when `v` is not a CBOR value of field `f`'s type. */
function check(f: FieldSpec, v: CborValue): void {
  const t = f.type;
  if (typeof t !== 'string') {
    if (typeof v !== 'string' || t.indexOf(v) < 0) throw bad(f, 'must be one of ' + t.join(', '));
  } else if (!valid(t, v)) throw bad(f, fieldRule(t));
}

/** The JS value of field `f` from its CBOR value `v`, or a BAD_PAYLOAD error saying what is wrong. */
function fromCbor(f: FieldSpec, v: CborValue): unknown {
  check(f, v);
  if (f.type !== 'spans') return v;
  return (v as Array<[string, number, number]>).map((s) => ({ segment: s[0], offset: s[1], length: s[2] }));
}

function toCbor(f: FieldSpec, v: unknown): CborValue {
  if (f.type === 'ranges') return (v as SeqPair[]).map((r) => [r[0], r[1]]);
  if (f.type === 'spans') return (v as Array<{ segment: string; offset: number; length: number }>).map((s) => [s.segment, s.offset, s.length]);
  return v as CborValue;
}

/** Rules that tie fields together (beyond each field's own type). */
function checkConsistency(p: RecordPayload): void {
  let zero = true;
  for (let i = 0; i < 32 && zero; i++) zero = p.prev[i] === 0;
  if (p.seq === 0 && !zero) throw new RecordError('BAD_PAYLOAD', 'seq 0 must have 32 zero bytes as prev');
  if (p.kind === 'checkpoint') {
    if (p.count !== p.seq) throw new RecordError('BAD_PAYLOAD', 'checkpoint count ' + p.count + ' is not its own seq ' + p.seq);
    for (let i = 0; i < 32; i++) if (p.head[i] !== p.prev[i]) throw new RecordError('BAD_PAYLOAD', 'checkpoint head is not its own prev');
  } else if (p.kind === 'fault') {
    let floor = -2;
    for (let i = 0; i < p.lost.length; i++) {
      const r = p.lost[i];
      if (r[0] <= floor + 1) throw new RecordError('BAD_PAYLOAD', 'fault lost ranges must be sorted, disjoint and not adjacent');
      floor = r[1];
    }
    if (floor >= p.seq) throw new RecordError('BAD_PAYLOAD', 'fault declares seq ' + floor + ' lost, not below its own seq ' + p.seq);
    let sum = 0;
    for (let i = 0; i < p.where.length; i++) sum += p.where[i].length;
    if (sum !== p.discardedBytes) throw new RecordError('BAD_PAYLOAD', 'fault spans add up to ' + sum + ' bytes, discardedBytes says ' + p.discardedBytes);
  } else if (zero && p.seq > 0) {
    throw new RecordError('BAD_PAYLOAD', 'only seq 0 or a fault record may have a zero prev');
  }
}

/**
 * Decodes and validates a record payload. Throws RecordError `BAD_PAYLOAD` (or `CBOR`) naming the key and the rule
 * broken: not deterministic CBOR, not a map, a key that is unknown for the kind, a missing key, a wrong type, or
 * inconsistent fields (seq 0 with a non-zero prev, a checkpoint whose count/head are not its seq/prev, fault
 * ranges out of order or not below its seq, fault spans not adding up), or more than PAYLOAD_MAX_ITEMS data items
 * (also counted against `budget`, when given, which several payloads of one upload can share).
 */
export function decodePayload(bytes: Uint8Array, budget?: ItemBudget): RecordPayload {
  let m: CborValue;
  try {
    m = decodeCbor(bytes, { maxItems: PAYLOAD_MAX_ITEMS, budget: budget });
  } catch (e) {
    if (e instanceof CborError) throw new RecordError('CBOR', 'payload: ' + e.message);
    throw e;
  }
  if (!(m instanceof CborMap)) throw new RecordError('BAD_PAYLOAD', 'payload is not a map');
  const header = headerFields();
  const kind = fromCbor(header[3], m.get(4) === undefined ? null : (m.get(4) as CborValue)) as RecordKind;
  const fields = header.concat(kindFields(kind)!);
  const out: { [name: string]: unknown } = {};
  const pairs = m.entries();
  for (let i = 0; i < pairs.length; i++) {
    const key = pairs[i][0];
    const f = fields.find((s) => s.key === key);
    if (!f) throw new RecordError('BAD_PAYLOAD', 'key ' + JSON.stringify(key) + ' is not defined for kind ' + kind);
    out[f.name] = fromCbor(f, pairs[i][1]);
  }
  for (let i = 0; i < fields.length; i++) {
    if (!fields[i].optional && out[fields[i].name] === undefined) throw bad(fields[i], 'is missing');
  }
  const p = out as unknown as RecordPayload;
  checkConsistency(p);
  return p;
}

/** CBOR data items (heads) of a field value as the encoder writes it: what the parser counts against its cap. */
function items(v: CborValue): number {
  if (!Array.isArray(v)) return 1;
  let n = 1;
  for (let i = 0; i < v.length; i++) n += items(v[i]);
  return n;
}

/**
 * The deterministic CBOR payload of `p`. Throws RecordError `BAD_INPUT` (with the parser's reason) when `p` breaks
 * a rule of {@link decodePayload}; what this returns, decodePayload accepts. It checks the values with the parser's
 * own rules rather than parsing its output, so the device needs no CBOR decoding per record
 * (tests/records/encode-check.test.ts holds it to the parser on random payloads).
 */
export function encodePayload(p: RecordPayload): Uint8Array {
  const source = p as unknown as { [name: string]: unknown };
  try {
    const header = headerFields();
    check(header[3], p.kind === undefined ? null : (p.kind as CborValue));
    const fields = header.concat(kindFields(p.kind)!);
    // Written straight into the output, with no map to build or sort: every kind has fewer than 24 keys, listed in
    // ascending order (kinds.ts), so the pairs go in as they come and the map's head is one byte, filled in last.
    const w = new Writer();
    w.room(1);
    w.len = 1;
    let pairs = 0;
    let count = 1;
    let missing: FieldSpec | null = null;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const v = source[f.name];
      if (v === undefined) {
        if (!f.optional && !missing) missing = f;
        continue;
      }
      // Only arrays need converting and counting: the other values skip those calls (on Espruino a call per field
      // and kind of work adds up to a fraction of a millisecond a record).
      const array = Array.isArray(v);
      const c = array ? toCbor(f, v) : (v as CborValue);
      check(f, c);
      w.head(0, f.key);
      encodeItem(w, c, 1);
      count += array ? 1 + items(c) : 2;
      pairs++;
    }
    if (missing) throw bad(missing, 'is missing');
    checkConsistency(p);
    if (count > PAYLOAD_MAX_ITEMS) throw new RecordError('CBOR', 'payload: more data items than the decoder may read here');
    w.buf[0] = 0xa0 | pairs;
    return w.done();
  } catch (e) {
    if (e instanceof RecordError || e instanceof CborError) throw new RecordError('BAD_INPUT', e.message);
    throw new RecordError('BAD_INPUT', 'record fields of the wrong shape: ' + (e instanceof Error ? e.message : String(e)));
  }
}
