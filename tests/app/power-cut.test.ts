// Power cuts on the whole simulated scanner: cut at every flash operation of a workload of taps, reboot on what
// survived, and check that every scan the inspector was told about is on the device, no seq was reused, the boot
// number grew, and the stream verifies with declared gaps only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { device, badge, tapOnce, queued, verify, crypto, issuer } from '../helpers/device.js';
import { Ntag213 } from '../../sim/tags/index.js';
import { PowerLossError } from '../../sim/flash/nor-flash.js';
import { sealTag } from '../../firmware/seals/sealer.js';
import { parseCose } from '../../firmware/records/cose.js';
import { decodePayload } from '../../firmware/records/record.js';
import { world } from '../../sim/sweeps/world.js';

async function sealedTag(): Promise<Ntag213> {
  const tag = new Ntag213();
  const w = await world([tag]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  const s = await sealTag(w.reader, a.value, { link: 'https://id.gs1.org/01/09506000134352/21/9', issuer, sealedAt: 1 }, crypto);
  if (!s.ok) throw new Error('seal');
  w.field.remove(tag);
  return tag;
}

interface Told {
  seq: number;
  bytes: Uint8Array;
}

/** Runs boot + login + taps until the flash dies; returns the records the inspector was told about. */
async function workload(d: Awaited<ReturnType<typeof device>>, tag: Ntag213, taps: number, told: Told[]): Promise<boolean> {
  d.scanner.onTap((e) => {
    if (e.kind === 'scan' && e.seq !== undefined) told.push({ seq: e.seq, bytes: new Uint8Array(0) });
  });
  try {
    d.scanner.start();
    await tapOnce(d, badge('INSP-1'));
    for (let i = 0; i < taps; i++) await tapOnce(d, tag);
    return true;
  } catch (e) {
    if (e instanceof PowerLossError || (e as Error).name === 'PowerLossError') return false;
    throw e;
  }
}

test('cut at every flash operation of a 12-tap workload; reboot; nothing told is lost', async () => {
  const tag = await sealedTag();
  // Count the operations of an uncut run.
  const probe = await device({ config: { dedupeWindowMs: 0, checkpointEvery: 4 } });
  await workload(probe, tag, 12, []);
  const ops = probe.flash.stats.programs + probe.flash.stats.erases;
  assert.ok(ops > 20, `workload used ${ops} flash operations`);
  let cuts = 0;
  for (let n = 1; n <= ops; n++) {
    for (const bytes of [undefined, 7]) {
      const d = await device({ config: { dedupeWindowMs: 0, checkpointEvery: 4 } });
      d.flash.cutAfter(n, bytes);
      const told: Told[] = [];
      const finished = await workload(d, tag, 12, told);
      if (finished) continue;
      cuts++;
      const firstBoot = d.scanner.status().boot;
      const image = d.flash.image();
      const again = await device({ image, config: { dedupeWindowMs: 0, checkpointEvery: 4 } });
      const survivors = queued(again.queue).map((r) => decodePayload(parseCose(r).payload).boot);
      const newBoot = again.scanner.status().boot;
      assert.ok(newBoot >= firstBoot && survivors.every((b) => newBoot > b), `cut ${n}: boot ${newBoot} after ${firstBoot}, survivors ${survivors}`);
      if (survivors.length) assert.ok(newBoot > firstBoot, `cut ${n}: boot number grew`);
      again.scanner.start();
      const records = queued(again.queue);
      const payloads = records.map((r) => decodePayload(parseCose(r).payload));
      const seqs = new Set(payloads.map((p) => p.seq));
      for (const t of told) assert.ok(seqs.has(t.seq), `cut ${n}/${bytes}: told seq ${t.seq} survives`);
      const report = verify(records);
      const dev = report.devices[0];
      assert.ok(report.ok, `cut ${n}/${bytes}: ${JSON.stringify(dev?.firstBreak ?? report.malformed)} undeclared ${JSON.stringify(dev?.undeclaredGaps)}`);
      assert.is(dev.forks.length, 0);
      const kinds = payloads.map((p) => p.kind);
      assert.is(kinds[kinds.length - 1], 'boot', 'the reboot wrote its boot record last');
      if (again.report.lost.length) assert.ok(kinds.includes('fault'), `cut ${n}: the loss is declared`);
    }
  }
  assert.ok(cuts >= ops, `${cuts} cuts`);
  console.log(`  ${cuts} power cuts over ${ops} flash operations`);
});

test.run();
