// docs/record-format.md cannot rot: its hex examples are what the encoder produces today, every byte of them is
// annotated, and its key table lists exactly the keys the parser knows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { headerFields, kindFields, RECORD_KINDS } from '../../firmware/records/kinds.js';
import { DOC, examples, regenerate } from './doc-examples.js';

const doc = readFileSync(DOC, 'utf8');

test('the examples in docs/record-format.md are what the code produces (else run doc-examples.js --write)', () => {
  assert.ok(regenerate(doc) === doc, 'docs/record-format.md is stale: npx tsc -p . && node dist/tests/records/doc-examples.js --write');
});

test('each annotated example accounts for every byte of its record, in order', () => {
  for (const { kind, record } of examples()) {
    const block = new RegExp(`<!-- example:${kind} [^]*?\`\`\`\\n([^]*?)\`\`\``).exec(doc);
    assert.ok(block, kind);
    const hex = block![1]
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').replace(/\s+/g, ''))
      .join('');
    assert.is(hex, Buffer.from(record.bytes).toString('hex'), kind);
  }
});

test('the payload key table lists every key the parser knows, with its name, and no other', () => {
  const rows = new Map<number, string>();
  for (const m of doc.matchAll(/^\| (\d+) \| (\w+) \|/gm)) rows.set(Number(m[1]), m[2]);
  const known = new Map<number, string>();
  for (const f of [...headerFields(), ...RECORD_KINDS.flatMap((k) => kindFields(k)!)]) known.set(f.key, f.name);
  assert.equal([...rows].sort((a, b) => a[0] - b[0]), [...known].sort((a, b) => a[0] - b[0]));
});

test('the typical genuine scan stays under 400 bytes, as the doc says', () => {
  const scan = examples().find((e) => e.kind === 'scan')!;
  assert.ok(scan.record.bytes.length < 400);
  assert.match(doc, `is ${scan.record.bytes.length} bytes with Ed25519`);
});

test.run();
