// The CBV 2.0 event hash (CBV 2.0 §8.9, "ni:///sha-256;<hex>?ver=CBV2.0") for the ObjectEvents epcis.ts makes:
// the canonical pre-hash string of the EPCIS event hash algorithm (github.com/RalphTro/epcis-event-hash-generator,
// as epcis2.js implements it), built for exactly the fields we emit. Values the reference implementation would
// rewrite in ways this code does not reproduce (http(s) strings in extension fields, which it normalises as GS1
// Digital Links, and strings it takes for dates) make it answer undefined; the caller then names the event by
// its record hash instead. tests/upstream/cbv-hash.test.ts checks it against epcis2.js.
import { createHash } from 'node:crypto';
import { SealscanError } from '../hal/errors.js';
import type { EpcisEvent } from './epcis.js';

/** The event fields in the algorithm's canonical order that our events can carry (others are extensions). */
const ORDER = ['type', 'eventTime', 'eventTimeZoneOffset', 'epcList', 'action', 'bizStep', 'disposition', 'readPoint', 'bizLocation'];
const IGNORED = ['recordTime', 'eventID', 'errorDeclaration', '@context'];

/** A value the reference's hash algorithm has no canonical form for (the event gets no CBV hash). */
class Unsupported extends SealscanError {
  constructor() {
    super('CBV_UNSUPPORTED', 'no canonical form for this value');
  }
}

/** The reference's "truncate trailing zeros" rule for numeric-looking strings (leading zeros go too). */
function truncateZeros(v: string): string {
  if (!/^[\d.]+$/.test(v)) return v;
  let s = v;
  while (s.startsWith('0') && s.length > 2) s = s.substring(1);
  while (s.endsWith('0') && s.includes('.') && s.length > 3) s = s.substring(0, s.length - 1);
  if (s.endsWith('.')) s = s.substring(0, s.length - 1);
  return s;
}

/** `field=value` with the value rules the reference applies to every field. */
function field(name: string, value: unknown): string {
  if (typeof value === 'number') return `${name}=${value}`;
  if (typeof value !== 'string') throw new Unsupported();
  const v = value.trim();
  // A string Date.parse accepts is rewritten as a date by the reference (rule 8/9); only eventTime may be one,
  // and ours is already in the canonical form (ISO 8601 UTC with milliseconds).
  if (name !== 'eventTime' && isNaN(Number(v)) && !isNaN(Date.parse(v)) && v.length > 17) throw new Unsupported();
  if (name === 'eventTime' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)) throw new Unsupported();
  return `${name}=${truncateZeros(v)}`;
}

/** Lexical order of the parts, concatenated (rule 12). */
const ordered = (parts: string[]) => parts.slice().sort().join('');

/** Our canonical links (https://id.gs1.org/01/…/21/…, /414/…) pass the reference's normaliser unchanged. */
function uriValue(name: string, v: unknown): string {
  if (typeof v !== 'string' || (/^https?:/.test(v) && !/^https:\/\/id\.gs1\.org\/(01\/\d{14}\/21\/[^/?#]+|414\/\d{13})$/.test(v))) throw new Unsupported();
  return field(name, v);
}

function extension(key: string, value: unknown, context: { [prefix: string]: string }): string {
  const colon = key.indexOf(':');
  const ns = colon > 0 ? context[key.substring(0, colon)] : undefined;
  if (ns === undefined) throw new Unsupported();
  const name = `{${ns}}${key.substring(colon + 1)}`;
  const check = (v: unknown) => {
    if (typeof v === 'string' && /^https?:/.test(v.trim())) throw new Unsupported();
    return field(name, v);
  };
  return Array.isArray(value) ? ordered(value.map(check)) : check(value);
}

/**
 * The CBV 2.0 hash eventID of `event` (an ObjectEvent from epcis.ts) under the JSON-LD `context` prefixes, or
 * undefined when the event holds a value this implementation cannot canonicalise exactly like the reference.
 */
export function cbvEventId(event: EpcisEvent, context: { [prefix: string]: string }): string | undefined {
  try {
    let pre = '';
    for (const k of ORDER) {
      const v = event[k];
      if (v === undefined) continue;
      if (k === 'type') pre += field('eventType', v);
      else if (k === 'epcList') pre += 'epcList' + ordered((v as unknown[]).map((e) => uriValue('epc', e)));
      else if (k === 'bizStep') pre += field(k, `https://ref.gs1.org/cbv/BizStep-${v}`);
      else if (k === 'disposition') pre += field(k, `https://ref.gs1.org/cbv/Disp-${v}`);
      else if (k === 'readPoint' || k === 'bizLocation') pre += k + uriValue('id', (v as { id: unknown }).id);
      else pre += field(k, v);
    }
    const custom: string[] = [];
    for (const k of Object.keys(event)) if (!ORDER.includes(k) && !IGNORED.includes(k)) custom.push(extension(k, event[k], context));
    const hex = createHash('sha256').update(pre + ordered(custom), 'utf8').digest('hex');
    return `ni:///sha-256;${hex}?ver=CBV2.0`;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
