// Found by the system sweep (pass 8/20, 23-byte cuts, seed 1): reboots during a long outage each open a fresh
// segment (a torn tail seals the old one), so the system reserve runs out; the next boot then cannot store its fault
// record. Once sync freed space, the scanner went on with new records after the lost seqs without ever declaring
// them, and the ingest held everything behind that undeclared gap until some later reboot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { device, badge, tapOnce, queued, verify } from '../helpers/device.js';
import { PowerLossError } from '../../sim/flash/nor-flash.js';
import { parseCose } from '../../firmware/records/cose.js';
import { decodePayload } from '../../firmware/records/record.js';

const kinds = (records: Uint8Array[]) => records.map((r) => decodePayload(parseCose(r).payload));

test('a fault record refused for a full queue is written before any later record', async () => {
  const d = await device({ sectors: 6, config: { dedupeWindowMs: 0 } });
  d.scanner.start();
  const b = badge('INSP-1');
  // Log in and out (system records may use the reserve) until every slot is in use.
  while (d.queue.status().segmentsFree > 0) await tapOnce(d, b);
  const written = queued(d.queue);
  d.flash.cutAfter(1, 30);
  await tapOnce(d, b).then(
    () => assert.unreachable('the power was cut'),
    (e) => assert.instance(e, PowerLossError),
  );

  const again = await device({ image: d.flash.image(), sectors: 6, config: { dedupeWindowMs: 0 } });
  const lost = again.report.lost;
  assert.is(lost.length, 1, 'the torn record is reported lost');
  again.scanner.start();
  assert.is(again.queue.nextSeq, lost[0][1] + 1, 'no room even for the fault record');
  // Sync comes back and frees what the ingest acknowledged.
  again.queue.ack(lost[0][0] - 1);
  assert.ok(again.queue.status().segmentsFree > 0);
  const login = await tapOnce(again, badge('INSP-1'));
  assert.ok(login?.kind === 'login' || login?.kind === 'logout', `the badge tap gave ${login?.kind}`);

  const after = kinds(queued(again.queue));
  assert.is(after[0].kind, 'fault', `the first record after the loss declares it: ${after.map((p) => p.kind)}`);
  const fault = after[0];
  assert.ok(fault.kind === 'fault' && JSON.stringify(fault.lost) === JSON.stringify(lost));
  assert.equal(after.map((p) => p.kind).slice(1, 2), ['boot']);
  const report = verify(written.concat(queued(again.queue)));
  assert.ok(report.ok, JSON.stringify(report.devices[0]?.undeclaredGaps));
});

test.run();
