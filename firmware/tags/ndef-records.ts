/**
 * Well-known NDEF records: URI ("U", NFC Forum URI RTD) and Text ("T", Text RTD). Reference §5.5.
 * UTF-8 comes from firmware/records/utf8.ts (strict RFC 3629); its exceptions are turned into findings here.
 */
import { decodeUtf8, encodeUtf8 } from '../records/utf8.js';
import { finding, parsed, type Parsed } from './findings.js';
import { ndefRecord, TNF_WELL_KNOWN, type NdefRecord } from './ndef.js';

/**
 * URI identifier codes 00h–23h: the prefix each abbreviates, in code order, separated by `|` (code 00h is the empty
 * prefix before the first). One string, not an array: on Espruino a module's array of 36 strings holds 37 variables
 * for the device's whole life.
 */
const PREFIXES =
  '|http://www.|https://www.|http://|https://|tel:|mailto:|ftp://anonymous:anonymous@|ftp://ftp.|ftps://|sftp://|smb://|nfs://|ftp://' +
  '|dav://|news:|telnet://|imap:|rtsp://|urn:|pop:|sip:|sips:|tftp:|btspp://|btl2cap://|btgoep://|tcpobex://|irdaobex://|file://' +
  '|urn:epc:id:|urn:epc:tag:|urn:epc:pat:|urn:epc:raw:|urn:epc:|urn:nfc:';

/** The prefix URI identifier code `code` abbreviates; undefined for a reserved code (above 23h). */
export function uriPrefix(code: number): string | undefined {
  let at = 0;
  for (let i = 0; i < code; i++) {
    at = PREFIXES.indexOf('|', at) + 1;
    if (at === 0) return undefined;
  }
  const end = PREFIXES.indexOf('|', at);
  return PREFIXES.substring(at, end < 0 ? PREFIXES.length : end);
}

/** Every prefix, index = code (00h–23h). */
export function uriPrefixes(): string[] {
  return PREFIXES.split('|');
}

function isType(record: NdefRecord, t: number): boolean {
  return record.tnf === TNF_WELL_KNOWN && record.type.length === 1 && record.type[0] === t;
}

/**
 * UTF-8 of `text`, or null when it has none (a lone surrogate). The records module throws there; a JS string from
 * our own code is the only input, so null is enough to refuse it.
 */
function utf8(text: string): Uint8Array | null {
  try {
    return encodeUtf8(text);
  } catch (e) {
    return null;
  }
}

/** Decoded text of `bytes[start, end)`, or a 'UTF8' finding at the offending byte (offsets relative to the payload). */
function text8(bytes: Uint8Array, start: number, end: number): Parsed<string> {
  try {
    return parsed(decodeUtf8(bytes, start, end));
  } catch (e) {
    const at = typeof e === 'object' && e !== null && typeof (e as { offset?: unknown }).offset === 'number' ? (e as { offset: number }).offset : start;
    return finding('UTF8', 'text is not valid UTF-8', at);
  }
}

/** A URI record for `uri`, abbreviated with the longest matching prefix code. */
export function uriRecord(uri: string): Parsed<NdefRecord> {
  const prefixes = uriPrefixes();
  let code = 0;
  for (let i = 1; i < prefixes.length; i++) {
    const p = prefixes[i];
    if (p.length > prefixes[code].length && uri.substring(0, p.length) === p) code = i;
  }
  const rest = utf8(uri.substring(prefixes[code].length));
  if (!rest) return finding('UTF8', 'the URI has a lone surrogate and no UTF-8 form', -1);
  const payload = new Uint8Array(1 + rest.length);
  payload[0] = code;
  payload.set(rest, 1);
  return parsed(ndefRecord(TNF_WELL_KNOWN, 'U', payload));
}

/** The URI of a URI record. Offsets in findings are payload offsets. */
export function decodeUriRecord(record: NdefRecord): Parsed<string> {
  if (!isType(record, 0x55)) return finding('RECORD_TYPE', 'not a well-known URI record ("U")', -1);
  const p = record.payload;
  if (p.length < 1) return finding('RECORD_PAYLOAD', 'URI record without its identifier code', 0);
  const prefix = uriPrefix(p[0]);
  if (prefix === undefined) return finding('URI_PREFIX', 'URI identifier code ' + p[0] + ' is reserved (above 23h)', 0);
  const rest = text8(p, 1, p.length);
  if (!rest.ok) return rest;
  return parsed(prefix + rest.value);
}

export interface TextContent {
  text: string;
  /** IANA language code, e.g. "en". */
  language: string;
  encoding: 'utf-8' | 'utf-16';
}

/** A Text record (UTF-8). */
export function textRecord(text: string, language?: string): Parsed<NdefRecord> {
  const lang = language === undefined ? 'en' : language;
  const body = utf8(text);
  if (!body) return finding('UTF8', 'the text has a lone surrogate and no UTF-8 form', -1);
  if (lang.length < 1 || lang.length > 63) return finding('RECORD_PAYLOAD', 'language code of ' + lang.length + ' characters (1 to 63)', -1);
  const payload = new Uint8Array(1 + lang.length + body.length);
  payload[0] = lang.length;
  for (let i = 0; i < lang.length; i++) payload[1 + i] = lang.charCodeAt(i) & 0x7f;
  payload.set(body, 1 + lang.length);
  return parsed(ndefRecord(TNF_WELL_KNOWN, 'T', payload));
}

/** UTF-16 text (big-endian unless a byte order mark says otherwise, Text RTD 3.2.1). */
function text16(p: Uint8Array, start: number): Parsed<string> {
  if ((p.length - start) % 2 !== 0) return finding('UTF8', 'UTF-16 text of odd length', start);
  let le = false;
  let i = start;
  if (p.length - i >= 2 && ((p[i] === 0xff && p[i + 1] === 0xfe) || (p[i] === 0xfe && p[i + 1] === 0xff))) {
    le = p[i] === 0xff;
    i += 2;
  }
  let s = '';
  for (; i < p.length; i += 2) s += String.fromCharCode(le ? p[i] | (p[i + 1] << 8) : (p[i] << 8) | p[i + 1]);
  return parsed(s);
}

/** The text, language and encoding of a Text record. Offsets in findings are payload offsets. */
export function decodeTextRecord(record: NdefRecord): Parsed<TextContent> {
  if (!isType(record, 0x54)) return finding('RECORD_TYPE', 'not a well-known Text record ("T")', -1);
  const p = record.payload;
  if (p.length < 1) return finding('RECORD_PAYLOAD', 'Text record without its status byte', 0);
  const langLength = p[0] & 0x3f;
  if (1 + langLength > p.length) return finding('RECORD_PAYLOAD', 'language code of ' + langLength + ' bytes, payload has ' + (p.length - 1) + ' after the status byte', 0);
  let language = '';
  for (let i = 0; i < langLength; i++) language += String.fromCharCode(p[1 + i]);
  const utf16 = (p[0] & 0x80) !== 0;
  const t = utf16 ? text16(p, 1 + langLength) : text8(p, 1 + langLength, p.length);
  if (!t.ok) return t;
  return parsed({ text: t.value, language: language, encoding: utf16 ? 'utf-16' : 'utf-8' });
}
