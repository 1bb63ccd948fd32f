// docs/seal-format.md's worked example must be what the code produces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { exampleBytes, rows } from './seal-example.js';

const doc = readFileSync(new URL('../../../docs/seal-format.md', import.meta.url), 'utf8');

test('every hex block of the worked example matches the code', () => {
  const b = exampleBytes() as unknown as Record<string, string>;
  const blocks = [...doc.matchAll(/```hex (\w+)\n([\s\S]*?)\n```/g)];
  assert.ok(blocks.length >= 6, 'the doc has its example blocks');
  for (const [, name, body] of blocks) assert.is(body, rows(b[name]), name);
});

test('the example fits an NTAG213 beside its Lock Control TLV', () => {
  assert.ok(exampleBytes().tlvLength <= 144 - 5);
});

test.run();
