// The one device assembly (firmware/app/device.ts) on two boards: the simulator's device and the PC runner. The sync
// policy is the device's, so both must keep an ingest's Retry-After however many tags are tapped.
import { test } from 'uvu';
import { unrefClock } from '../helpers/clocks.js';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Device } from '../../firmware/app/device.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../hal/uplink.js';
import { keyStoreOf } from '../../hal/node/board-parts.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { NorFlash } from '../../sim/flash/nor-flash.js';
import { createSimBoard } from '../../sim/device/board.js';
import { createPcBoard } from '../../sim/runner/board.js';
import { Ntag213 } from '../../sim/tags/index.js';
import type { Picc } from '../../sim/rf/air.js';
import { badge, config, crypto, deviceKey } from '../helpers/device.js';
import { ed25519Device } from '../../sim/sweeps/fixtures.js';
import { memoryIngest, ScriptedUplink } from '../../sim/sweeps/ingest-kit.js';
import { ed25519Signer } from '../../firmware/records/signers.js';

const quiet = { led: { set: () => undefined }, buzzer: { play: () => undefined }, display: { show: () => undefined } };

/** Awaits `p` while moving a manual clock forward (the chip's reset and power-up wait on it). */
async function meanwhile<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => (done = true)).catch(() => undefined);
  while (!done) await clock.run(1);
  return p;
}

/** An ingest that answers every upload with 429 and Retry-After: 60, and notes when each came (device time). */
class ThrottlingIngest implements Uplink {
  readonly uploads: number[] = [];
  constructor(private readonly now: () => number) {}
  async request(req: UplinkRequest): Promise<UplinkResult> {
    if (req.method === 'POST') this.uploads.push(this.now());
    return { ok: true, response: { status: 429, headers: { 'retry-after': '60' }, body: new TextEncoder().encode('{"error":{"code":"rate-limited","message":"slow down"}}') } };
  }
}

test('simulator board: after a 429 with Retry-After 60 s, 20 taps in 30 s cause no upload; the next comes at 60 s', async () => {
  const clock = new VirtualClock({ auto: false });
  const field = new RfField();
  const ingest = new ThrottlingIngest(() => clock.now());
  const board = await meanwhile(clock, createSimBoard({ clock, field, flash: new NorFlash({ sectorCount: 64 }), crypto, signer: ed25519Signer(crypto.ed25519!, deviceKey.privateKey), uplink: ingest, feedback: quiet }));
  const device = new Device(board, { config: config({ dedupeWindowMs: 0 }), sync: { random: () => 0.5 } });
  const records: number[] = [];
  device.onTap((e) => {
    if (e.seq !== undefined) records.push(e.seq);
  });
  device.start();
  await clock.run(100);
  assert.is(ingest.uploads.length, 1, 'the boot record went up at once and was refused');
  const tap = async (tag: Picc) => {
    field.place(tag);
    await clock.run(400);
    field.remove(tag);
    await clock.run(1100);
  };
  await tap(badge('INSP-1'));
  for (let i = 0; i < 19; i++) await tap(new Ntag213({ uid: [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, i] }));
  assert.is(records.length, 20, 'every tap made a record');
  assert.ok(clock.now() < 60000 - 1000, `still inside the Retry-After (${clock.now()} ms)`);
  assert.equal(ingest.uploads.length, 1, 'no upload before the Retry-After ran out, however many taps');
  await clock.run(61000 - clock.now());
  assert.is(ingest.uploads.length, 2, 'the worker tried again once the minute was over');
  assert.ok(ingest.uploads[1] >= ingest.uploads[0] + 60000, `second upload at ${ingest.uploads[1]} ms, first at ${ingest.uploads[0]} ms`);
  await meanwhile(clock, device.stop());
});

test('simulator board: an idle worker sends a new record at once; a worker in backoff keeps its wait', async () => {
  const clock = new VirtualClock({ auto: false });
  const field = new RfField();
  const dev = ed25519Device('scanner-test-1');
  const { ingest } = await memoryIngest(dev);
  // The first upload meets a 429 with Retry-After 60; every later one reaches the real ingest.
  const wire = new ScriptedUplink(ingest, () => clock.now(), [{ status: 429, headers: { 'retry-after': '60' } }]);
  const board = await meanwhile(clock, createSimBoard({ clock, field, flash: new NorFlash({ sectorCount: 64 }), crypto, signer: dev.signer, uplink: wire, feedback: quiet }));
  const device = new Device(board, { config: config({ deviceId: dev.id }), sync: { random: () => 0.5, idlePollMs: 3600000 } });
  device.start();
  await clock.run(50);
  assert.is(device.sync.status().state, 'backoff');
  field.place(badge('INSP-2'));
  await clock.run(400);
  field.remove(badge('INSP-2'));
  assert.is(wire.times.length, 1, 'the login record waits out the Retry-After');
  await clock.run(61000);
  assert.is(device.sync.status().state, 'idle', 'after the minute everything went up and the worker idles');
  assert.is(device.queue.status().unacked, 0);
  const idleSince = wire.times.length;
  const tag = new Ntag213({ uid: [0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06] });
  field.place(tag);
  await clock.run(400);
  field.remove(tag);
  await clock.run(100);
  assert.is(wire.times.length, idleSince + 1, 'the scan woke the idle worker (its own poll is an hour away)');
  assert.is(device.queue.status().unacked, 0, 'and the ingest acknowledged it');
  await meanwhile(clock, device.stop());
  assert.is(device.sync.status().state, 'stopped');
});

test('a poll loop that dies: onFailure once, and stop still stops the sync worker', async () => {
  const clock = new VirtualClock({ auto: false });
  const field = new RfField();
  const board = await meanwhile(clock, createSimBoard({ clock, field, flash: new NorFlash({ sectorCount: 64 }), crypto, signer: ed25519Signer(crypto.ed25519!, deviceKey.privateKey), uplink: new ThrottlingIngest(() => clock.now()), feedback: quiet }));
  const uplink = board.uplink as unknown as { request: (r: UplinkRequest) => Promise<UplinkResult> };
  let calls = 0;
  const inner = uplink.request.bind(uplink);
  const counted = { request: (r: UplinkRequest) => (calls++, inner(r)) };
  const broken = Object.create(board.reader) as typeof board.reader;
  broken.activate = () => {
    throw new Error('the reader fell off the bus');
  };
  const failures: unknown[] = [];
  const device = new Device({ ...board, reader: broken, uplink: counted }, { config: config(), onFailure: (e) => failures.push(e) });
  device.start();
  await clock.run(500);
  assert.is(failures.length, 1);
  assert.match(String(failures[0]), /fell off the bus/);
  assert.is(device.sync.status().state, 'stopped', 'the failure stopped the sync worker too');
  await meanwhile(clock, device.stop());
  const before = calls;
  await clock.run(600000);
  assert.is(calls, before, 'ten minutes later the stopped device has not called the uplink again');
});

test('PC runner board: real HTTP to a loopback ingest answering 429 Retry-After 60: one upload for many taps', async () => {
  let posts = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') posts++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
      res.end('{"error":{"code":"rate-limited","message":"slow down"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-pc-board-'));
  try {
    keyStoreOf(dir).create('pc-runner-1', 'ed25519');
    const port = (server.address() as AddressInfo).port;
    const lines: string[] = [];
    const board = await createPcBoard({ deviceId: 'pc-runner-1', dataDir: dir, ingest: `http://127.0.0.1:${port}`, firmware: 'sealscan-test', queue: { segmentCount: 8, segmentSize: 65536 }, log: (l) => lines.push(l), clock: unrefClock });
    const device = new Device(board, { config: config({ deviceId: 'pc-runner-1', dedupeWindowMs: 0, pollIntervalMs: 10 }) });
    let records = 0;
    device.onTap((e) => {
      if (e.seq !== undefined) records++;
    });
    device.start();
    const until = async (cond: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
      return cond();
    };
    assert.ok(await until(() => posts === 1 && device.sync.status().state === 'backoff', 5000), 'the boot record went up and was refused');
    const tags: Picc[] = [badge('INSP-3')];
    for (let i = 0; i < 9; i++) tags.push(new Ntag213({ uid: [0x04, 0x99, 0x88, 0x77, 0x66, 0x55, i] }));
    for (const t of tags) {
      board.field.place(t);
      const before = records;
      assert.ok(await until(() => records > before, 3000), 'the tap made a record');
      board.field.remove(t);
    }
    assert.is(records, 10);
    assert.is(posts, 1, 'ten taps, still the one upload the ingest refused: the Retry-After holds');
    const next = device.sync.status().nextAttemptAt ?? 0;
    assert.ok(next - Date.now() > 50000, `the next attempt is about a minute away (${next - Date.now()} ms)`);
    await device.stop();
    assert.ok(lines.some((l) => l.startsWith('LOGGED IN')), 'the console feedback showed the login');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
