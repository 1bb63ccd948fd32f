// POST /v1/devices bodies: a device id, its key algorithm and key (hex), optionally its site. The one builder
// (provision, the simulator's ingest host, tests) and the parser, whose every refusal names the field.
import { isDeviceId } from '../hal/keys.js';
import { gs1CheckOk } from './epcis.js';
import { fromHex, toHex } from '../hal/hex.js';
import { HMAC_KEY_MAX, HMAC_KEY_MIN, hmacKeyProblem, type DeviceRegistration as DeviceKey } from '../hal/keys.js';
import { ed25519PublicKeyProblem } from '../hal/node/ed25519-keys.js';
import { ApiError } from './http-util.js';
import type { DeviceRegistration, Site } from './store.js';

const bad = (field: string, why: string) => new ApiError(400, 'bad-field', `${field}: ${why}`);

/** True for a 13-digit GLN whose GS1 mod-10 check digit is right. */
export function isGln(s: string): boolean {
  return /^\d{13}$/.test(s) && gs1CheckOk(s);
}

/** A POST /v1/devices body (docs/ingest-api.md). */
export interface RegistrationBody {
  id: string;
  alg: 'ed25519' | 'hmac-sha256';
  publicKey?: string;
  hmacKey?: string;
  site?: Site;
}

/** The registration body for a device's key (hal/keys.ts DeviceRegistration) and, optionally, its site. */
export function registrationBody(key: DeviceKey, site?: Site): RegistrationBody {
  const body: RegistrationBody = key.alg === 'ed25519'
    ? { id: key.device, alg: 'ed25519', publicKey: toHex(key.publicKey) }
    : { id: key.device, alg: 'hmac-sha256', hmacKey: toHex(key.hmacKey) };
  if (site) body.site = site;
  return body;
}

/**
 * The site a technician names by id (and name): the id doubles as the site's GLN only when it is one, check digit
 * included ({@link isGln}); any other 13 digits are an id like any other, which the ingest would refuse as a GLN.
 */
export function siteFor(id: string, name?: string): Site {
  const site: Site = { id };
  if (name) site.name = name;
  if (isGln(id)) site.gln = id;
  return site;
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) throw bad(field, `must be text of 1..${max} characters`);
  return v;
}

function site(v: unknown): Site | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('site', 'must be an object');
  const o = v as { [k: string]: unknown };
  for (const k of Object.keys(o)) if (!['id', 'name', 'gln', 'geo'].includes(k)) throw bad(`site.${k}`, 'is not a known field (id, name, gln, geo)');
  const out: Site = { id: text(o.id, 'site.id', 64) };
  if (o.name !== undefined) out.name = text(o.name, 'site.name', 200);
  if (o.gln !== undefined) {
    if (typeof o.gln !== 'string' || !isGln(o.gln)) throw bad('site.gln', 'must be a 13-digit GLN with a valid check digit');
    out.gln = o.gln;
  }
  if (o.geo !== undefined) {
    const g = o.geo as { latitude?: unknown; longitude?: unknown };
    const lat = g && typeof g === 'object' ? g.latitude : undefined;
    const lon = g && typeof g === 'object' ? g.longitude : undefined;
    if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90)) throw bad('site.geo.latitude', 'must be a number in -90..90');
    if (typeof lon !== 'number' || !(lon >= -180 && lon <= 180)) throw bad('site.geo.longitude', 'must be a number in -180..180');
    out.geo = { latitude: lat, longitude: lon };
  }
  return out;
}

/**
 * The registration in `body`, checked; throws a 400 ApiError naming the field otherwise, also for a weak key
 * (ed25519PublicKeyProblem, hmacKeyProblem: small-order or otherwise unsound Ed25519 keys, short or zero HMAC keys).
 */
export function parseRegistration(body: { [k: string]: unknown }): DeviceRegistration {
  for (const k of Object.keys(body)) if (!['id', 'alg', 'publicKey', 'hmacKey', 'site'].includes(k)) throw bad(k, 'is not a known field');
  if (!isDeviceId(body.id)) throw bad('id', 'must be 1..64 characters of A-Z a-z 0-9 . _ : -');
  const id = body.id;
  if (body.alg === 'ed25519') {
    if (body.hmacKey !== undefined) throw bad('hmacKey', 'not allowed with alg ed25519');
    const key = typeof body.publicKey === 'string' ? fromHex(body.publicKey) : undefined;
    if (!key || key.length !== 32) throw bad('publicKey', 'must be 32 bytes as 64 hex digits');
    const weak = ed25519PublicKeyProblem(key);
    if (weak !== undefined) throw bad('publicKey', weak);
    return { id, alg: 'ed25519', key, site: site(body.site) };
  }
  if (body.alg === 'hmac-sha256') {
    if (body.publicKey !== undefined) throw bad('publicKey', 'not allowed with alg hmac-sha256');
    const key = typeof body.hmacKey === 'string' ? fromHex(body.hmacKey) : undefined;
    if (!key) throw bad('hmacKey', `must be ${HMAC_KEY_MIN}..${HMAC_KEY_MAX} bytes as hex`);
    const weak = hmacKeyProblem(key);
    if (weak !== undefined) throw bad('hmacKey', weak);
    return { id, alg: 'hmac-sha256', key, site: site(body.site) };
  }
  throw bad('alg', 'must be "ed25519" or "hmac-sha256"');
}
