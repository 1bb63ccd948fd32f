// Espruino's pretokenised source (sim/espruino/tokens.ts): the bytes are the interpreter's own token numbers
// (src/jslex.h, LEX_TYPES), the text reads back as the same program, and bytes that are not pretokenised source get
// a TokenError that names the offset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import vm from 'node:vm';
import { parse } from 'acorn';
import { detokenise, isPretokenised, pretokenise, TokenError } from '../../sim/espruino/tokens.js';

const bytes = (...b: number[]) => String.fromCharCode(...b);
const syntax = (code: string) => JSON.stringify(parse(code, { ecmaVersion: 5 }), (k, v: unknown) => (k === 'start' || k === 'end' || k === 'raw' ? undefined : v));

/** Asserts that `f` throws a TokenError of `code` at offset `at`, its message matching `what`. */
function tokenError(f: () => unknown, code: string, at: number, what: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, TokenError);
    assert.is((e as TokenError).code, code);
    assert.is((e as TokenError).offset, at);
    assert.match((e as Error).message, what);
    return;
  }
  assert.unreachable(`no TokenError ${code}`);
}

test('keywords and operators become Espruino\'s token bytes; small integers its raw integers', () => {
  // LEX_R_FUNCTION 170, LEX_R_RETURN 171, LEX_RAW_INT0 211, LEX_TYPEEQUAL 139, LEX_RAW_INT8 212.
  assert.is(pretokenise('function f(a) { return a === 7 ? 0 : a; }'), bytes(170) + 'f(a){' + bytes(171) + 'a' + bytes(139) + bytes(212, 7) + '?' + bytes(211) + ':a;}');
  // LEX_R_VAR 172, LEX_R_NEW 184, LEX_R_THIS 175, LEX_RAW_INT16 213 (low byte first).
  assert.is(pretokenise('var x = new X(this, 1000);'), bytes(172) + 'x=' + bytes(184) + 'X(' + bytes(175) + ',' + bytes(213, 1000 & 255, 1000 >> 8) + ');');
  // The words the lexer reserves although ES5 does not: undefined (183), of (198).
  assert.is(pretokenise('a.of = undefined'), 'a.' + bytes(198) + '=' + bytes(183));
});

test('what stays text: strings (keywords inside them too), names, floats, and integers whose bytes would hold a 0', () => {
  assert.is(pretokenise('f("return this", 1.5, 1e3, 0x10)'), 'f("return this",1.5,1e3,' + bytes(212, 16) + ')');
  // 128..255 would need a 0 high byte, multiples of 256 a 0 low byte, 32768 and up do not fit: all stay text.
  for (const n of [128, 255, 256, 512, 32768, 70000]) assert.is(pretokenise(`x(${n})`), `x(${n})`, String(n));
  assert.is(pretokenise('x(257)'), 'x(' + bytes(213, 1, 1) + ')');
  for (const n of [0, 1, 127, 257, 300, 32767]) assert.not.ok(pretokenise(`x(${n})`).includes('\0'), String(n));
});

test('spaces stay only where two tokens would run together; line breaks stay', () => {
  assert.is(pretokenise('a + +b; c - -d; e in f; g instanceof h'), 'a+ +b;c- -d;e' + bytes(185) + 'f;g' + bytes(186) + 'h');
  assert.is(pretokenise('var a = b\nc()'), bytes(172) + 'a=b\nc()');
  assert.is(pretokenise('return x // comment\n/* more */ y'), bytes(171) + 'x\ny');
  assert.is(pretokenise('a = b ++ + c'), 'a=b' + bytes(152) + '+c');
});

test('pretokenised then read back: the same program, and the same values when run', () => {
  const code = 'var o = { "default": 1, of: 2 }; function f(n) { if (n === void 0) return typeof n; for (var i = 0; i < 300; i++) n += i % 7 ? -i : +i; return n - -1; } var r = [f(), f(257), o.of, o["default"], 4095 >>> 2, 1 << 12, 0x7fff, "a\\u00e9\\n"];';
  const back = detokenise(pretokenise(code));
  assert.is(syntax(back), syntax(code));
  assert.is(vm.runInNewContext(back + ';JSON.stringify(r)'), vm.runInNewContext(code + ';JSON.stringify(r)'));
});

test('property: any integer and ASCII string literal reads back to its value', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 100000 }), fc.string({ unit: 'binary-ascii', maxLength: 20 })), { maxLength: 20 }), (values) => {
      const code = `[${values.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v).replace(/[\u007f]/g, '\\u007f'))).join(', ')}]`;
      const tokens = pretokenise(code);
      assert.not.ok(tokens.includes('\0'));
      assert.is(vm.runInNewContext(`JSON.stringify(${detokenise(tokens)})`), JSON.stringify(values));
    }),
  );
});

test('pretokenise refuses what it cannot keep: non-ASCII, regular expressions, non-ES5, each with its offset', () => {
  const refused = (code: string, expected: string, at: number, what: RegExp) => tokenError(() => pretokenise(code), expected, at, what);
  refused('var s = "é";', 'NOT_ASCII', 9, /U\+00e9 is not ASCII/);
  refused('var r = /a+/;', 'NOT_ES5', 8, /a regular expression/);
  refused('var s = "unterminated', 'NOT_ES5', 8, /^not ES5: Unterminated string/);
});

test('detokenise names the offset and byte of what is not Espruino\'s, and reads plain text as itself', () => {
  const fails = (src: string, code: string, at: number, what: RegExp) => tokenError(() => detokenise(src), code, at, what);
  fails('a=' + bytes(0xc8), 'BAD_TOKEN', 2, /byte 0xc8 is no Espruino token/);
  fails('x(' + bytes(213, 1), 'TRUNCATED', 2, /lacks its 2 value bytes/);
  fails(bytes(209, 10) + 'abc', 'TRUNCATED', 0, /raw string of 10 bytes/);
  assert.is(detokenise('var a = 1;'), 'var a = 1;');
  assert.not.ok(isPretokenised('var a = 1;'));
  assert.ok(isPretokenised(pretokenise('var a = 1;')));
  // Espruino's raw strings (the IDE writes them), read as the strings they hold.
  assert.is(vm.runInNewContext(detokenise('x=' + bytes(209, 3) + 'a"\xe9;x')), 'a"\xe9');
});

test('property: any bytes are read back as JavaScript text or refused with a TokenError, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const src = String.fromCharCode(...b);
      try {
        assert.type(detokenise(src), 'string');
      } catch (e) {
        assert.instance(e, TokenError);
        assert.ok((e as TokenError).offset >= 0 && (e as TokenError).offset < src.length);
      }
    }),
  );
});

test.run();
