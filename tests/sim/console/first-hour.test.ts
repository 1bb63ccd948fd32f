// The console as a newcomer first meets it (issue 12, "The console"): a demo shelf to try at once, a tap under a
// weak field that says it was not read, and a log that says records are waiting when the ingest cannot be reached.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { startConsole, call, until, type RunningConsole } from './helpers.js';

let c: RunningConsole;
let base = '';

test.before(async () => {
  c = await startConsole();
  base = c.url;
  await until(base, (x) => x.device.sync?.state === 'idle', 10000, 'first sync');
});
test.after(async () => {
  await c.close();
  rmSync(c.dataDir, { recursive: true, force: true });
});

async function tap(id: string) {
  const r = await call(base, 'POST', '/api/reader/tap', { tag: id });
  assert.is(r.status, 200, JSON.stringify(r.json));
  return r.json.tap;
}

const logTexts = async (): Promise<string[]> => (await call(base, 'GET', '/api/log')).json.entries.map((e: { text: string }) => e.text);

test('demo shelf: a badge, two sealed packages and two counterfeits, each judged as it should be', async () => {
  assert.equal((await call(base, 'GET', '/api/tags')).json.tags, [], 'the first screen has an empty shelf');
  const r = await call(base, 'POST', '/api/tags/demo');
  assert.is(r.status, 201, JSON.stringify(r.json));
  const [badge, ntag, tt, magic, copy] = r.json.tags;
  assert.equal(r.json.tags.map((t: { label: string }) => t.label), ['badge INSP-007', 'sealed ntag213', 'sealed ntag213tt', `magic clone of ${ntag.id}`, `copied seal of ${ntag.id}`]);
  assert.is(badge.badge, 'INSP-007');
  assert.equal([ntag.kind, tt.kind, magic.kind, copy.kind], ['ntag213', 'ntag213tt', 'ntag213', 'ntag213']);
  assert.ok(ntag.seal && tt.seal && magic.seal && copy.seal, 'all four carry the seal bytes');
  assert.is(magic.uid, ntag.uid, 'the magic clone answers with the original UID');
  assert.is.not(copy.uid, ntag.uid, 'the copied seal sits on another tag');
  assert.is((await call(base, 'GET', '/api/tags')).json.tags.length, 5, 'they are on the shelf');
  assert.is((await tap(badge.id)).kind, 'login');
  assert.equal([(await tap(ntag.id)).verdict, (await tap(tt.id)).verdict, (await tap(magic.id)).verdict, (await tap(copy.id)).verdict], ['genuine', 'genuine', 'clone-suspect', 'invalid-seal']);
});

test('a tap under a weak field: the display and the tap say NO READ, and nothing is recorded', async () => {
  const ntag = (await call(base, 'GET', '/api/tags')).json.tags.find((t: { label: string }) => t.label === 'sealed ntag213');
  const before = (await call(base, 'GET', '/api/status')).json.device.queue.nextSeq;
  await call(base, 'POST', '/api/faults', { kind: 'weak-field', on: true });
  try {
    const t = await tap(ntag.id);
    assert.is(t?.kind, 'no-read', JSON.stringify(t));
    assert.is(t.headline, 'NO READ');
    assert.is(t.detail, 'Hold the tag still, closer');
    assert.is(t.led, 'amber');
    assert.is(t.verdict, undefined);
    const s = (await call(base, 'GET', '/api/status')).json.device;
    assert.equal([s.ui.headline, s.ui.detail], ['NO READ', 'Hold the tag still, closer']);
    assert.is(s.queue.nextSeq, before, 'no record');
    const log = await logTexts();
    assert.ok(log.some((l) => l.startsWith('NO READ · Hold the tag still, closer  [LED amber')), log.slice(-6).join('\n'));
    assert.ok(log.includes('no-read: nothing recorded'), log.slice(-6).join('\n'));
  } finally {
    await call(base, 'POST', '/api/faults', { kind: 'weak-field', on: false });
  }
  assert.is((await tap(ntag.id)).verdict, 'genuine', 'held flat on a good field, it reads');
});

test('the ingest out of reach: the log says the records are waiting, not that they were sent', async () => {
  const ntag = (await call(base, 'GET', '/api/tags')).json.tags.find((t: { label: string }) => t.label === 'sealed ntag213tt');
  await until(base, (x) => x.device.queue.unacked === 0, 10000, 'synced');
  await call(base, 'POST', '/api/network', { mode: 'down' });
  try {
    assert.is((await tap(ntag.id)).kind, 'scan');
    await until(base, (x) => x.device.sync.state === 'backoff', 5000, 'a failed upload');
    const log = await logTexts();
    const line = log.find((l) => l.startsWith('could not reach the ingest'));
    assert.is(line, 'could not reach the ingest (1 record waiting): network down (simulated): no route to the ingest', log.slice(-6).join('\n'));
    assert.not.ok(log.some((l) => /^sent .*unreachable/.test(l)), 'nothing claims to have been sent');
  } finally {
    await call(base, 'POST', '/api/network', { mode: 'up' });
  }
});

test.run();
