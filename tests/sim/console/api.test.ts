// The console's /api over HTTP on loopback: tags, sealing, counterfeits, tapping, faults, network, power, clock,
// the ingest's view, scenarios, the event stream and the guards (host, content type, methods).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startConsole, call, until, getWithHost, type RunningConsole } from './helpers.js';

const LINK = 'https://id.gs1.org/01/09506000134352/21/API1';
let c: RunningConsole;
let base = '';

test.before(async () => {
  c = await startConsole();
  base = c.url;
});
test.after(async () => {
  await c.close();
});

async function newTag(kind: string) {
  const r = await call(base, 'POST', '/api/tags', { kind });
  assert.is(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

async function tap(id: string) {
  const r = await call(base, 'POST', '/api/reader/tap', { tag: id });
  assert.is(r.status, 200, JSON.stringify(r.json));
  return r.json.tap;
}

test('status: the scanner is on, registered and synced; the page and its scripts are served', async () => {
  const s = await until(base, (x) => x.device.power === 'on' && x.device.sync?.state === 'idle', 10000, 'first sync');
  assert.is(s.device.boot, 0, "a new scanner's first boot is boot 0 (firmware/app/boot.ts)");
  assert.is(s.device.ui.headline, 'READY');
  assert.match(s.ingest.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const page = await fetch(base + '/');
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await page.text(), /sealscan/);
  assert.is((await fetch(base + '/js/main.js')).status, 200);
  assert.is((await fetch(base + '/%2e%2e/package.json')).status, 404);
});

test('tags: make, seal, log in with a badge, tap: GENUINE and green; place and lift', async () => {
  const t = await newTag('ntag213');
  assert.is(t.link, null);
  const bad = await call(base, 'POST', `/api/tags/${t.id}/seal`, { link: 'https://example.com/not-a-digital-link' });
  assert.is(bad.status, 422);
  assert.match(bad.json.error.message, /not sealed/);
  const sealed = await call(base, 'POST', `/api/tags/${t.id}/seal`, { link: LINK });
  assert.is(sealed.status, 200);
  assert.is(sealed.json.link, LINK);
  assert.ok(sealed.json.seal.keyId);
  const badge = (await call(base, 'POST', '/api/tags', { inspector: 'INSP-42' })).json;
  assert.is(badge.badge, 'INSP-42');
  assert.is((await tap(badge.id)).kind, 'login');
  const scan = await tap(t.id);
  assert.is(scan.verdict, 'genuine');
  assert.is(scan.led, 'green');
  const s = (await call(base, 'GET', '/api/status')).json;
  assert.is(s.device.ui.headline, 'GENUINE');
  assert.is(s.device.inspector, 'INSP-42');
  const placed = await call(base, 'POST', '/api/reader/place', { tag: t.id });
  assert.ok(placed.json.tag.onReader);
  assert.is((await call(base, 'GET', '/api/status')).json.device.reader.tags.length, 1);
  const lifted = await call(base, 'POST', '/api/reader/lift', { tag: t.id });
  assert.not.ok(lifted.json.tag.onReader);
  const mem = (await call(base, 'GET', `/api/tags/${t.id}/memory`)).json;
  assert.is(mem.unit, 4);
  assert.is(mem.rows.length, 45, 'NTAG213: 45 pages');
  assert.is(mem.rows[0].slice(0, 6), t.uid.slice(0, 6).toLowerCase());
  assert.ok(Buffer.from(mem.rows.join(''), 'hex').toString('latin1').includes('id.gs1.org'), 'the link is in the NDEF message');
  assert.is(mem.signature.length, 64);
});

test('counterfeits and tamper: magic clone, copied seal, an opened TT loop', async () => {
  const tags = (await call(base, 'GET', '/api/tags')).json.tags;
  const original = tags.find((x: { link: string | null }) => x.link === LINK);
  const copy = await call(base, 'POST', `/api/tags/${original.id}/clone`, { mode: 'copy-seal' });
  assert.is(copy.status, 201);
  assert.is((await tap(copy.json.id)).verdict, 'invalid-seal');
  const magic = (await call(base, 'POST', `/api/tags/${original.id}/clone`, { mode: 'magic' })).json;
  assert.is(magic.uid, original.uid);
  // Its UID is the original's: the scanner must read and judge it all the same, with a record of its own.
  const judged = await tap(magic.id);
  assert.is(judged.verdict, 'clone-suspect');
  assert.is(judged.kind, 'scan');
  assert.ok(judged.seq !== undefined);
  // The console's skip-ahead: the scanner's clock moves on (backoff waits end, the repeat window passes).
  const t0 = (await call(base, 'GET', '/api/status')).json.clock.wallTime;
  const skipped = (await call(base, 'POST', '/api/clock', { skipMs: 3000 })).json;
  assert.is(skipped.skippedMs, 3000);
  assert.ok(skipped.wallTime - t0 >= 3000);
  assert.is((await call(base, 'POST', '/api/clock', { skipMs: -5 })).status, 400);
  const tt = await newTag('ntag213tt');
  await call(base, 'POST', `/api/tags/${tt.id}/seal`, { link: LINK + 'T' });
  const opened = await call(base, 'POST', `/api/tags/${tt.id}/tamper`, { open: true });
  assert.is(opened.json.tamper.loopClosed, false);
  assert.is((await tap(tt.id)).verdict, 'tampered');
  assert.is((await call(base, 'POST', `/api/tags/${original.id}/tamper`, { open: true })).status, 422);
  assert.is((await call(base, 'DELETE', `/api/tags/${magic.id}`)).status, 200);
  assert.is((await call(base, 'POST', '/api/reader/tap', { tag: magic.id })).status, 404);
});

test('faults: pull-away mid-read gives UNREADABLE and the tag leaves the reader; weak field, drop, corrupt', async () => {
  const tags = (await call(base, 'GET', '/api/tags')).json.tags;
  const original = tags.find((x: { link: string | null }) => x.link === LINK);
  await call(base, 'POST', '/api/clock', { skipMs: 3000 });
  const before = (await call(base, 'GET', '/api/status')).json.device.scans;
  assert.is((await call(base, 'POST', '/api/reader/pull-away', { tag: original.id, afterBytes: 40 })).status, 200);
  const s = await until(base, (x) => x.device.scans > before, 5000, 'the pulled tag to be judged');
  assert.is(s.device.ui.headline.split(' ')[0], 'NOT');
  assert.not.ok(s.tags.find((x: { id: string }) => x.id === original.id).onReader);
  assert.ok((await call(base, 'POST', '/api/faults', { kind: 'weak-field', on: true })).json.reader.weakField);
  assert.not.ok((await call(base, 'POST', '/api/faults', { kind: 'weak-field', on: false })).json.reader.weakField);
  assert.is((await call(base, 'POST', '/api/faults', { kind: 'drop', count: 1 })).status, 200);
  assert.is((await call(base, 'POST', '/api/faults', { kind: 'corrupt' })).status, 200);
  assert.is((await call(base, 'POST', '/api/faults', { kind: 'gremlins' })).status, 400);
});

test('network: down grows the queue, up and sync now drain it; the ingest shows the records decoded', async () => {
  const tags = (await call(base, 'GET', '/api/tags')).json.tags;
  const original = tags.find((x: { link: string | null }) => x.link === LINK);
  assert.is((await call(base, 'POST', '/api/network', { mode: 'down' })).json.mode, 'down');
  await call(base, 'POST', '/api/clock', { skipMs: 3000 });
  await tap(original.id);
  await until(base, (x) => x.device.queue.unacked >= 1 && x.device.sync.state === 'backoff', 5000, 'a backlog');
  assert.is((await call(base, 'POST', '/api/network', { mode: 'sideways' })).status, 400);
  await call(base, 'POST', '/api/network', { mode: 'up' });
  await call(base, 'POST', '/api/sync');
  await until(base, (x) => x.device.queue.unacked === 0, 10000, 'the queue to drain');
  const ingest = (await call(base, 'GET', '/api/ingest')).json;
  assert.is(ingest.devices[0].chain, 'intact');
  const recs = (await call(base, 'GET', '/api/ingest/records?last=5')).json.records;
  assert.is(recs.length, 5);
  assert.ok(recs.some((r: { kind: string; payload: { verdict?: string } }) => r.kind === 'scan' && r.payload.verdict));
  assert.is((await call(base, 'GET', '/api/ingest/records?device=nobody')).status, 404);
});

test('power: a cut during the next write, power on: boot 2, the lost seq declared at the ingest', async () => {
  const tags = (await call(base, 'GET', '/api/tags')).json.tags;
  const badge = tags.find((x: { badge: string | null }) => x.badge);
  await call(base, 'POST', '/api/network', { mode: 'down' });
  const cut = await call(base, 'POST', '/api/power', { action: 'cut-next-write', bytes: 10 });
  assert.ok(cut.json.flash.cutArmed);
  await call(base, 'POST', '/api/reader/tap', { tag: badge.id });
  const off = await until(base, (x) => x.device.power === 'off', 5000, 'the power to go');
  assert.is(off.device.off.cause, 'cut-during-write');
  const on = await call(base, 'POST', '/api/power', { action: 'on' });
  assert.is(on.json.boot, 1);
  assert.is(on.json.recovery.lost.length, 1);
  await call(base, 'POST', '/api/network', { mode: 'up' });
  await call(base, 'POST', '/api/sync');
  await until(base, (x) => x.device.queue.unacked === 0, 10000, 'the fault record to sync');
  const dev = (await call(base, 'GET', '/api/ingest')).json.devices[0];
  assert.is(dev.gaps.declared.length, 1);
  assert.is(dev.gaps.undeclared.length, 0);
  assert.is(dev.chain, 'intact');
  assert.is((await call(base, 'POST', '/api/power', { action: 'cut-now' })).json.power, 'off');
  assert.is((await call(base, 'POST', '/api/power', { action: 'reset' })).json.power, 'on');
  assert.is((await call(base, 'POST', '/api/power', { action: 'explode' })).status, 400);
});

test('closed loop: a seal is a commission record of the station; the package story by UID; a copied seal raises an alert, acked here', async () => {
  const t = await newTag('ntag213');
  const link = LINK + 'CL';
  assert.is((await call(base, 'POST', `/api/tags/${t.id}/seal`, { link })).status, 200);
  await call(base, 'POST', '/api/clock', { skipMs: 3000 });
  const badge = (await call(base, 'GET', '/api/tags')).json.tags.find((x: { badge: string | null }) => x.badge);
  assert.is((await tap(badge.id)).kind, 'login', 'the reset before logged the inspector out');
  assert.is((await tap(t.id)).verdict, 'genuine');
  const story = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const r = await call(base, 'GET', '/api/packages/' + id);
      if (r.status === 200 && r.json.packages[0].timeline.length >= 2) return r.json.packages[0];
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('no story of ' + id);
  };
  const p = await story(t.uid);
  assert.is(p.link, link);
  assert.is(p.commissioned.device, 'sim-station-1');
  assert.is(p.commissioned.site, 'sim-plant-1');
  assert.equal(p.timeline.map((e: { step: string; device: string }) => `${e.step} ${e.device}`), ['commissioning sim-station-1', 'inspecting sim-scanner-1']);
  assert.is((await call(base, 'GET', '/api/packages/' + encodeURIComponent('https://id.gs1.org/01/09506000134352/21/NOBODY'))).status, 404);
  assert.is((await call(base, 'GET', '/api/packages/zz')).status, 400);

  const copy = (await call(base, 'POST', `/api/tags/${t.id}/clone`, { mode: 'copy-seal' })).json;
  assert.is((await tap(copy.id)).verdict, 'invalid-seal');
  let open: Array<{ id: string; rule: string; package: string }> = [];
  for (let i = 0; i < 100 && !open.some((a) => a.rule === 'copied-seal' && a.package === link); i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    open = (await call(base, 'GET', '/api/alerts')).json.alerts;
  }
  const copied = open.find((a) => a.rule === 'copied-seal' && a.package === link);
  assert.ok(copied, JSON.stringify(open));
  const ack = await call(base, 'POST', `/api/alerts/${encodeURIComponent(copied!.id)}/ack`, { by: 'tester' });
  assert.is(ack.status, 200);
  assert.is(ack.json.ackedBy, 'tester');
  assert.not.ok((await call(base, 'GET', '/api/alerts')).json.alerts.some((a: { id: string }) => a.id === copied!.id));
  assert.ok((await call(base, 'GET', '/api/alerts?state=acked')).json.alerts.some((a: { id: string }) => a.id === copied!.id));
  assert.is((await call(base, 'GET', '/api/alerts?state=maybe')).status, 400);
  assert.is((await call(base, 'POST', '/api/alerts/nope/ack', {})).status, 404);
  assert.is((await call(base, 'POST', `/api/alerts/${encodeURIComponent(copied!.id)}/ack`, { by: '' })).status, 400);
});

test('the step button: the console scanner goes through every step, shown on the display and in the status', async () => {
  const before = (await call(base, 'GET', '/api/status')).json.device;
  assert.is(before.step, 'inspecting');
  assert.equal(before.steps, ['receiving', 'shipping', 'dispensing', 'inspecting', 'exporting', 'destroying']);
  const r = await call(base, 'POST', '/api/step-button');
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.json.tap.kind, 'step');
  assert.is(r.json.tap.headline, 'STEP: EXPORTING');
  assert.is(r.json.status.step, 'exporting');
  for (let i = 0; i < 5; i++) await call(base, 'POST', '/api/step-button');
  assert.is((await call(base, 'GET', '/api/status')).json.device.step, 'inspecting', 'six presses: all the way round to where it started');
});

test('scenarios run from the console, isolated from the live scanner', async () => {
  const list = (await call(base, 'GET', '/api/scenarios')).json.scenarios;
  assert.ok(list.some((s: { name: string }) => s.name === 'tap-sealed'));
  const r = await call(base, 'POST', '/api/scenarios/tap-sealed/run');
  assert.ok(r.json.ok);
  assert.ok(r.json.lines.length > 5);
  const fleet = await call(base, 'POST', '/api/scenarios/fleet-day/run');
  assert.ok(fleet.json.ok, JSON.stringify(fleet.json.checks.filter((x: { ok: boolean }) => !x.ok)));
  assert.ok(fleet.json.lines.some((l: { text: string }) => l.text.startsWith('alert critical copied-seal')));
  assert.is((await call(base, 'POST', '/api/scenarios/nope/run')).status, 404);
});

test('guards: unknown routes, methods, body types, foreign Host headers; the event stream says hello', async () => {
  assert.is((await call(base, 'GET', '/api/nothing')).status, 404);
  assert.is((await call(base, 'PUT', '/api/tags', {})).status, 405);
  assert.is((await call(base, 'POST', '/api/network', 'mode=down', { 'content-type': 'text/plain' })).status, 415);
  assert.is(await getWithHost(base, '/api/status', 'evil.example:80'), 403, 'DNS rebinding: a foreign Host is refused');
  assert.is(await getWithHost(base, '/api/status', 'localhost:1234'), 200);
  assert.is((await call(base, 'POST', '/api/sync', '', { 'content-type': 'text/plain' })).status, 415);
  assert.is((await call(base, 'POST', '/api/tags', { kind: 'floppy' })).status, 400);
  const ctl = new AbortController();
  const res = await fetch(base + '/api/events', { signal: ctl.signal });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
  ctl.abort();
});

test('everything outlives a restart: flash, boot count, tags, the ingest database', async () => {
  const before = (await call(base, 'GET', '/api/status')).json;
  const dir = c.dataDir;
  await c.close();
  c = await startConsole(dir);
  base = c.url;
  const after = (await call(base, 'GET', '/api/status')).json;
  assert.is(after.device.boot, before.device.boot + 1);
  assert.equal(after.tags.map((t: { id: string; uid: string }) => t.id + t.uid), before.tags.map((t: { id: string; uid: string }) => t.id + t.uid));
  assert.ok((await call(base, 'GET', '/api/ingest')).json.devices[0].records >= 10);
});

test.run();
