// UTF-8 (RFC 3629) without TextEncoder/TextDecoder, which Espruino lacks. Strict in both directions: a JS string
// with a lone surrogate has no UTF-8 form, and overlong forms, surrogate code points, code points above U+10FFFF
// and cut-off sequences are not UTF-8 (RFC 8949 §3.1 requires valid UTF-8 in text strings).
// Espruino MCU builds keep 8-bit strings, so text beyond ASCII is only exact on Node; wire formats stay ASCII.
import { CborError } from './errors.js';
import { asciiText } from '../../hal/text.js';

/** Byte length of the UTF-8 of `text`. Throws CborError `BAD_TEXT` (naming the string index) for a lone surrogate. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) throw new CborError('BAD_TEXT', -1, 'lone high surrogate at string index ' + i);
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) throw new CborError('BAD_TEXT', -1, 'lone low surrogate at string index ' + i);
    else n += 3;
  }
  return n;
}

/** Writes the UTF-8 of `text` (already checked by {@link utf8Length}) into `out` at `at`; returns the end offset. */
export function writeUtf8(text: string, out: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return o;
}

/**
 * Writes `text` into `out` at `at` while it is ASCII (`out` must have room for all of it); returns how many
 * characters it wrote, `text.length` when all were ASCII. The one pass ASCII text needs: its UTF-8 length is its
 * length, which spares the second loop (on Espruino some 17 µs a character).
 */
export function writeAscii(text: string, out: Uint8Array, at: number): number {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) break;
    out[at + i] = c;
  }
  return i;
}

/** UTF-8 of `text`. Throws CborError `BAD_TEXT` (naming the string index) for a lone surrogate. */
export function encodeUtf8(text: string): Uint8Array {
  const ascii = new Uint8Array(text.length);
  if (writeAscii(text, ascii, 0) === text.length) return ascii;
  const out = new Uint8Array(utf8Length(text));
  writeUtf8(text, out, 0);
  return out;
}

/**
 * The text in `bytes[start, end)`. Throws CborError `BAD_UTF8` with the absolute offset of the first byte of the
 * offending sequence.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const native = asciiText(bytes, start, end);
  if (native !== undefined) return native;
  let s = '';
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      s += String.fromCharCode(b);
      i++;
      continue;
    }
    // Sequence length and the smallest code point it may carry (anything smaller is overlong).
    let need: number;
    let cp: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else throw new CborError('BAD_UTF8', i, 'byte 0x' + b.toString(16) + ' cannot start a UTF-8 sequence');
    if (i + need >= end) throw new CborError('BAD_UTF8', i, 'UTF-8 sequence cut off by the end of the string');
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) throw new CborError('BAD_UTF8', i, 'UTF-8 sequence lacks continuation byte ' + k);
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min) throw new CborError('BAD_UTF8', i, 'overlong UTF-8 form of U+' + cp.toString(16));
    if (cp >= 0xd800 && cp <= 0xdfff) throw new CborError('BAD_UTF8', i, 'UTF-8 encodes surrogate U+' + cp.toString(16));
    if (cp > 0x10ffff) throw new CborError('BAD_UTF8', i, 'code point above U+10FFFF');
    if (cp >= 0x10000) {
      cp -= 0x10000;
      s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else s += String.fromCharCode(cp);
    i += need + 1;
  }
  return s;
}
