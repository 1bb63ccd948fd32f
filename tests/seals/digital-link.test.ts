import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseDigitalLink, formatDigitalLink, gs1CheckDigit, expiryLastDay, type DigitalLink } from '../../firmware/seals/digital-link.js';

test('a well-formed link parses into its parts', () => {
  const r = parseDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC1/21/12345?17=271231');
  assert.ok(r.ok, JSON.stringify(r));
  if (!r.ok) return;
  assert.is(r.link.gtin, '09506000134352');
  assert.is(r.link.lot, 'ABC1');
  assert.is(r.link.serial, '12345');
  assert.is(r.link.expiry, '271231');
  assert.is(r.link.origin, 'https://id.gs1.org');
});

test('a path prefix before /01/ is kept', () => {
  const r = parseDigitalLink('https://brand.example/p/q/01/09506000134352/21/X');
  assert.ok(r.ok);
  if (r.ok) assert.is(r.link.pathPrefix, '/p/q');
});

test('GS1 check digits (GS1 General Specifications examples)', () => {
  assert.is(gs1CheckDigit('0950600013435'), 2);
  assert.is(gs1CheckDigit('629104150021'), 3); // GTIN-13 6291041500213
  assert.is(gs1CheckDigit('0001234567890'), 5);
});

const cases: Array<[string, string]> = [
  ['http://id.gs1.org/01/09506000134352', 'DL_NOT_HTTPS'],
  ['https:///01/09506000134352', 'DL_NO_HOST'],
  ['https://id.gs1.org/21/12345', 'DL_NO_GTIN'],
  ['https://id.gs1.org/01/9506000134352', 'DL_GTIN_FORMAT'],
  ['https://id.gs1.org/01/0950600013435X', 'DL_GTIN_FORMAT'],
  ['https://id.gs1.org/01/09506000134353', 'DL_GTIN_CHECK_DIGIT'],
  ['https://id.gs1.org/01/09506000134352/21/1/10/A', 'DL_QUALIFIER_ORDER'],
  ['https://id.gs1.org/01/09506000134352/21/1/21/2', 'DL_QUALIFIER_ORDER'],
  ['https://id.gs1.org/01/09506000134352/99/1', 'DL_QUALIFIER_ORDER'],
  ['https://id.gs1.org/01/09506000134352/21/', 'DL_BAD_VALUE'],
  ['https://id.gs1.org/01/09506000134352/21/%ZZ', 'DL_BAD_VALUE'],
  ['https://id.gs1.org/01/09506000134352/21/%7E', 'DL_BAD_VALUE'],
  ['https://id.gs1.org/01/09506000134352/21/' + 'A'.repeat(21), 'DL_BAD_VALUE'],
  ['https://id.gs1.org/01/09506000134352?17=271331', 'DL_EXPIRY_FORMAT'],
  ['https://id.gs1.org/01/09506000134352?17=270230', 'DL_EXPIRY_FORMAT'],
  ['https://id.gs1.org/01/09506000134352?17=27123', 'DL_EXPIRY_FORMAT'],
  ['https://id.gs1.org/01/09506000134352?lot=1', 'DL_BAD_QUERY'],
  ['https://id.gs1.org/01/09506000134352?17=271231&17=271231', 'DL_BAD_QUERY'],
];
for (const [uri, code] of cases) {
  test(`${code}: ${uri}`, () => {
    const r = parseDigitalLink(uri);
    assert.not.ok(r.ok);
    if (!r.ok) {
      assert.is(r.finding.code, code, r.finding.message);
      assert.ok(r.finding.offset >= 0 && r.finding.offset <= uri.length, `offset ${r.finding.offset}`);
    }
  });
}

test('expiry with day 00 means the end of the month', () => {
  assert.is(expiryLastDay('240200'), Math.floor(Date.UTC(2024, 1, 29) / 86400000));
  assert.is(expiryLastDay('271231'), Math.floor(Date.UTC(2027, 11, 31) / 86400000));
});

const cset82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const value = fc.string({ unit: fc.constantFrom(...cset82.split('')), minLength: 1, maxLength: 20 });
const linkArb = fc.record({
  body: fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 13, maxLength: 13 }),
  cpv: fc.option(value, { nil: undefined }),
  lot: fc.option(value, { nil: undefined }),
  serial: fc.option(value, { nil: undefined }),
  expiry: fc.option(fc.date({ min: new Date('2000-01-01'), max: new Date('2049-12-31'), noInvalidDate: true }), { nil: undefined }),
});

test('format then parse gives the same link (property)', () => {
  fc.assert(
    fc.property(linkArb, (a) => {
      const link: DigitalLink = { origin: 'https://id.example.com', pathPrefix: '', gtin: a.body + gs1CheckDigit(a.body), attributes: [] };
      if (a.cpv !== undefined) link.cpv = a.cpv;
      if (a.lot !== undefined) link.lot = a.lot;
      if (a.serial !== undefined) link.serial = a.serial;
      if (a.expiry) link.expiry = a.expiry.toISOString().slice(2, 10).replace(/-/g, '');
      const uri = formatDigitalLink(link);
      const r = parseDigitalLink(uri);
      if (!r.ok) throw new Error(uri + ': ' + r.finding.message);
      assert.equal(r.link, link);
      assert.is(formatDigitalLink(r.link), uri);
    }),
    { numRuns: 3000 },
  );
});

test('any string gives a link or a finding, never an exception (property)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string().map((s) => 'https://id.gs1.org/01/09506000134352' + s)), (s) => {
      const r = parseDigitalLink(s);
      if (!r.ok) assert.ok(r.finding.message.length > 0);
    }),
    { numRuns: 5000 },
  );
});

test.run();
