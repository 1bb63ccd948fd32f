// The Espruino board's SHA-256: the interpreter's native SHA256 where it answers, and the JavaScript one where it
// cannot (no crypto module, or no contiguous block free for the answer: it then returns undefined), with the same
// digest each way; node:crypto is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { espruinoCrypto } from '../../../hal/espruino/board.js';
import type { EspruinoRuntime } from '../../../hal/espruino/runtime.js';

const oracle = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const nativeSha = (b: Uint8Array) => {
  const d = oracle(b);
  return d.buffer.slice(d.byteOffset, d.byteOffset + 32) as ArrayBuffer;
};
const messages = [new Uint8Array(0), new Uint8Array([0x61, 0x62, 0x63]), new Uint8Array(200).map((_, i) => (i * 7) & 0xff)];

test('native, fragmented (SHA256 returns undefined every other call) and absent: the same digests', () => {
  let calls = 0;
  const runtimes = {
    native: { crypto: { SHA256: nativeSha } },
    fragmented: { crypto: { SHA256: (b: Uint8Array) => (calls++ % 2 ? undefined : nativeSha(b)) } },
    absent: { crypto: undefined },
  };
  for (const [name, rt] of Object.entries(runtimes)) {
    const c = espruinoCrypto(rt as unknown as EspruinoRuntime);
    for (const m of messages) {
      const d = c.sha256(m);
      assert.ok(d instanceof Uint8Array, name);
      assert.equal([...d], [...oracle(m)], `${name}, ${m.length} bytes`);
    }
  }
  assert.is(calls, messages.length);
});

test('random bytes come from hwRand, four bytes a call, little end first', () => {
  const words = [0x04030201, 0x08070605];
  let i = 0;
  const c = espruinoCrypto({ crypto: undefined, hwRand: () => words[i++] } as unknown as EspruinoRuntime);
  assert.equal([...c.randomBytes(6)], [1, 2, 3, 4, 5, 6]);
  assert.is(i, 2);
});

test.run();
