// SimDevice end to end on virtual time with the in-process ingest: taps become records that the ingest acknowledges;
// power cuts end a boot for good, and the next boot recovers, counts on and declares what was lost.
import { FIRST, readRecords } from '../../../upstream/export.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScenarioLab } from '../../../sim/scenarios/lab.js';
import { decodePayload } from '../../../firmware/records/record.js';
import { parseCose } from '../../../firmware/records/cose.js';
import type { DeviceEvent } from '../../../sim/device.js';

async function records(lab: ScenarioLab) {
  const out = [];
  for await (const batch of readRecords(lab.store, FIRST, Infinity, lab.device.config.deviceId)) for (const r of batch) out.push(decodePayload(parseCose(r.bytes).payload));
  return out;
}

test('a tap becomes a record, durable before the verdict, synced and acknowledged by the ingest', async () => {
  const lab = await ScenarioLab.open();
  const tag = await lab.sealed('ntag213');
  await lab.device.powerOn();
  const d = lab.device;
  assert.is((await d.world.tap(lab.badge('INSP-1')))?.kind, 'login');
  let durable = -1;
  d.on((e) => {
    if (e.type === 'tap') durable = d.boot!.queue.nextSeq;
  });
  const t = await d.world.tap(tag);
  assert.is(t?.verdict, 'genuine');
  assert.is(t?.led, 'green');
  assert.is(durable, (t?.seq ?? -9) + 1, 'the record was in the queue when the verdict was given');
  assert.ok(await lab.synced(30000));
  const s = await lab.ingestStatus();
  assert.is(s.ackedThrough, t!.seq);
  assert.is(s.chain, 'intact');
  const scan = (await records(lab)).find((p) => p.seq === t!.seq);
  assert.ok(scan && scan.kind === 'scan' && scan.verdict === 'genuine' && scan.inspector === 'INSP-1');
  assert.is(d.status().queue?.unacked, 0);
  assert.is(d.status().sync?.state, 'idle');
  await lab.close();
});

test('a power cut during a scan: no verdict, reboot with boot + 1, a fault record, declared gap only at the ingest', async () => {
  const lab = await ScenarioLab.open();
  const tag = await lab.sealed('ntag213');
  await lab.device.powerOn();
  const d = lab.device;
  await d.world.tap(lab.badge('INSP-1'));
  assert.ok(await lab.synced(30000));
  d.setNetwork({ mode: 'down' });
  const lostSeq = d.boot!.queue.nextSeq;
  const firstBoot = d.boot!.number;
  d.cutPower('next-write', 12);
  assert.ok(d.status().flash.cutArmed);
  assert.is(await d.world.tap(tag), null);
  assert.not.ok(d.powered);
  assert.is(d.status().power, 'off');
  assert.is(d.status().off?.cause, 'cut-during-write');
  const recovery = await d.powerOn();
  assert.equal(recovery.lost, [[lostSeq, lostSeq]]);
  assert.is(d.boot!.number, firstBoot + 1);
  d.setNetwork({ mode: 'up' });
  assert.ok(await lab.synced(600000));
  const all = await records(lab);
  const fault = all.find((p) => p.kind === 'fault');
  assert.ok(fault && fault.kind === 'fault');
  if (fault?.kind === 'fault') assert.equal(fault.lost, [[lostSeq, lostSeq]]);
  assert.equal(all.map((p) => p.boot), all.map((p) => (p.seq < lostSeq ? firstBoot : firstBoot + 1)), 'boot count goes up by one with the reboot');
  assert.not.ok(all.some((p) => p.seq === lostSeq));
  const report = await lab.verifyIngest();
  assert.ok(report.ok, JSON.stringify(report.devices[0]?.firstBreak));
  assert.equal(report.devices[0].declaredGaps.map((g) => [g.first, g.last]), [[lostSeq, lostSeq]]);
  assert.equal(report.devices[0].undeclaredGaps, []);
  await lab.close();
});

test('a cut between operations in the middle of a read loses nothing; the dead boot never acts again', async () => {
  const lab = await ScenarioLab.open();
  const tag = await lab.sealed('ntag215');
  await lab.device.powerOn();
  const d = lab.device;
  await d.world.tap(lab.badge('INSP-1'));
  const seq = d.boot!.queue.nextSeq;
  const firstBoot = d.boot!.number;
  let exchanges = 0;
  const off = d.field.addFault((_f, _c, next) => {
    if (++exchanges === 12) d.cutPower('now');
    return next();
  });
  const events: DeviceEvent[] = [];
  d.on((e) => events.push(e));
  d.world.place(tag);
  await lab.clock.sleep(3000);
  off();
  assert.not.ok(d.powered);
  assert.is(d.status().off?.cause, 'cut-now');
  assert.not.ok(d.field.fieldOn(), 'the antenna went dark with the chip');
  const after = events.slice(events.findIndex((e) => e.type === 'power') + 1);
  assert.equal(after.filter((e) => e.type !== 'world'), [], 'nothing from the dead boot: ' + JSON.stringify(after));
  const r = await d.powerOn();
  assert.equal(r.lost, []);
  assert.is(r.nextSeq, seq, 'no seq was used by the cut-off read');
  assert.is(d.boot!.number, firstBoot + 1);
  assert.is(d.status().inspector, null, 'a reboot logs the inspector out');
  d.world.remove(tag);
  await lab.close();
});

test('a firmware exception ends the boot as a crash, and a reset reboots with its reason', async () => {
  const lab = await ScenarioLab.open();
  await lab.device.powerOn();
  const d = lab.device;
  const q = d.boot!.queue;
  q.append = () => {
    throw new Error('simulated bug');
  };
  await d.world.tap(lab.badge('INSP-1'));
  assert.not.ok(d.powered);
  assert.is(d.status().off?.cause, 'crash');
  assert.match(d.status().off?.message ?? '', /simulated bug/);
  await d.powerOn();
  await d.reset('software');
  assert.is(d.boot!.number, 2);
  assert.ok(await lab.synced(30000));
  const boots = (await records(lab)).filter((p) => p.kind === 'boot');
  assert.equal(boots.map((b) => (b.kind === 'boot' ? [b.boot, b.reset] : [])), [[0, 'power-on'], [1, 'power-on'], [2, 'software']]);
  await lab.close();
});

test.run();
