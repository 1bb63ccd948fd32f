// The simulated network: each condition does what it says, on virtual time, and reports what each request met.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../../sim/clock.js';
import { NetworkConditions, NETWORK_MODES, type UplinkExchange } from '../../../sim/network.js';
import type { Uplink, UplinkRequest } from '../../../hal/uplink.js';
import { encodeCbor } from '../../../firmware/records/cbor.js';

const ANSWER = JSON.stringify({ devices: { dev1: { ackedThrough: 4, ackedHash: null, accepted: 2, duplicates: 1, rejected: [] } }, malformed: [] });

function fixture() {
  const clock = new VirtualClock();
  const seen: UplinkRequest[] = [];
  const inner: Uplink = {
    request: async (r) => {
      seen.push(r);
      return { ok: true, response: { status: 200, headers: {}, body: new TextEncoder().encode(ANSWER) } };
    },
  };
  const net = new NetworkConditions(inner, clock, 'dev1');
  const log: UplinkExchange[] = [];
  net.onExchange((e) => log.push(e));
  const req: UplinkRequest = { method: 'POST', path: '/v1/records', headers: { 'content-type': 'application/cbor' }, body: encodeCbor([new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]), timeoutMs: 30000 };
  return { clock, seen, net, log, req };
}

test('up passes requests through unchanged and reports the ack', async () => {
  const f = fixture();
  const r = await f.net.request(f.req);
  assert.ok(r.ok && r.response.status === 200);
  assert.is(f.seen[0], f.req);
  assert.equal(f.log[0].ack, { ackedThrough: 4, accepted: 2, duplicates: 1, rejected: 0 });
  assert.is(f.log[0].records, 3);
  assert.ok(f.log[0].delivered);
});

test('down: unreachable at once, nothing delivered', async () => {
  const f = fixture();
  f.net.set({ mode: 'down' });
  const r = await f.net.request(f.req);
  assert.ok(!r.ok && r.reason === 'unreachable');
  assert.is(f.seen.length, 0);
  assert.is(f.clock.now(), 0);
  assert.not.ok(f.log[0].delivered);
});

test('http-500 and http-429 with Retry-After answer without reaching the ingest', async () => {
  const f = fixture();
  f.net.set({ mode: 'http-500' });
  const a = await f.net.request(f.req);
  assert.ok(a.ok && a.response.status === 500);
  f.net.set({ mode: 'http-429', retryAfterS: 77 });
  const b = await f.net.request(f.req);
  assert.ok(b.ok && b.response.status === 429 && b.response.headers['retry-after'] === '77');
  assert.is(f.seen.length, 0);
  assert.match(f.log[1].message, /Retry-After 77/);
});

test('slow delays by the latency, or times out when the latency is longer than the request allows', async () => {
  const f = fixture();
  f.net.set({ mode: 'slow', latencyMs: 4000 });
  const a = await f.net.request(f.req);
  assert.ok(a.ok);
  assert.ok(f.clock.now() >= 4000 && f.clock.now() < 4100);
  f.net.set({ latencyMs: 60000 });
  const b = await f.net.request(f.req);
  assert.ok(!b.ok && b.reason === 'timeout');
  assert.is(f.seen.length, 1, 'the late request never arrived');
});

test('reset-after-commit delivers the request but loses the answer; blackhole times out', async () => {
  const f = fixture();
  f.net.set({ mode: 'reset-after-commit' });
  const a = await f.net.request(f.req);
  assert.ok(!a.ok && a.reason === 'reset');
  assert.is(f.seen.length, 1);
  assert.ok(f.log[0].delivered && f.log[0].ack?.ackedThrough === 4, 'the transcript still sees what the ingest committed');
  f.net.set({ mode: 'blackhole' });
  const t0 = f.clock.now();
  const b = await f.net.request(f.req);
  assert.ok(!b.ok && b.reason === 'timeout');
  assert.ok(f.clock.now() - t0 >= 30000);
  assert.equal([...NETWORK_MODES].sort(), ['blackhole', 'down', 'http-429', 'http-500', 'reset-after-commit', 'slow', 'up']);
});

test.run();
