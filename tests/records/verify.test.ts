// The offline verifier on streams with every kind of damage: reordering, deletion, replay, forks, declared and
// undeclared gaps, truncation, unknown devices, bad signatures, malformed records; HMAC and Ed25519 mixed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordChain } from '../../firmware/records/chain.js';
import { buildCose } from '../../firmware/records/cose.js';
import { encodePayload } from '../../firmware/records/record.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import type { DeviceReport } from '../../firmware/records/verify-report.js';
import { crypto, ed25519Device, genuineScan, hmacDevice, history, lookup, T0 } from '../../sim/sweeps/fixtures.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');
const keys = lookup(ed, mac);
const scan = () => ({ kind: 'scan' as const, ...genuineScan() });

function only(records: Uint8Array[], device = ed.id): DeviceReport {
  const r = verifyRecords(records, keys, crypto);
  const d = r.devices.find((x) => x.device === device);
  assert.ok(d, 'no report for ' + device);
  return d!;
}

test('an intact history verifies: every record, chain intact, no findings', () => {
  const r = verifyRecords(history(ed, 20), keys, crypto);
  assert.ok(r.ok);
  const d = r.devices[0];
  assert.equal([d.device, d.known, d.alg, d.records, d.verified, d.firstSeq, d.lastSeq, d.chainIntact, d.firstBreak], [ed.id, true, -8, 20, 20, 0, 19, true, null]);
  for (const k of ['breaks', 'undeclaredGaps', 'declaredGaps', 'forks', 'duplicates', 'reordered', 'truncations', 'badSignatures', 'invalid'] as const) assert.equal(d[k], [], k);
});

test('HMAC and Ed25519 devices interleaved in one stream both verify', () => {
  const a = history(ed, 10);
  const b = history(mac, 7);
  const mixed: Uint8Array[] = [];
  for (let i = 0; i < 10; i++) mixed.push(a[i], ...(b[i] ? [b[i]] : []));
  const r = verifyRecords(mixed, keys, crypto);
  assert.ok(r.ok);
  assert.equal(r.devices.map((d) => [d.device, d.alg, d.verified, d.chainIntact]), [[mac.id, 5, 7, true], [ed.id, -8, 10, true]]);
});

test('reordered records are reported (warning) and the chain still verifies by seq', () => {
  const h = history(ed, 10);
  [h[3], h[6]] = [h[6], h[3]];
  const d = only(h);
  assert.equal(d.reordered, [{ index: 4, seq: 4, after: 6 }, { index: 5, seq: 5, after: 6 }, { index: 6, seq: 3, after: 6 }]);
  assert.ok(d.chainIntact && d.ok);
});

test('a deleted record is an undeclared gap that breaks the chain', () => {
  const h = history(ed, 10);
  h.splice(5, 1);
  const d = only(h);
  assert.equal(d.undeclaredGaps, [{ first: 5, last: 5 }]);
  assert.equal(d.firstBreak, { seq: 5, reason: 'seq 5 missing and not declared lost' });
  assert.not.ok(d.chainIntact || d.ok);
});

test('a replayed record is reported as a duplicate (warning), not counted twice', () => {
  const h = history(ed, 10);
  const d = only([...h, h[3]]);
  assert.equal(d.duplicates, [{ index: 10, firstIndex: 3, seq: 3 }]);
  assert.is(d.records, 11);
  assert.is(d.verified, 10);
  assert.ok(d.ok);
});

test('a fork (an old image restored and continued) keeps both branches as evidence', () => {
  const h = history(ed, 12);
  const fork = RecordChain.resume(ed.signer, crypto, h[9], 5);
  const f10 = fork.append(scan(), T0 + 99_000).bytes;
  const f11 = fork.append(scan(), T0 + 99_001).bytes;
  const d = only([...h, f10, f11]);
  assert.equal(d.forks.map((f) => [f.seq, f.records.map((r) => r.index)]), [[10, [10, 12]], [11, [11, 13]]]);
  assert.is(d.forks[0].records[0].hash.length, 64);
  assert.equal(d.firstBreak, { seq: 10, reason: 'fork: 2 different records with seq 10' });
  assert.not.ok(d.ok);
});

/** 0..7 kept, 8 and 9 lost in a torn tail, then the fault (seq 10) and two more records. */
function tornTail() {
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const all = Array.from({ length: 10 }, (_, i) => chain.append(scan(), T0 + i).bytes);
  const after = RecordChain.resume(ed.signer, crypto, all[7], 2);
  const fault = after.fault({ reason: 'torn-tail', lost: [[8, 9]], discardedBytes: 64, where: [{ segment: 'q-0001', offset: 3000, length: 64 }] }, T0 + 20);
  after.commit(fault);
  const more = [after.append(scan(), T0 + 21).bytes, after.append(scan(), T0 + 22).bytes];
  return { all, fault: fault.bytes, more };
}

test('a gap declared by a fault record is accepted and reported', () => {
  const t = tornTail();
  const d = only([...t.all.slice(0, 8), t.fault, ...t.more]);
  assert.equal(d.declaredGaps, [{ first: 8, last: 9, faultSeq: 10, reason: 'torn-tail' }]);
  assert.equal(d.undeclaredGaps, []);
  assert.ok(d.chainIntact && d.ok);
  assert.is(d.lastSeq, 12);
});

test('a record declared lost that shows up after all is a contradiction', () => {
  const t = tornTail();
  const d = only([...t.all.slice(0, 9), t.fault, ...t.more]);
  assert.equal(d.declaredButPresent, [{ seq: 8, faultSeq: 10 }]);
  assert.not.ok(d.ok);
});

test('a corrupt record in the middle, declared lost later, leaves no undeclared gap', () => {
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const all = Array.from({ length: 8 }, (_, i) => chain.append(scan(), T0 + i).bytes);
  const f = chain.append({ kind: 'fault', reason: 'bad-crc', lost: [[5, 5]], discardedBytes: 0, where: [] }, T0 + 9);
  const d = only([...all.slice(0, 5), ...all.slice(6), f.bytes]);
  assert.equal(d.declaredGaps, [{ first: 5, last: 5, faultSeq: 8, reason: 'bad-crc' }]);
  assert.ok(d.chainIntact && d.ok, JSON.stringify(d));
});

test('a truncated stream: a checkpoint attests more records than are present', () => {
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const all = Array.from({ length: 50 }, (_, i) => chain.append(scan(), T0 + i).bytes);
  const cp = chain.append({ kind: 'checkpoint', count: 50, head: chain.state.prev }, T0 + 50).bytes;
  const d = only([...all.slice(0, 30), cp]);
  assert.equal(d.truncations, [{ checkpointSeq: 50, attested: 50, missing: 20, reason: 'checkpoint attests 50 records before it; 20 are missing and not declared lost' }]);
  assert.equal(d.undeclaredGaps, [{ first: 30, last: 49 }]);
  assert.not.ok(d.ok);
  assert.ok(only([...all, cp]).ok);
});

test('a checkpoint whose head disagrees with the record it names', () => {
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const all = Array.from({ length: 10 }, (_, i) => chain.append(scan(), T0 + i).bytes);
  const other = RecordChain.resume(ed.signer, crypto, all[8], 1);
  other.append(scan(), T0 + 77); // a seq-9 record the stream never shows
  const d = only([...all, other.checkpoint(T0 + 78).bytes]);
  assert.equal(d.truncations.map((t) => t.reason), ['checkpoint head hash disagrees with the record at seq 9']);
  assert.equal(d.breaks.map((b) => [b.seq, b.reason]), [[10, 'prev does not match the record at seq 9']]);
  assert.not.ok(d.ok);
});

test('a record linking to the wrong predecessor, and a boot count going back, break the chain', () => {
  const h = history(ed, 6, 3);
  const skip = new RecordChain(ed.signer, crypto, { device: ed.id, nextSeq: 6, prev: crypto.sha256(h[4]), boot: 3 });
  const d = only([...h, skip.append(scan(), T0).bytes]);
  assert.equal(d.breaks.map((b) => [b.seq, b.reason]), [[6, 'prev is the hash of seq 4, expected seq 5']]);
  const back = new RecordChain(ed.signer, crypto, { device: ed.id, nextSeq: 6, prev: crypto.sha256(h[5]), boot: 2 });
  assert.equal(only([...h, back.append(scan(), T0).bytes]).breaks.map((b) => b.reason), ['boot count goes back from 3 to 2']);
});

test('unknown devices, bad signatures, kid/payload mismatch and malformed records all fail, naming what', () => {
  const stranger = ed25519Device('scanner-9999');
  const forger = ed25519Device(ed.id, 'not the real key');
  const h = history(ed, 3);
  const forged = RecordChain.resume(forger.signer, crypto, h[2], 1).append(scan(), T0).bytes;
  const payload = encodePayload({ device: 'esp-0007', seq: 3, prev: crypto.sha256(h[2]), time: T0, boot: 1, kind: 'logout', inspector: 'x' });
  const mismatched = buildCose(ed.signer, ed.id, payload);
  const r = verifyRecords([...h, ...history(stranger, 2), forged, mismatched, h[0].subarray(0, 40), Uint8Array.of(0xd2, 0x80)], keys, crypto);
  assert.not.ok(r.ok);
  const unknown = r.devices.find((d) => d.device === stranger.id)!;
  assert.equal([unknown.known, unknown.records, unknown.verified, unknown.ok], [false, 2, 0, false]);
  const d = r.devices.find((x) => x.device === ed.id)!;
  assert.equal(d.badSignatures.map((p) => [p.index, p.seq, p.code]), [[5, 3, 'BAD_SIGNATURE']]);
  assert.equal(d.invalid.map((p) => [p.index, p.seq, p.code]), [[6, 3, 'WRONG_KID']]);
  assert.equal(r.malformed.map((p) => [p.index, p.code]), [[7, 'CBOR'], [8, 'NOT_COSE']]);
  assert.match(r.malformed[0].message, /LENGTH at byte/);
});

test('thousands of shuffled records from three devices verify and reassemble', () => {
  const third = hmacDevice('esp-0008');
  const all = [...history(ed, 1500), ...history(mac, 1500), ...history(third, 1500)];
  let seed = 42;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const r = verifyRecords(all, lookup(ed, mac, third), crypto);
  assert.ok(r.ok);
  assert.equal(r.devices.map((d) => [d.verified, d.lastSeq, d.chainIntact]), [[1500, 1499, true], [1500, 1499, true], [1500, 1499, true]]);
  assert.ok(r.devices.every((d) => d.reordered.length > 100));
});

test.run();
