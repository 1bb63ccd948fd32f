// The simulated scanner is importable by package name, like the chip and the tags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('sealscan/sim exports SimDevice, PacedClock, NetworkConditions and IngestUplink', async () => {
  const sim = await import('sealscan/sim');
  assert.type(sim.SimDevice.start, 'function');
  assert.type(sim.PacedClock, 'function');
  assert.type(sim.NetworkConditions, 'function');
  assert.type(sim.IngestUplink, 'function');
  assert.ok(sim.NETWORK_MODES.includes('reset-after-commit'));
});

test.run();
