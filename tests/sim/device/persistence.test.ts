// A device with a data folder survives the process: flash image and key are files (the boot count comes from the
// newest record on the flash), and a torn write
// is in the file exactly as the NOR model kept it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp.js';
import { VirtualClock } from '../../../sim/clock.js';
import { SimDevice } from '../../../sim/device.js';
import { makeBadge } from '../../../sim/station.js';
import type { Uplink } from '../../../hal/uplink.js';

const nowhere: Uplink = { request: async () => ({ ok: false, reason: 'unreachable', message: 'no ingest in this test' }) };

async function start(dir: string, clock = new VirtualClock()) {
  return SimDevice.start({ clock, uplink: nowhere, trust: { issuers: [] }, dataDir: dir, sectors: 16 });
}

test('records, key and boot count outlive the process; the flash file mirrors the model', async () => {
  const dir = tempDir('sim');
  const a = await start(dir);
  await a.world.tap(makeBadge('INSP-9'));
  const key = a.identity.registration();
  const image = a.flashImage();
  const unacked = a.boot!.queue.status().unacked;
  await a.close();
  assert.equal(new Uint8Array(readFileSync(join(dir, 'flash.bin'))), image);
  assert.is(statSync(join(dir, 'keys', 'sim-scanner-1.key.json')).mode & 0o077, 0, 'the key file is private');
  const b = await start(dir);
  assert.is(b.boot!.number, 1, 'the boot after boot 0');
  assert.equal(b.identity.registration(), key, 'same key after a restart');
  assert.is(b.boot!.report.unacked, unacked, 'unsynced records survived');
  assert.ok(b.boot!.report.clean);
  await b.close();
});

test('a torn write reaches the file as the model keeps it, and the next process recovers from it', async () => {
  const dir = tempDir('sim');
  const a = await start(dir);
  a.cutPower('next-write', 7);
  await a.world.tap(makeBadge('INSP-9'));
  assert.not.ok(a.powered);
  const image = a.flashImage();
  await a.close();
  assert.equal(new Uint8Array(readFileSync(join(dir, 'flash.bin'))), image);
  const b = await start(dir);
  assert.is(b.boot!.number, 1);
  assert.equal(b.boot!.report.lost, [[1, 1]]);
  await b.close();
});


test.run();
