// The sync worker on virtual time against a scripted uplink answered by the real Ingest logic: batches and acks,
// lost acks, hung requests, Retry-After, 413, permanent refusals (blocked, no busy loop), crash and resume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyncWorker, type SyncOptions } from '../../firmware/sync/index.js';
import { VirtualClock } from '../../sim/clock.js';
import { decodeCbor } from '../../firmware/records/cbor.js';
import { crypto, ed25519Device } from '../../sim/sweeps/fixtures.js';
import { DEVICE, memoryIngest, ScriptedUplink, simDevice, storedSeqs, type SimDevice, type Step } from '../../sim/sweeps/ingest-kit.js';

const range = (n: number) => [...Array(n).keys()];

async function setup(n: number, script: Step[] = [], opts: Partial<SyncOptions> = {}, register = true) {
  const clock = new VirtualClock({ auto: false, epochMs: Date.UTC(2026, 10, 28, 10) });
  const dev = simDevice(n);
  const { ingest, store } = await memoryIngest(register ? DEVICE : ed25519Device('someone-else'));
  const uplink = new ScriptedUplink(ingest, () => clock.now(), script);
  const worker = new SyncWorker({ device: DEVICE.id, queue: dev.queue, uplink, clock, sha256: crypto, random: () => 0.5, ...opts });
  return { clock, dev, store, uplink, worker };
}

const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]);

test('sends in seq order in batches of at most 200 records / 256 KiB and frees only what the ingest acked', async () => {
  const { clock, dev, store, uplink, worker } = await setup(450);
  worker.start();
  await clock.run(1000);
  assert.equal(uplink.bodies.map((b) => (decodeCbor(b) as Uint8Array[]).length), [200, 200, 50]);
  assert.equal(storedSeqs(store), range(450));
  assert.is(dev.queue.status().unacked, 0);
  const s = worker.status();
  assert.is(s.state, 'idle');
  assert.is(s.recordsSent, 450);
  assert.is(s.recordsAcked, 450);
  assert.is(s.queueDepth, 0);
  assert.is(s.ackedThrough, 449);
  assert.is(s.lastSuccessAt, Date.UTC(2026, 10, 28, 10), 'all sent at once, at virtual time 0');
  assert.is(s.lastError, undefined);
  // A new scan and a nudge: sent at once, without waiting for the idle poll.
  dev.scan(1);
  worker.syncNow();
  await clock.run(0);
  assert.is(dev.queue.status().unacked, 0);
  assert.is(uplink.times.length, 4);
  await worker.stop();
  assert.is(worker.status().state, 'stopped');
});

test('network down: exponential backoff base 1 s, cap 5 min, on virtual time; success resets it', async () => {
  const { clock, dev, uplink, worker } = await setup(10);
  uplink.otherwise = 'unreachable';
  worker.start();
  await clock.run(3_600_000);
  const expected = range(13).map((n) => 0.5 * Math.min(300_000, 1000 * 2 ** n));
  assert.equal(gaps(uplink.times).slice(0, 13), expected);
  const s = worker.status();
  assert.is(s.state, 'backoff');
  assert.is(s.lastError?.kind, 'unreachable');
  assert.is(s.lastError?.permanent, false);
  assert.is(s.queueDepth, 10, 'nothing freed');
  assert.ok(s.nextAttemptAt! > clock.wallTime());
  uplink.otherwise = 'ok';
  await clock.run(150_000);
  assert.is(dev.queue.status().unacked, 0);
  assert.is(worker.status().attempt, 0);
  await worker.stop();
});

test('full jitter: every wait lies in [0, min(cap, base * 2^n)] and capped waits spread over the whole interval', async () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const { clock, uplink, worker } = await setup(1, [], { random });
  uplink.otherwise = 'unreachable';
  worker.start();
  await clock.run(150 * 3_600_000);
  const waits = gaps(uplink.times);
  assert.ok(waits.length > 3000, `${waits.length} attempts`);
  waits.forEach((w, n) => assert.ok(w >= 0 && w <= Math.min(300_000, 1000 * 2 ** n), `attempt ${n}: ${w}`));
  const capped = waits.slice(9);
  const mean = capped.reduce((a, b) => a + b, 0) / capped.length;
  assert.ok(Math.abs(mean - 150_000) < 7_500, `mean ${mean}`);
  const deciles = range(10).map((d) => capped.filter((w) => w >= d * 30_000 && w < (d + 1) * 30_000).length / capped.length);
  assert.ok(deciles.every((f) => f > 0.07 && f < 0.13), `deciles ${deciles}`);
  await worker.stop();
});

test('429 Retry-After in seconds and 503 Retry-After as an HTTP date (against the server Date) are waited at least', async () => {
  const date = 'Sat, 28 Nov 2026 10:00:00 GMT';
  const { clock, dev, uplink, worker } = await setup(5, [
    { status: 429, headers: { 'retry-after': '120' } },
    { status: 503, headers: { 'retry-after': 'Sat, 28 Nov 2026 10:01:30 GMT', date } },
    { status: 500 },
  ], { random: () => 0 });
  worker.start();
  await clock.run(600_000);
  assert.equal(gaps(uplink.times), [120_000, 90_000, 0]);
  assert.is(dev.queue.status().unacked, 0);
  await worker.stop();
});

test('a hung request is abandoned through the clock and retried; the late answer is ignored', async () => {
  const { clock, dev, uplink, worker } = await setup(5, ['hang'], { requestTimeoutMs: 30_000 });
  worker.start();
  await clock.run(20_000);
  assert.is(worker.status().state, 'sending');
  await clock.run(60_000);
  assert.equal(gaps(uplink.times), [31_000 + 500]);
  assert.is(dev.queue.status().unacked, 0);
  await worker.stop();
});

test('lost ack: the server committed, the connection reset; the batch goes again, counted as duplicates, stored once', async () => {
  const { clock, dev, store, uplink, worker } = await setup(250, ['reset-after-commit', 'ok', 'reset-after-commit']);
  worker.start();
  await clock.run(60_000);
  assert.is(uplink.times.length, 4, 'batch 1 twice, batch 2 twice');
  assert.equal(storedSeqs(store), range(250));
  assert.is(dev.queue.status().unacked, 0);
  assert.is(worker.status().recordsSent, 500);
  assert.is(worker.status().recordsAcked, 250);
  await worker.stop();
});

test('permanent refusal: blocked with the reason, records kept, one try per cap interval, syncNow retries at once', async () => {
  const { clock, dev, uplink, worker } = await setup(20, [], {}, false);
  worker.start();
  await clock.run(3_600_000);
  assert.ok(uplink.times.length <= 13, `${uplink.times.length} requests in an hour`);
  assert.equal(gaps(uplink.times), Array(uplink.times.length - 1).fill(300_000));
  const s = worker.status();
  assert.is(s.state, 'blocked');
  assert.equal({ ...s.lastError, at: 0, message: '' }, { at: 0, kind: 'rejected', permanent: true, code: 'unknown-device', seq: 0, message: '' });
  assert.match(s.lastError!.message, 'not registered');
  assert.is(s.queueDepth, 20);
  assert.is(s.nextAttemptAt, s.lastError!.at + 300_000);
  const before = uplink.times.length;
  worker.syncNow();
  await clock.run(0);
  assert.is(uplink.times.length, before + 1);
  await worker.stop();
  assert.is(dev.queue.status().unacked, 20);
});

test('a registration fixed by an operator: syncNow after blocked delivers everything', async () => {
  const { clock, dev, store, worker } = await setup(8, [], {}, false);
  worker.start();
  await clock.run(1000);
  assert.is(worker.status().state, 'blocked');
  await store.register({ id: DEVICE.id, alg: 'ed25519', key: DEVICE.key.alg === -8 ? DEVICE.key.publicKey : new Uint8Array() }, 0);
  worker.syncNow();
  await clock.run(0);
  assert.is(dev.queue.status().unacked, 0);
  assert.is(worker.status().state, 'idle');
  await worker.stop();
});

test('HTTP 400 and 401 block; 413 halves the batch limits and goes on at once', async () => {
  const { clock, dev, uplink, worker } = await setup(300, [{ status: 413 }, { status: 400, body: { error: { code: 'bad-body', message: 'byte 3' } } }]);
  worker.start();
  await clock.run(1000);
  const s = worker.status();
  assert.is(s.maxCount, 100);
  assert.is(s.maxBytes, 131072);
  assert.is(s.state, 'blocked');
  assert.is(s.lastError?.status, 400);
  assert.is(s.lastError?.code, 'bad-body');
  assert.match(s.lastError!.message, 'HTTP 400 bad-body: byte 3');
  await clock.run(300_000);
  assert.is(dev.queue.status().unacked, 0);
  assert.equal(uplink.bodies.slice(2).map((b) => (decodeCbor(b) as unknown[]).length), [100, 100, 100]);
  await worker.stop();
});

test('a reset before a large batch was sent is read as "too large": limits halved, retried after the backoff; a small one is not', async () => {
  const { clock, dev, uplink, worker } = await setup(300, ['reset', 'reset']);
  worker.start();
  await clock.run(60_000);
  const s = worker.status();
  assert.equal([s.maxCount, s.maxBytes], [50, 65536], 'halved twice');
  assert.match(s.lastError ? s.lastError.message : 'batch limits halved', 'batch limits halved');
  assert.equal(uplink.bodies.map((b) => (decodeCbor(b) as unknown[]).length).slice(0, 4), [200, 100, 50, 50]);
  assert.is(dev.queue.status().unacked, 0, 'everything sent in smaller batches');
  await worker.stop();
  const small = await setup(3, ['reset']);
  small.worker.start();
  await small.clock.run(60_000);
  assert.equal([small.worker.status().maxCount, small.dev.queue.status().unacked], [200, 0], 'a reset on a small batch is just the network');
  await small.worker.stop();
});

test('an ack whose hash is not our record frees nothing and blocks', async () => {
  const bogus = { devices: { [DEVICE.id]: { ackedThrough: 4, ackedHash: '00'.repeat(32), accepted: 5, duplicates: 0, rejected: [] } }, malformed: [] };
  const { clock, dev, worker } = await setup(5, [{ status: 200, body: bogus }]);
  worker.start();
  await clock.run(1000);
  assert.is(worker.status().lastError?.kind, 'ack-mismatch');
  assert.is(dev.queue.status().unacked, 5);
  await worker.stop();
});

test('crash mid-sync: after reboot the worker resumes from the durable ack point; nothing lost, nothing stored twice', async () => {
  const { clock, dev, store, uplink, worker } = await setup(450, ['ok', 'hang']);
  worker.start();
  await clock.run(5_000);
  assert.is(dev.queue.status().ackedThrough, 199);
  void worker.stop(); // the device dies with a request in flight
  const queue = (dev as SimDevice).reboot();
  assert.is(queue.status().ackedThrough, 199, 'ack point survived');
  const again = new SyncWorker({ device: DEVICE.id, queue, uplink, clock, sha256: crypto, random: () => 0.5 });
  again.start();
  await clock.run(60_000);
  assert.is(queue.status().unacked, 0);
  assert.equal(storedSeqs(store), range(450));
  await again.stop();
});

test.run();
