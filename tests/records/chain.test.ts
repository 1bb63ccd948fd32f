// The device-side chain: seqs, prev hashes, resume after a power cut, checkpoints and fault records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordChain } from '../../firmware/records/chain.js';
import { parseCose } from '../../firmware/records/cose.js';
import { RecordError } from '../../firmware/records/errors.js';
import { decodePayload } from '../../firmware/records/record.js';
import { crypto, ed25519Device, genuineScan, T0 } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';

const dev = ed25519Device('scanner-0001');
const scan = () => ({ kind: 'scan' as const, ...genuineScan() });
const payloadOf = (b: Uint8Array) => decodePayload(parseCose(b).payload);

test('records chain from seq 0 with a zero prev, each prev the hash of the previous record', () => {
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  const a = chain.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0);
  const b = chain.append(scan(), T0 + 1);
  assert.is(a.seq, 0);
  assert.is(toHex(a.payload.prev), '00'.repeat(32));
  assert.is(b.seq, 1);
  assert.is(toHex(payloadOf(b.bytes).prev), toHex(crypto.sha256(a.bytes)));
  assert.is(toHex(b.hash), toHex(crypto.sha256(b.bytes)));
  assert.equal(chain.state.nextSeq, 2);
  assert.is(payloadOf(b.bytes).boot, 1);
});

test('prepare does not advance; commit does, once, and only for the record prepared on this state', () => {
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  const r = chain.prepare(scan(), T0);
  assert.is(chain.state.nextSeq, 0);
  assert.is(toHex(chain.prepare(scan(), T0).bytes), toHex(r.bytes)); // deterministic
  chain.commit(r);
  assert.is(chain.state.nextSeq, 1);
  assert.throws(() => chain.commit(r), (e: unknown) => e instanceof RecordError && e.code === 'BAD_INPUT');
  // The state handed out is a copy.
  chain.state.prev.fill(7);
  assert.is(toHex(chain.state.prev), toHex(r.hash));
});

test('resume from the last intact record continues exactly where the log ends, in the new boot', () => {
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  for (let i = 0; i < 5; i++) chain.append(scan(), T0 + i);
  const last = chain.append(scan(), T0 + 5);
  const resumed = RecordChain.resume(dev.signer, crypto, last.bytes, 2);
  assert.equal(resumed.state, { ...chain.state, boot: 2 });
  const next = resumed.append({ kind: 'boot', firmware: '0.1.1', reset: 'watchdog' }, T0 + 6);
  assert.is(next.seq, 6);
  assert.is(next.payload.boot, 2);
});

test('a checkpoint carries count = its seq and head = its prev', () => {
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  chain.append(scan(), T0);
  const prev = chain.append(scan(), T0 + 1);
  const cp = chain.checkpoint(T0 + 2);
  assert.is(cp.seq, 2);
  const p = payloadOf(cp.bytes);
  assert.ok(p.kind === 'checkpoint' && p.count === 2 && toHex(p.head) === toHex(prev.hash));
});

test('a fault record takes the seq after the lost ones and links to the last intact record', () => {
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  for (let i = 0; i < 8; i++) chain.append(scan(), T0 + i); // seqs 0..7 intact; 8 and 9 were torn
  const f = chain.fault({ reason: 'torn-tail', lost: [[8, 9]], discardedBytes: 300, where: [{ segment: 'q-0002', offset: 512, length: 300 }] }, T0 + 9);
  assert.is(f.seq, 10);
  assert.is(toHex(f.payload.prev), toHex(chain.state.prev));
  chain.commit(f);
  assert.is(chain.state.nextSeq, 11);
  // Lost seqs below the chain's position (a corrupt record in the middle) do not move the fault's seq.
  const g = chain.fault({ reason: 'bad-crc', lost: [[4, 4]], discardedBytes: 0, where: [] }, T0 + 10);
  assert.is(g.seq, 11);
  // No whole record lost: the fault is simply the next record.
  assert.is(chain.fault({ reason: 'torn-tail', lost: [], discardedBytes: 17, where: [{ segment: 'q', offset: 0, length: 17 }] }, T0).seq, 11);
  // A lost range above the chain's position with a hole before it would leave seqs neither kept nor declared.
  assert.throws(() => chain.fault({ reason: 'torn-tail', lost: [[13, 13]], discardedBytes: 0, where: [] }, T0), /neither kept nor declared/);
});

test('the chain refuses a bad device id and a malformed resume record', () => {
  assert.throws(() => RecordChain.start(dev.signer, crypto, 'no spaces allowed', 0), (e: unknown) => e instanceof RecordError && e.code === 'BAD_INPUT');
  assert.throws(() => RecordChain.resume(dev.signer, crypto, Uint8Array.of(1, 2, 3), 0), (e: unknown) => e instanceof RecordError);
});

test.run();
