// The fleet day (issue 13): its alerts are exactly the ones the scenario names, each with evidence that points at
// real records of the devices that made them, and a rescan of the ingest's store afterwards finds the same alerts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScenarioLab } from '../../sim/scenarios/lab.js';
import { FLEET_DAY_ALERTS, fleetDay } from '../../sim/scenarios/fleet.js';
import { rescan } from '../../upstream/closed-loop.js';
import { nodeSha256 } from '../../hal/node/crypto.js';

test('fleet-day: the named alerts, evidence on stored records, eight devices with intact chains, rescan = live', async () => {
  const lab = await ScenarioLab.open(fleetDay.setup);
  try {
    await fleetDay.run(lab);
    assert.ok(lab.checks.length > 10 && lab.checks.every((c) => c.ok), JSON.stringify(lab.checks.filter((c) => !c.ok)));
    const alerts = await lab.alerts();
    const serial = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    assert.equal(alerts.map((a) => `${a.rule} ${serial(a.package)}`).sort(), FLEET_DAY_ALERTS.slice().sort());
    for (const a of alerts) {
      for (const e of a.evidence) {
        const r = await lab.store.records(e.device, e.seq, 1);
        assert.ok(r.length === 1 && r[0].seq === e.seq && (r[0].kind === 'scan' || r[0].kind === 'commission'), `${a.id}: ${e.device}#${e.seq}`);
      }
    }
    const devices = await lab.store.devices();
    assert.is(devices.length, 8);
    for (const d of devices) {
      const c = await lab.store.counts(d.id);
      assert.ok(c.records > 0 && c.held === 0 && c.forks.length === 0, d.id);
    }
    const shape = (xs: Array<{ id: string; severity: string; evidence: unknown }>) => xs.map((a) => JSON.stringify([a.id, a.severity, a.evidence])).sort();
    const again = await rescan(lab.store, { sha256: nodeSha256 }, {}, lab.clock.wallTime());
    assert.equal(shape(again.alerts), shape(alerts));
  } finally {
    await lab.close();
  }
});

test.run();
