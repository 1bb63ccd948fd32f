// The reason codes of scan records and the verdict each allows at best (firmware/records/scan-reasons.ts): the
// levels, the code families, and no level for what is not a code of ours (an inherited name included).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reasonLevel, worseVerdict } from '../../firmware/records/scan-reasons.js';

test('each reason code has its level, the families go by prefix, and anything else has none', () => {
  const expected: { [code: string]: string } = {
    'not-a-seal-tag': 'unknown', 'tag-type-unknown': 'unknown', 'tag-type-no-seal-support': 'unknown', 'tamper-status-invalid': 'unknown',
    'no-seal': 'unknown', 'issuer-unknown': 'unknown', 'seal-unchecked': 'unknown',
    'identity-inconsistent': 'clone-suspect', 'originality-invalid': 'clone-suspect',
    'tamper-loop-open': 'tampered', 'tamper-loop-was-opened': 'tampered',
    'uri-record-bad': 'invalid-seal', 'several-links': 'invalid-seal', 'several-seals': 'invalid-seal', 'seal-version': 'invalid-seal',
    'seal-format': 'invalid-seal', 'link-missing': 'invalid-seal', 'link-malformed': 'invalid-seal', 'seal-signature-bad': 'invalid-seal',
    'originality-unchecked': 'note', 'sealed-in-future': 'note', expired: 'note',
    'read-failed-timeout': 'unreadable', 'read-failed-crc': 'unreadable', 'ndef-tlv-length': 'invalid-seal',
  };
  for (const [code, level] of Object.entries(expected)) assert.is(reasonLevel(code), level, code);
  for (const code of ['constructor', 'toString', '__proto__', 'read-failed-', 'ndef-', 'genuine', '', 'Expired', 'seal-unchecked ']) assert.is(reasonLevel(code), undefined, code);
});

test('the worse of two verdicts follows the ladder', () => {
  assert.is(worseVerdict('genuine', 'tampered'), 'tampered');
  assert.is(worseVerdict('unreadable', 'genuine'), 'unreadable');
  assert.is(worseVerdict('clone-suspect', 'invalid-seal'), 'invalid-seal');
});

test.run();
