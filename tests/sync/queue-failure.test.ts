// A queue that throws (a storage error) does not take the worker down: the error is reported, retried with
// backoff, and sync goes on once the storage works again. A worker stopped meanwhile just ends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyncWorker, type SyncQueue } from '../../firmware/sync/index.js';
import { VirtualClock } from '../../sim/clock.js';
import { crypto } from '../../sim/sweeps/fixtures.js';
import { DEVICE, memoryIngest, ScriptedUplink, simDevice } from '../../sim/sweeps/ingest-kit.js';

test('read throwing: reported as a queue error, backed off, and recovered from', async () => {
  const clock = new VirtualClock({ auto: false });
  const dev = simDevice(30);
  let broken = 3;
  const queue: SyncQueue = {
    read: (l) => {
      if (broken > 0) {
        broken--;
        throw new Error('STORAGE_IO: flash read failed');
      }
      return dev.queue.read(l);
    },
    ack: (s) => dev.queue.ack(s),
    status: () => dev.queue.status(),
  };
  const { ingest } = await memoryIngest();
  const worker = new SyncWorker({ device: DEVICE.id, queue, uplink: new ScriptedUplink(ingest, () => clock.now()), clock, sha256: crypto, random: () => 0.5 });
  worker.start();
  await clock.run(100);
  const s = worker.status();
  assert.is(s.state, 'backoff');
  assert.equal({ kind: s.lastError?.kind, permanent: s.lastError?.permanent }, { kind: 'queue', permanent: false });
  assert.match(s.lastError!.message, 'flash read failed');
  await clock.run(60_000);
  assert.is(dev.queue.status().unacked, 0);
  assert.is(worker.status().state, 'idle');
  await worker.stop();
});

test('a worker stopped while the queue throws ends without a rejection', async () => {
  const clock = new VirtualClock({ auto: false });
  const dev = simDevice(3);
  let worker: SyncWorker | undefined;
  const queue: SyncQueue = {
    read: () => {
      void worker!.stop();
      throw new Error('POWER_LOSS');
    },
    ack: () => undefined,
    status: () => dev.queue.status(),
  };
  const { ingest } = await memoryIngest();
  worker = new SyncWorker({ device: DEVICE.id, queue, uplink: new ScriptedUplink(ingest, () => clock.now()), clock, sha256: crypto });
  worker.start();
  await clock.run(10);
  await worker.stop();
  assert.is(worker.status().state, 'stopped');
});

test.run();
