// The Espruino board's queue storage on a Storage double that behaves as the interpreter's (NOR semantics), with the
// real queue on top: appends survive a reopen, state copies alternate and survive a cut, and a torn write is found.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { EspruinoSegmentStorage } from '../../../hal/espruino/storage.js';
import { parseBaseUrl } from '../../../hal/espruino/http-uplink.js';
import { sha256 } from '../../../hal/sha256.js';
import { openQueue } from '../../../firmware/app/device.js';
import { isSealscanError } from '../../../hal/errors.js';
import { createNodeCrypto } from '../../../hal/node/crypto.js';
import { FakeStorage } from '../../helpers/espruino-fakes.js';

const crypto = createNodeCrypto();
const layout = { prefix: 'q', segmentCount: 4, segmentSize: 4096, stateFileSize: 256 };

test('appends land in place in preallocated files and read back after a reopen; erase removes the file', () => {
  const fs = new FakeStorage();
  const s = new EspruinoSegmentStorage(fs, layout);
  s.append(1, new Uint8Array([1, 2, 3]));
  s.append(1, new Uint8Array([0xff, 5]));
  assert.is(fs.files.get('q1')!.length, 4096, 'created at the segment size');
  const again = new EspruinoSegmentStorage(fs, layout);
  assert.equal(again.list(), [1]);
  assert.is(again.length(1), 5);
  const into = new Uint8Array(7);
  again.read(1, 0, into);
  assert.equal(Array.from(into), [1, 2, 3, 0xff, 5, 0xff, 0xff]);
  assert.throws(() => again.append(1, new Uint8Array([1, 0xff])), (e: unknown) => isSealscanError(e, 'BAD_ARGUMENT'));
  again.erase(1);
  assert.is(fs.files.has('q1'), false);
  assert.equal(again.list(), []);
  assert.throws(() => again.read(9, 0, into), /no segment slot 9/);
  assert.throws(() => new EspruinoSegmentStorage(fs, { ...layout, prefix: 'x'.repeat(26) }), /longer than 27 characters/);
});

test('a 32 KB segment is read in pieces of at most 512 bytes; its written extent and contents are found across pieces and 0xFF runs', () => {
  const big = { prefix: 'q', segmentCount: 2, segmentSize: 32768 };
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.boolean()), { minLength: 1, maxLength: 20 }), (appends) => {
      const fs = new FakeStorage();
      const s = new EspruinoSegmentStorage(fs, big);
      const mirror: number[] = [];
      for (const [n, ffRun] of appends) {
        if (mirror.length + n > big.segmentSize) break;
        // A run of 0xFF (longer than a piece when n is) ending in one written byte, or counting bytes.
        const data = new Uint8Array(n).map((_, i) => (ffRun && i < n - 1 ? 0xff : (mirror.length + i) % 251));
        s.append(0, data);
        mirror.push(...data);
      }
      const again = new EspruinoSegmentStorage(fs, big);
      fs.largestRead = 0;
      assert.is(again.length(0), mirror.length);
      assert.is(again.length(1), 0);
      const into = new Uint8Array(Math.min(mirror.length + 700, big.segmentSize));
      again.read(0, 0, into);
      assert.equal(Array.from(into.subarray(0, mirror.length)), mirror);
      assert.ok(into.subarray(mirror.length).every((b) => b === 0xff));
      assert.ok(fs.largestRead <= 512, String(fs.largestRead));
    }),
    { numRuns: 60 },
  );
});

test('state copies keep a log of versions in place and start afresh when full; the other copy survives a cut', () => {
  const fs = new FakeStorage();
  const s = new EspruinoSegmentStorage(fs, layout);
  for (let i = 1; i <= 100; i++) {
    s.writeState((i % 2) as 0 | 1, new Uint8Array([i, i, i]));
    assert.equal(Array.from(s.readState((i % 2) as 0 | 1)!), [i, i, i]);
  }
  const before = Array.from(s.readState(0)!);
  fs.failAt = 0;
  assert.throws(() => {
    for (let i = 0; i < 200; i++) s.writeState(1, new Uint8Array([7, 7, 7]));
  });
  const after = new EspruinoSegmentStorage(fs, layout);
  assert.equal(Array.from(after.readState(0)!), before, 'copy A untouched');
});

test('the real queue on Storage: every record it accepted (a full queue refuses the rest) is recovered after a reopen', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 60 }), (sizes) => {
      const fs = new FakeStorage();
      const { queue } = openQueue(new EspruinoSegmentStorage(fs, layout), crypto);
      const kept: number[] = [];
      sizes.forEach((n, i) => {
        const r = queue.append(new Uint8Array(n).fill(i & 0x7f), 1000 + i);
        if (r.ok) kept.push(n);
      });
      const { queue: q2, report } = openQueue(new EspruinoSegmentStorage(fs, layout), crypto);
      assert.ok(report.clean, JSON.stringify(report));
      assert.is(q2.status().unacked, kept.length);
    }),
    { numRuns: 60 },
  );
});

test('SHA-256 in JavaScript equals Node\'s for any length across the block boundaries', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      assert.is(Buffer.from(sha256(b)).toString('hex'), createHash('sha256').update(b).digest('hex'));
    }),
    { numRuns: 500 },
  );
  assert.is(Buffer.from(sha256(new Uint8Array(0))).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('the ingest URL is parsed by hand, and refused by name', () => {
  assert.equal(parseBaseUrl('http://10.0.0.5:8080/'), { protocol: 'http:', host: '10.0.0.5', port: 8080, path: '' });
  assert.equal(parseBaseUrl('https://ingest.example/api'), { protocol: 'https:', host: 'ingest.example', port: 443, path: '/api' });
  assert.throws(() => parseBaseUrl('ftp://x'), /must start with http:\/\/ or https:\/\//);
  assert.throws(() => parseBaseUrl('http://x:99999'), /bad port/);
  assert.throws(() => parseBaseUrl('http://:80'), /has no host/);
});

test.run();
