/**
 * GS1 Digital Link URIs for sealed packages (GS1 Digital Link standard, URI syntax 1.x): an https URI whose path
 * carries the primary key GTIN (AI 01) followed by its key qualifiers in the fixed order CPV (22), lot (10),
 * serial (21); data attributes such as expiry (17) go in the query. A phone opens it; the scanner checks it.
 *
 * Parsing never throws: a malformed link gives a finding naming what is wrong and where.
 */
import { ALNUM, allIn, HEX_DIGITS, isDigits } from '../../hal/text.js';
import { daysInMonth, utcDay } from '../../hal/calendar.js';

export interface DigitalLink {
  /** Scheme and host, e.g. "https://id.gs1.org"; a path prefix before /01/ is kept in `pathPrefix`. */
  origin: string;
  pathPrefix: string;
  /** 14 digits, check digit verified. */
  gtin: string;
  cpv?: string;
  lot?: string;
  serial?: string;
  /** YYMMDD as written (DD may be 00: end of that month). */
  expiry?: string;
  /** Other numeric AIs found in the query, in order. */
  attributes: Array<[string, string]>;
}

export type DigitalLinkCode =
  | 'DL_NOT_HTTPS' // not an https:// URI (or http with a host)
  | 'DL_NO_HOST'
  | 'DL_NO_GTIN' // no /01/ segment
  | 'DL_GTIN_FORMAT' // not 14 digits
  | 'DL_GTIN_CHECK_DIGIT'
  | 'DL_QUALIFIER_ORDER' // 22, 10, 21 out of order, repeated, or unknown path AI after 01
  | 'DL_BAD_VALUE' // a character outside GS1 character set 82, bad percent-encoding, empty or too long
  | 'DL_EXPIRY_FORMAT' // 17 not YYMMDD or an impossible date
  | 'DL_BAD_QUERY'; // query parameter that is not a numeric AI, or a repeated AI

export interface DigitalLinkFinding {
  code: DigitalLinkCode;
  message: string;
  /** Character offset in the URI where the problem starts. */
  offset: number;
}

export type DigitalLinkResult = { ok: true; link: DigitalLink } | { ok: false; finding: DigitalLinkFinding };

/** GS1 AI encodable character set 82 (GS1 General Specifications 7.11, Figure 7.11-1). */
const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

const QUALIFIERS = ['22', '10', '21'];
const MAX_LEN: { [ai: string]: number } = { '22': 20, '10': 20, '21': 20 };

function fail(code: DigitalLinkCode, message: string, offset: number): DigitalLinkResult {
  return { ok: false, finding: { code: code, message: message, offset: offset } };
}

/** GS1 mod-10 check digit of the digits before it (weights 3 and 1 from the right). */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const d = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Decodes percent-escapes; returns null on a malformed escape or a character outside CSET 82. */
function decodeValue(raw: string): string | null {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    let ch = raw.charAt(i);
    if (ch === '%') {
      const h = raw.substr(i + 1, 2);
      if (h.length !== 2 || !allIn(h, HEX_DIGITS)) return null;
      ch = String.fromCharCode(parseInt(h, 16));
      i += 2;
    }
    if (CSET82.indexOf(ch) < 0) return null;
    out += ch;
  }
  return out;
}

/** Percent-encodes what a URI path segment or query value cannot carry as is (RFC 3986 unreserved stay). */
function encodeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v.charAt(i);
    if (VALUE_SAFE.indexOf(ch) >= 0) out += ch;
    else {
      const h = ch.charCodeAt(0).toString(16).toUpperCase();
      out += '%' + (h.length < 2 ? '0' : '') + h;
    }
  }
  return out;
}

function validExpiry(v: string): boolean {
  if (v.length !== 6 || !allDigits(v)) return false;
  const mm = parseInt(v.substr(2, 2), 10);
  const dd = parseInt(v.substr(4, 2), 10);
  if (mm < 1 || mm > 12) return false;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mm - 1];
  return dd <= days;
}

/** host[:port]: A-Z a-z 0-9 . - then, optionally, a colon and digits. */
function validHost(host: string): boolean {
  const colon = host.indexOf(':');
  const name = colon < 0 ? host : host.substr(0, colon);
  if (!allIn(name, HOST_CHARS)) return false;
  return colon < 0 || isDigits(host.substr(colon + 1));
}

/** What a host name may hold: A-Z a-z 0-9 . - */
const HOST_CHARS = ALNUM + '.-';
/** What {@link encodeValue} leaves as it is: RFC 3986 unreserved characters and the sub-delimiters GS1 keeps. */
const VALUE_SAFE = ALNUM + "-._~!$'()*+,;:@";

export function parseDigitalLink(uri: string): DigitalLinkResult {
  if (uri.substr(0, 8) !== 'https://') return fail('DL_NOT_HTTPS', 'a seal link must start with https://', 0);
  const rest = uri.substr(8);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.substr(0, slash);
  if (!validHost(host)) return fail('DL_NO_HOST', 'no valid host after https://', 8);
  const origin = 'https://' + host;
  const q = uri.indexOf('?');
  const path = slash < 0 ? '' : uri.substring(8 + slash, q < 0 ? uri.length : q);
  const query = q < 0 ? '' : uri.substr(q + 1);
  const segments = path.split('/');
  // segments[0] is '' (path starts with '/'); find the /01/ key.
  let offset = 8 + host.length;
  let i = 1;
  let prefix = '';
  for (; i < segments.length; i++) {
    if (segments[i] === '01') break;
    prefix += '/' + segments[i];
    offset += 1 + segments[i].length;
  }
  if (i >= segments.length) return fail('DL_NO_GTIN', 'no /01/ (GTIN) in the path', offset);
  offset += 4;
  const gtin = segments[i + 1] === undefined ? '' : segments[i + 1];
  if (gtin.length !== 14 || !allDigits(gtin)) return fail('DL_GTIN_FORMAT', 'GTIN "' + gtin + '" must be 14 digits', offset);
  const check = gs1CheckDigit(gtin.substr(0, 13));
  if (check !== gtin.charCodeAt(13) - 48) {
    return fail('DL_GTIN_CHECK_DIGIT', 'GTIN ' + gtin + ' has check digit ' + gtin.charAt(13) + ', expected ' + check, offset + 13);
  }
  offset += 14;
  const link: DigitalLink = { origin: origin, pathPrefix: prefix, gtin: gtin, attributes: [] };
  let next = 0;
  for (let j = i + 2; j < segments.length; j += 2) {
    const ai = segments[j];
    const at = offset;
    const pos = QUALIFIERS.indexOf(ai);
    if (pos < next) {
      return fail('DL_QUALIFIER_ORDER', 'path AI "' + ai + '" is not allowed here: after 01 come 22, 10, 21 at most once each, in that order', at + 1);
    }
    next = pos + 1;
    const raw = segments[j + 1];
    if (raw === undefined || raw.length === 0) return fail('DL_BAD_VALUE', 'AI ' + ai + ' has no value', at + 1);
    const value = decodeValue(raw);
    if (value === null) return fail('DL_BAD_VALUE', 'AI ' + ai + ' value "' + raw + '" has a character outside GS1 set 82 or a bad %-escape', at + 2 + ai.length);
    if (value.length > MAX_LEN[ai]) return fail('DL_BAD_VALUE', 'AI ' + ai + ' value is ' + value.length + ' characters; at most ' + MAX_LEN[ai], at + 2 + ai.length);
    if (ai === '22') link.cpv = value;
    else if (ai === '10') link.lot = value;
    else link.serial = value;
    offset += 2 + ai.length + raw.length;
  }
  if (query.length) {
    let qoff = q + 1;
    const pairs = query.split('&');
    for (let k = 0; k < pairs.length; k++) {
      const eq = pairs[k].indexOf('=');
      const key = eq < 0 ? pairs[k] : pairs[k].substr(0, eq);
      const raw = eq < 0 ? '' : pairs[k].substr(eq + 1);
      if (!allDigits(key) || key.length < 2 || key.length > 4) return fail('DL_BAD_QUERY', 'query parameter "' + key + '" is not a GS1 AI', qoff);
      if (key === '17' ? link.expiry !== undefined : hasAttribute(link, key)) return fail('DL_BAD_QUERY', 'AI ' + key + ' appears twice', qoff);
      const value = decodeValue(raw);
      if (value === null || value.length === 0) return fail('DL_BAD_VALUE', 'AI ' + key + ' value "' + raw + '" is empty or outside GS1 set 82', qoff + key.length + 1);
      if (key === '17') {
        if (!validExpiry(value)) return fail('DL_EXPIRY_FORMAT', 'expiry (17) "' + value + '" is not a date YYMMDD', qoff + 3);
        link.expiry = value;
      } else {
        link.attributes.push([key, value]);
      }
      qoff += pairs[k].length + 1;
    }
  }
  return { ok: true, link: link };
}

function hasAttribute(link: DigitalLink, ai: string): boolean {
  for (let i = 0; i < link.attributes.length; i++) if (link.attributes[i][0] === ai) return true;
  return false;
}

/** The canonical URI of a link: qualifiers in standard order, expiry first in the query. */
export function formatDigitalLink(link: DigitalLink): string {
  let s = link.origin + link.pathPrefix + '/01/' + link.gtin;
  if (link.cpv !== undefined) s += '/22/' + encodeValue(link.cpv);
  if (link.lot !== undefined) s += '/10/' + encodeValue(link.lot);
  if (link.serial !== undefined) s += '/21/' + encodeValue(link.serial);
  const q: string[] = [];
  if (link.expiry !== undefined) q.push('17=' + link.expiry);
  for (let i = 0; i < link.attributes.length; i++) q.push(link.attributes[i][0] + '=' + encodeValue(link.attributes[i][1]));
  return q.length ? s + '?' + q.join('&') : s;
}

/**
 * The last day a YYMMDD expiry allows, as a UTC day number (days since 1970-01-01). DD = 00 means the last day of
 * the month (GS1 General Specifications 3.4.6). Years 00-49 are 20xx, 50-99 19xx, per the GS1 century rule
 * simplified for expiry dates of packs in use today.
 */
export function expiryLastDay(yymmdd: string): number {
  const yy = parseInt(yymmdd.substr(0, 2), 10);
  const year = yy < 50 ? 2000 + yy : 1900 + yy;
  const month = parseInt(yymmdd.substr(2, 2), 10);
  let day = parseInt(yymmdd.substr(4, 2), 10);
  if (day === 0) day = daysInMonth(year, month);
  return utcDay(year, month, day);
}
