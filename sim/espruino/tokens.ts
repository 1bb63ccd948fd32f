// Espruino's pretokenised source: the form its lexer reads besides plain text, and the form the Espruino IDE uploads
// when "pretokenise" is on. A byte from 128 up stands for a whole token: an operator of two or more characters, a
// word the lexer reserves, or a small integer with its value in the bytes after it. The interpreter reads such bytes
// wherever it reads source (the console, RAM, Storage), so an image stored this way is smaller and each call lexes
// fewer bytes. The numbers are Espruino's (src/jslex.h, LEX_TYPES), fixed there because saved code depends on them.
//
// `pretokenise` writes the image (scripts/espruino/build.ts); `detokenise` is the lexer's reading of it, back to
// plain JavaScript, for the checks and for the Node contexts that play the interpreter in tests.
import { tokenizer } from 'acorn';
import { SealscanError } from '../../hal/errors.js';

/** Operators of two or more characters, from LEX_EQUAL (138) on, in Espruino's order. */
const OPERATORS = ['==', '===', '!=', '!==', '<=', '<<', '<<=', '>=', '>>', '>>>', '>>=', '>>>=', '+=', '-=', '++', '--', '*=', '/=', '%=', '&=', '&&', '|=', '||', '^=', '=>'];
const FIRST_OPERATOR = 138;
/**
 * The words Espruino's lexer turns into tokens, from LEX_R_IF (163) on. Some are names in ES5 (`undefined`, `of`,
 * `let`, `static`): the lexer makes them tokens all the same, and so does `pretokenise`, so the parser sees what it
 * would have seen in the plain text.
 */
const WORDS = ['if', 'else', 'do', 'while', 'for', 'break', 'continue', 'function', 'return', 'var', 'let', 'const', 'this', 'throw', 'try', 'catch', 'finally', 'true', 'false', 'null', 'undefined', 'new', 'in', 'instanceof', 'switch', 'case', 'default', 'delete', 'typeof', 'void', 'debugger', 'class', 'extends', 'super', 'static', 'of'];
const FIRST_WORD = 163;
const NULLISH = 208; // ??, not ES5: only read
const RAW_STRING8 = 209; // length, bytes
const RAW_STRING16 = 210; // length low, high, bytes
const RAW_INT0 = 211;
const RAW_INT8 = 212; // value, -128..127
const RAW_INT16 = 213; // value low, high, -32768..32767

const TOKEN_OF = new Map<string, number>();
OPERATORS.forEach((o, i) => TOKEN_OF.set(o, FIRST_OPERATOR + i));
WORDS.forEach((w, i) => TOKEN_OF.set(w, FIRST_WORD + i));
const TEXT_OF = new Map<number, string>();
TOKEN_OF.forEach((byte, text) => TEXT_OF.set(byte, text));
TEXT_OF.set(NULLISH, '??');

/** Why a text cannot be pretokenised, or bytes are not pretokenised source; `offset` is where. */
export class TokenError extends SealscanError {
  readonly offset: number;
  constructor(code: 'NOT_ES5' | 'NOT_ASCII' | 'BAD_TOKEN' | 'TRUNCATED', offset: number, message: string) {
    super(code, `${message} (at offset ${offset})`);
    this.name = 'TokenError';
    this.offset = offset;
  }
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95;

/**
 * `code` (ES5, ASCII, as the minifier writes it with ascii_only) as Espruino's pretokenised source, one character
 * per byte (write it as latin1). Operators and reserved words become their token; integer literals become raw
 * integers where no byte of the encoding is 0 (a 0 ends the source where a C string carries it: the Linux
 * interpreter reads its files so); strings, names and other numbers stay text. Whitespace and comments go, save a
 * space where two tokens would otherwise run together. Throws TokenError for what is not ES5 or not ASCII, and
 * for regular expressions, whose bodies the lexer reads differently.
 */
export function pretokenise(code: string): string {
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) > 126) throw new TokenError('NOT_ASCII', i, `character U+${code.charCodeAt(i).toString(16).padStart(4, '0')} is not ASCII: pretokenised source keeps bytes from 128 up for tokens`);
  const out = new Joiner();
  let end = 0;
  try {
    for (const t of tokenizer(code, { ecmaVersion: 5 })) {
      // A line break stays (line numbers in the interpreter's messages, and no statement joins the next).
      if (code.slice(end, t.start).includes('\n')) out.push('\n');
      end = t.end;
      const text = code.slice(t.start, t.end);
      if (t.type.label === 'regexp') throw new TokenError('NOT_ES5', t.start, 'a regular expression: the image has none (the lint refuses them)');
      const token = t.type.label === 'string' ? undefined : TOKEN_OF.get(text);
      const raw = t.type.label === 'num' ? rawInteger(text, (t as unknown as { value: number }).value) : undefined;
      if (token !== undefined) out.push(String.fromCharCode(token));
      else if (raw !== undefined) out.push(raw);
      else out.push(text);
    }
  } catch (e) {
    if (e instanceof TokenError) throw e;
    const pos = (e as { pos?: number }).pos ?? 0;
    throw new TokenError('NOT_ES5', pos, `not ES5: ${(e as Error).message}`);
  }
  return out.text();
}

/** Pieces of source joined with a space only where two would otherwise read as one token. */
class Joiner {
  private parts: string[] = [];
  private last = 0;

  push(piece: string): void {
    const first = piece.charCodeAt(0);
    const last = this.last;
    if ((isWordChar(last) && isWordChar(first)) || (last === 43 && first === 43) || (last === 45 && first === 45) || (last === 46 && first >= 48 && first <= 57)) this.parts.push(' ');
    this.parts.push(piece);
    // A token byte or a raw value ends with nothing another piece could join.
    this.last = first >= 128 ? 0 : piece.charCodeAt(piece.length - 1);
  }

  text(): string {
    return this.parts.join('');
  }
}

/** The raw-integer bytes for the literal `text`, or undefined when it stays text. */
function rawInteger(text: string, value: number): string | undefined {
  // Decimal and hex integers only: 1.0, 1e3 and octal-looking literals stay as written.
  if (!/^(0|[1-9][0-9]*|0[xX][0-9a-fA-F]+)$/.test(text)) return undefined;
  if (value === 0) return String.fromCharCode(RAW_INT0);
  if (value < 128) return String.fromCharCode(RAW_INT8, value);
  if (value < 32768 && value >= 256 && (value & 255) !== 0) return String.fromCharCode(RAW_INT16, value & 255, value >> 8);
  return undefined;
}

/**
 * Pretokenised source (one byte per character) as plain JavaScript: what Espruino's lexer reads in it. Every byte
 * from 128 up must be a token Espruino defines, raw strings and integers complete; TokenError names the offset and
 * byte of the first that is not. Plain text reads as itself.
 */
export function detokenise(source: string): string {
  const out = new Joiner();
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c < 128) {
      let j = i + 1;
      while (j < source.length && source.charCodeAt(j) < 128) j++;
      out.push(source.slice(i, j));
      i = j;
      continue;
    }
    const text = TEXT_OF.get(c);
    if (text !== undefined) {
      out.push(text);
      i++;
    } else if (c === RAW_INT0) {
      out.push('0');
      i++;
    } else if (c === RAW_INT8 || c === RAW_INT16) {
      const n = c === RAW_INT8 ? 1 : 2;
      if (i + n >= source.length) throw new TokenError('TRUNCATED', i, `raw integer 0x${c.toString(16)} lacks its ${n} value byte${n > 1 ? 's' : ''}`);
      let v = source.charCodeAt(i + 1) | (n === 2 ? source.charCodeAt(i + 2) << 8 : 0);
      if (v >= 1 << (8 * n - 1)) v -= 1 << (8 * n);
      // A negative value reads as a unary minus of its magnitude, as the parser takes it.
      out.push(v < 0 ? '(' + v + ')' : String(v));
      i += 1 + n;
    } else if (c === RAW_STRING8 || c === RAW_STRING16) {
      const n = c === RAW_STRING8 ? 1 : 2;
      if (i + n >= source.length) throw new TokenError('TRUNCATED', i, `raw string 0x${c.toString(16)} lacks its length`);
      const length = source.charCodeAt(i + 1) | (n === 2 ? source.charCodeAt(i + 2) << 8 : 0);
      const from = i + 1 + n;
      if (from + length > source.length) throw new TokenError('TRUNCATED', i, `raw string of ${length} bytes runs past the end of the source`);
      out.push(asciiJson(source.slice(from, from + length)));
      i = from + length;
    } else {
      throw new TokenError('BAD_TOKEN', i, `byte 0x${c.toString(16)} is no Espruino token`);
    }
  }
  return out.text();
}

/**
 * JSON of `value` in ASCII: every character from 7Fh up as a \u escape. Espruino reads it back as the same value on
 * any build, whether its strings are 8-bit or UTF-8, and each character is one byte.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** True when `source` holds token bytes (pretokenised), false when it is plain text. */
export function isPretokenised(source: string): boolean {
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) >= 128) return true;
  return false;
}
