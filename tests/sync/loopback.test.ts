// The sync worker over real HTTP (hal/node HttpUplink) against a real ingest on loopback, with a fault-injecting
// front: connection refused while the ingest is down, a slow answer past the request timeout, 500, 429 with
// Retry-After, and a connection destroyed after the ingest committed the batch (the lost ack). In every case
// nothing is lost (all acked in the end) and nothing is stored twice. Real time, with short backoff settings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SyncWorker } from '../../firmware/sync/index.js';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { SystemClock } from '../../hal/node/clock.js';
import { createIngestServer } from '../../upstream/server.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { decodeCbor } from '../../firmware/records/cbor.js';
import { crypto } from '../../sim/sweeps/fixtures.js';
import { DEVICE, simDevice, storedSeqs } from '../../sim/sweeps/ingest-kit.js';

type Fault = 'ok' | 'slow' | '500' | '429' | 'reset-after-commit';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

test('network down, slow, 500, 429 and a lost ack: every record acked in the end, each stored once', async () => {
  const store = new SqliteStore(':memory:');
  await store.register({ id: DEVICE.id, alg: 'ed25519', key: DEVICE.key.alg === -8 ? DEVICE.key.publicKey : new Uint8Array() }, 0);
  const { server: inner, ingest } = createIngestServer({ store });
  const forward = inner.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  const faults: Fault[] = ['slow', '500', '429', 'reset-after-commit', 'ok', 'reset-after-commit'];
  const seen: Fault[] = [];
  const front = createServer();
  front.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const f = faults.shift() ?? 'ok';
    seen.push(f);
    if (f === 'ok') return forward(req, res);
    if (f === 'slow') return void setTimeout(() => forward(req, res), 400);
    const b = await body(req);
    if (f === '500') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"scripted"}}');
    else if (f === '429') res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":{"code":"busy","message":"scripted"}}');
    else {
      await ingest.ingest(decodeCbor(new Uint8Array(b)) as Uint8Array[]);
      req.socket.destroy();
    }
  });

  const port = await freePort();
  const dev = simDevice(130);
  const clock = new SystemClock();
  const worker = new SyncWorker({
    device: DEVICE.id, queue: dev.queue, uplink: new HttpUplink(`http://127.0.0.1:${port}`), clock, sha256: crypto,
    maxCount: 40, requestTimeoutMs: 250, backoff: { baseMs: 20, capMs: 200 },
    // Clock.sleep cannot be cancelled: a short idle poll lets the process end soon after stop().
    idlePollMs: 200,
  });
  try {
    worker.start();
    // Down: nothing listens on the port yet.
    await clock.sleep(150);
    const down = worker.status();
    assert.is(down.lastError?.kind, 'unreachable');
    assert.is(down.queueDepth, 130);
    assert.is(seen.length, 0);
    await new Promise<void>((r) => front.listen(port, '127.0.0.1', r));
    const deadline = Date.now() + 15_000;
    while (dev.queue.status().unacked > 0 && Date.now() < deadline) await clock.sleep(20);
    assert.is(dev.queue.status().unacked, 0, JSON.stringify(worker.status()));
    assert.equal(storedSeqs(store), [...Array(130).keys()]);
    assert.equal(seen.slice(0, 6), ['slow', '500', '429', 'reset-after-commit', 'ok', 'reset-after-commit']);
    const s = worker.status();
    assert.is(s.recordsAcked, 130);
    assert.ok(s.recordsSent > 130, 'some batches went twice');
  } finally {
    await worker.stop();
    front.closeAllConnections();
    await new Promise<void>((r) => front.close(() => r()));
    await store.close();
  }
});

test.run();
