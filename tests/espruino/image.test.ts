// The Espruino device image as built (dist/espruino/firmware.js), run in a node:vm context that offers only what the
// Espruino interpreter offers: no Map, Set, Symbol, Date.UTC, Math.imul, Array.from, Object.freeze, RangeError or
// Promise.race/finally, and `slice` on typed arrays returning a plain Array. Its SPI is the simulated MFRC522 with
// sealed tags, its Storage a double with the interpreter's NOR semantics, its http a bridge to a real
// `sealscan ingest`. The records it makes are accepted by the ingest and `sealscan verify` checks the export.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { ingestProcess, sealscanIn, until } from '../helpers/cli.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { createServer, request as httpRequest } from 'node:http';
import { parse } from 'acorn';
import { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { readTagFile } from '../../sim/tag-reader.js';
import type { Picc } from '../../sim/rf/air.js';
import { FakeStorage } from '../helpers/espruino-fakes.js';
import { espruinoContext, readImage } from '../helpers/espruino-vm.js';
import { hexLiteral } from '../../hal/hex.js';
import { interpreterShim, startChipHost } from '../../sim/espruino/chip-host.js';
import { registerDevice, startIngestHost } from '../../sim/ingest-host.js';
import type { SelftestData } from '../../sim/selftest-data.js';

const root = new URL('../../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sealscan-espruino-image-'));
const sealscan = sealscanIn(dir);
let ingest: ChildProcess;
let url = '';

test.before(async () => {
  ({ child: ingest, url } = await ingestProcess(dir, join(dir, 'ingest.db'), 'tok-espruino-image-1'));
});

test.after(() => {
  ingest.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});


/**
 * An Espruino-shaped context with Storage holding a device's configuration (`ingest` its uplink, a queue of four 8 KB
 * segments) and HMAC key, and the simulated chip with an empty field: what firmware.js boots into.
 */
function vmDevice(deviceId: string, ingest: string, key: string, issuer: { name: string; publicKey: string }, pollIntervalMs: number) {
  const storage = new FakeStorage();
  storage.write('sealscan.json', JSON.stringify({
    format: 'sealscan-espruino/1', deviceId, site: '9506000134352', ingest, dedupeWindowMs: 0, pollIntervalMs,
    issuers: [{ name: issuer.name, publicKey: issuer.publicKey }], pins: { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5' }, queue: { segmentCount: 4, segmentSize: 8192 },
  }));
  storage.write('sealscan.key', key);
  const field = new RfField();
  const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
  const log: string[] = [];
  return { storage, field, log, ...espruinoContext({ storage, chip, log }) };
}

/** Holds tag file `file` (under tags/) to the reader for 400 ms, then takes it away for 100 ms. */
async function tapIn(field: RfField, file: string): Promise<void> {
  const tag: Picc = readTagFile(join(dir, 'tags', file)).tag;
  field.place(tag);
  await new Promise((r) => setTimeout(r, 400));
  field.remove(tag);
  await new Promise((r) => setTimeout(r, 100));
}

test('npm run build:espruino writes firmware.js, which passes the image check', () => {
  const r = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/build.js')], { cwd: root, encoding: 'utf8', timeout: 300000 });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /dist\/espruino\/firmware\.js {2}[\d.]+ KB pretokenised \([\d.]+ KB minified\)/);
  // Every class of the device left its TypeScript function for the image's scope (scripts/espruino/flatten.ts).
  const m = /firmware\.js .* (\d+) classes moved out of their functions(, \d+ kept)?/.exec(r.stdout);
  assert.ok(m && Number(m[1]) >= 20 && !m[2], r.stdout);
  // Methods only the Pi and the simulator call stay out (scripts/espruino/prune.ts); those a tap and a sync run
  // through are named in the image, so none of them may be among those left out.
  const unused = (JSON.parse(readFileSync(join(root, 'dist/espruino/report.json'), 'utf8')) as { firmware: { unused: string[] } }).firmware.unused;
  assert.ok(unused.some((u) => u.endsWith('.powerDown')), unused.join(' '));
  for (const name of ['transceive', 'handlePackage', 'append', 'readMany', 'send']) assert.not.ok(unused.some((u) => u.endsWith('.' + name)), name);
  // Property names: what Espruino's own objects answer to keeps its name; the image's own methods are shortened.
  const text = readImage(join(root, 'dist/espruino/firmware.js'));
  for (const name of ['SHA256', 'hwRand', 'statusCode', 'toUint8Array', 'usage', 'setup']) assert.ok(text.includes('.' + name), name);
  for (const name of ['handlePackage', 'transceive', 'readWithRetries', 'ensureTimeout']) assert.not.ok(text.includes(name), name);
  const c = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/check.js'), join(root, 'dist/espruino/firmware.js')], { encoding: 'utf8' });
  assert.is(c.status, 0, c.stdout);
  assert.is(c.stdout.trim(), 'ok');
});

test('the image runs at the top level: aliases of the built-ins it reads first, each of which the interpreter has; no name of a pin or of E', () => {
  const text = readImage(join(root, 'dist/espruino/firmware.js'));
  const first = /^var ((?:\$[a-z]=[A-Za-z0-9]+,?)+);\n/.exec(text);
  assert.ok(first, text.slice(0, 120));
  const aliases = first![1].split(',').map((a) => a.split('='));
  const builtins = aliases.map((a) => a[1]);
  for (const g of ['Uint8Array', 'Math', 'Object', 'String']) assert.ok(builtins.includes(g), g + ' in ' + first![1]);
  // The code reads the aliases, not the built-ins themselves.
  const rest = text.slice(first![0].length);
  assert.not.match(rest, /[^.\w$]Uint8Array\b/);
  for (const [alias] of aliases) assert.ok(rest.includes(alias), alias);
  // The names the image declares at the top level after the aliases: none is a pin name (D4, A0), E or an alias.
  const ast = parse(text, { ecmaVersion: 5 }) as unknown as { body: { type: string; id?: { name: string }; declarations?: { id: { name: string } }[] }[] };
  const names = ast.body.slice(1).flatMap((s) => (s.type === 'FunctionDeclaration' ? [s.id!.name] : s.type === 'VariableDeclaration' ? s.declarations!.map((d) => d.id.name) : []));
  assert.ok(names.length > 200, String(names.length));
  const bad = names.filter((n) => /^[A-Z]\d+$/.test(n) || n === 'E');
  assert.equal(bad, []);
  for (const [alias] of aliases) assert.not.ok(names.includes(alias), alias + ' declared again');
  const { ctx, stop } = espruinoContext({ storage: new FakeStorage(), chip: new SimMfrc522({ clock: new VirtualClock(), field: new RfField() }), log: [] });
  try {
    for (const g of builtins) assert.is.not(vm.runInContext('typeof ' + g, ctx), 'undefined', g);
    assert.is(vm.runInContext('typeof Map', ctx), 'undefined');
  } finally {
    stop();
  }
});

test('the image check refuses a hole, a late function declaration, non-ES5 and bytes that are not Espruino\'s tokens', () => {
  const check = (code: string) => {
    const f = join(dir, 'probe.js');
    writeFileSync(f, code, 'latin1');
    return spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/check.js'), f], { encoding: 'utf8' }).stdout;
  };
  assert.match(check('var a = [1, , 2];'), /array hole at 8/);
  assert.match(check('f(); function f() {}'), /function f declared after other statements/);
  assert.match(check('let a = 1;'), /not ES5/);
  assert.match(check('function f() {} f();'), /^ok/);
  // Pretokenised images are checked as the interpreter reads them; a byte that is no token of Espruino's is refused.
  assert.match(check('\xaaf(){}f();'), /^ok/);
  assert.match(check('\xaaf(){}f();\xac a = [1, , 2];'), /array hole/);
  assert.match(check('var a = 1;\xc8'), /not Espruino source: byte 0xc8 is no Espruino token \(at offset 10\)/);
});

test('firmware.js in an Espruino-shaped context: reads its config and key from Storage, scans sealed tags through the simulated chip, keeps the records in Storage and syncs them to a real ingest; verify checks the export', async () => {
  assert.is(sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys').code, 0);
  mkdirSync(join(dir, 'tags'));
  assert.is(sealscan('tag', 'new', 'mifare-classic-1k', '--badge', 'INSP-ESP', '--out', 'tags/badge.json').code, 0);
  for (const i of [1, 2]) {
    assert.is(sealscan('tag', 'new', 'ntag213', '--out', `tags/${i}.json`).code, 0);
    assert.is(sealscan('seal', '--link', `https://id.gs1.org/01/09506000134352/21/E${i}`, '--key', 'keys/acme.issuer-key.json', '--tag', `tags/${i}.json`).code, 0);
  }
  const p = sealscan('provision', '--device', 'esp-7', '--site', '9506000134352', '--ingest', url, '--token', 'tok-espruino-image-1', '--issuer', 'keys/acme.issuer.json', '--alg', 'hmac-sha256', '--simulator');
  assert.is(p.code, 0, p.err);
  const key = JSON.parse(readFileSync(join(dir, 'sealscan-data/keys/esp-7.key.json'), 'utf8')).key as string;
  const issuer = JSON.parse(readFileSync(join(dir, 'keys/acme.issuer.json'), 'utf8'));

  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices: { 'esp-7': { alg: 'hmac-sha256', hmacKey: key } } }));
  const { storage, field, log, ctx, stop } = vmDevice('esp-7', url, key, issuer, 30);
  try {
    vm.runInContext(readImage(join(root, 'dist/espruino/firmware.js')), ctx, { filename: 'firmware.js' });
    await until('the device to start', () => log.some((l) => l.startsWith('sealscan: ')));
    assert.match(log.join("\n"), /sealscan: device esp-7 boot 0, reader MFRC522 v2\.0/, log.join("\n"));
    const queueFiles = () => [...storage.files.keys()].filter((n) => /^q\d+$/.test(n));
    const tap = (file: string) => tapIn(field, file);
    await tap('badge.json');
    await tap('1.json');
    await tap('2.json');
    assert.ok(queueFiles().length >= 1, 'the queue lives in Storage files');
    // Sync: everything the device wrote reaches the ingest.
    await until('the ingest to hold boot, login and two scans', () => {
      const s = sealscan('export', '--db', join(dir, 'ingest.db'), '--format', 'cose', '--out', 'all.cbor');
      return s.code === 0 && /records ([4-9]|\d\d)/.test(sealscan('verify', 'all.cbor', '--keys', 'keys.json').out);
    }, 20000);
  } finally {
    stop();
  }
  const e = sealscan('export', '--db', join(dir, 'ingest.db'), '--format', 'cose', '--out', 'all.cbor');
  assert.is(e.code, 0, e.err);
  const v = sealscan('verify', 'all.cbor', '--keys', 'keys.json');
  assert.is(v.code, 0, v.out + v.err + log.join('\n'));
  const m = /esp-7 {2}HMAC-SHA256 {2}OK {2}records (\d+), verified (\d+), seq 0\.\.(\d+), chain intact/.exec(v.out);
  assert.ok(m, v.out + log.join('\n'));
  assert.ok(Number(m![1]) >= 4, `boot, login and two scans at least: ${v.out}`);
  const json = sealscan('export', '--db', join(dir, 'ingest.db'), '--format', 'json', '--out', 'all.json');
  assert.is(json.code, 0, json.err);
  assert.match(readFileSync(join(dir, 'all.json'), 'utf8'), /seal-unchecked/, 'the device says what it could not check');
});

test('after a stretch offline, firmware.js syncs its backlog in small batches (at most 16 records and about 2 KB), and every record reaches the ingest', async () => {
  const p = sealscan('provision', '--device', 'esp-9', '--site', '9506000134352', '--ingest', url, '--token', 'tok-espruino-image-1', '--issuer', 'keys/acme.issuer.json', '--alg', 'hmac-sha256', '--simulator', '--out', 'device9.json');
  assert.is(p.code, 0, p.err);
  const key = JSON.parse(readFileSync(join(dir, 'sealscan-data/keys/esp-9.key.json'), 'utf8')).key as string;
  const issuer = JSON.parse(readFileSync(join(dir, 'keys/acme.issuer.json'), 'utf8'));
  // A loopback proxy in front of the real ingest: 503 while held, then each POST forwarded and its body size noted.
  let hold = true;
  const bodies: number[] = [];
  const target = new URL(url);
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (hold) {
        res.writeHead(503, { 'retry-after': '1' });
        res.end();
        return;
      }
      if (req.method === 'POST') bodies.push(body.length);
      const out = httpRequest({ host: target.hostname, port: Number(target.port), path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const port = (proxy.address() as { port: number }).port;
  writeFileSync(join(dir, 'keys9.json'), JSON.stringify({ devices: { 'esp-9': { alg: 'hmac-sha256', hmacKey: key } } }));
  const { storage, field, log, ctx, stop } = vmDevice('esp-9', `http://127.0.0.1:${port}`, key, issuer, 20);
  const taps = 12;
  try {
    vm.runInContext(readImage(join(root, 'dist/espruino/firmware.js')), ctx, { filename: 'firmware.js' });
    await until('the device to start', () => log.some((l) => l.startsWith('sealscan: ')));
    const tap = (file: string) => tapIn(field, file);
    await tap('badge.json');
    for (let i = 0; i < taps; i++) await tap(`${1 + (i % 2)}.json`);
    hold = false;
    await until('the ingest to hold every record', () => {
      const s = sealscan('export', '--db', join(dir, 'ingest.db'), '--format', 'cose', '--device', 'esp-9', '--out', 'esp9.cbor');
      const m = /esp-9 .* records (\d+)/.exec(sealscan('verify', 'esp9.cbor', '--keys', 'keys9.json').out);
      return s.code === 0 && !!m && Number(m[1]) >= taps + 2;
    }, 30000);
  } finally {
    stop();
    proxy.close();
  }
  const v = sealscan('verify', 'esp9.cbor', '--keys', 'keys9.json');
  assert.match(v.out, /esp-9 {2}HMAC-SHA256 {2}OK {2}records \d+, verified \d+, seq 0\.\.\d+, chain intact/, v.out);
  // Boot, login and twelve scans (about 4.5 KB) in several batches, none over about 2 KB (2 KB and one record more).
  assert.ok(bodies.length >= 3, JSON.stringify(bodies));
  assert.ok(Math.max(...bodies) <= 2048 + 600, JSON.stringify(bodies));
  // Booted again on the same Storage, the device reads its boot count back from its newest record
  // (firmware/records/header.ts: the image carries no CBOR decoder).
  const again: string[] = [];
  const second = espruinoContext({ storage, chip: new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field: new RfField() }), log: again });
  try {
    vm.runInContext(readImage(join(root, 'dist/espruino/firmware.js')), second.ctx, { filename: 'firmware.js' });
    await until('the device to start again', () => again.some((l) => l.startsWith('sealscan: ')));
    assert.match(again.join('\n'), /sealscan: device esp-9 boot 1, reader/);
  } finally {
    second.stop();
  }
});

test('the bench\'s rig: firmware.js behind the interpreter shim, its SPI over two named pipes to the simulated chip in a worker thread; the badge and six taps are read, reach a real ingest and are re-judged genuine there', async () => {
  const data = JSON.parse(readFileSync(join(root, 'dist/espruino/selftest.json'), 'utf8')) as SelftestData;
  data.taps = 6;
  const rig = join(dir, 'rig');
  mkdirSync(rig);
  const ingest = await startIngestHost({ db: join(rig, 'ingest.db'), trust: { issuers: [{ name: data.issuer.name, publicKey: hexLiteral(data.issuer.publicKey) }], originalityKeys: [{ name: 'simulator', publicKey: hexLiteral(data.originalityKey) }] } });
  const host = startChipHost(rig, data);
  const storage = new FakeStorage();
  storage.write('sealscan.json', JSON.stringify({ format: 'sealscan-espruino/1', deviceId: data.deviceId, site: data.site, ingest: ingest.url, dedupeWindowMs: 0, pollIntervalMs: 30, issuers: [data.issuer], pins: { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5' } }));
  storage.write('sealscan.key', data.hmacKey);
  const log: string[] = [];
  const { ctx, stop } = espruinoContext({ storage, log, files: true });
  try {
    await registerDevice(ingest.url, ingest.token, { device: data.deviceId, alg: 'hmac-sha256', hmacKey: hexLiteral(data.hmacKey) });
    vm.runInContext(interpreterShim(rig), ctx, { filename: 'shim.js' });
    assert.is(vm.runInContext('typeof SPI1.send', ctx), 'function', 'the shim brings SPI1');
    vm.runInContext(readImage(join(root, 'dist/espruino/firmware.js')), ctx, { filename: 'firmware.js' });
    const outcome = await Promise.race([host.taps, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('taps not done in 60 s: ' + log.join('\n'))), 60_000).unref())]);
    assert.equal(outcome, { halted: 7, unread: [], refused: [] }, 'the badge and six tags, each halted by the device once read');
    assert.match(log.join('\n'), /sealscan: device esp-selftest boot 0, reader MFRC522 v2\.0/);
    assert.ok(log.some((l) => /^RIG base \d+$/.test(l)), log.join('\n'));
    const end = Date.now() + 30_000;
    let c = await ingest.store.counts(data.deviceId);
    while ((c.records < 8 || (c.upstream.verdicts.genuine ?? 0) < 6) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      c = await ingest.store.counts(data.deviceId);
    }
    assert.ok(c.records >= 8, `the boot, the login and six scans: ${c.records} records`);
    assert.is(c.rejects, 0);
    assert.equal({ ...c.upstream.verdicts }, { genuine: 6 }, 'the device could not check the seals; the ingest re-judged them');
    assert.ok(vm.runInContext('RIG_requests', ctx) >= 1, 'the shim saw the uplink\'s requests');
    assert.ok(vm.runInContext('RIG_n', ctx) >= host.transfers(), 'every transfer went through the shim');
  } finally {
    stop();
    await host.stop();
    await ingest.close();
  }
});

test('firmware.js with a Wi-Fi network configured on a firmware without the Wifi module says so, and runs on', async () => {
  const data = JSON.parse(readFileSync(join(root, 'dist/espruino/selftest.json'), 'utf8')) as SelftestData;
  const storage = new FakeStorage();
  storage.write('sealscan.json', JSON.stringify({ format: 'sealscan-espruino/1', deviceId: 'esp-wifi', site: data.site, ingest: 'http://127.0.0.1:9', issuers: [], pins: { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5' }, wifi: { ssid: 'depot', password: 'secret-pass' } }));
  storage.write('sealscan.key', data.hmacKey);
  const log: string[] = [];
  const { ctx, stop } = espruinoContext({ storage, chip: new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field: new RfField() }), log });
  try {
    vm.runInContext(readImage(join(root, 'dist/espruino/firmware.js')), ctx, { filename: 'firmware.js' });
    await until('the device to start', () => log.some((l) => l.startsWith('sealscan: device ')));
    assert.ok(log.includes('sealscan: Wi-Fi: the configuration names a network, but this firmware has no Wifi module'), log.join('\n'));
  } finally {
    stop();
  }
});

test('the rig\'s chip host stops also when the interpreter died halfway through a request', async () => {
  const rig = join(dir, 'rig-stop');
  mkdirSync(rig);
  const data = JSON.parse(readFileSync(join(root, 'dist/espruino/selftest.json'), 'utf8')) as SelftestData;
  const host = startChipHost(rig, data);
  // A request of five bytes of which two came: what a killed interpreter leaves.
  writeFileSync(join(rig, 'req'), Buffer.from([5, 0x80, 0x00]));
  const stopped = await Promise.race([host.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('hung'), 10_000).unref())]);
  assert.is(stopped, 'stopped');
  const taps = await host.taps.then(() => 'done', (e: Error) => e.message);
  assert.match(String(taps), /the chip host stopped after \d+ transfers, before the last tap/, String(taps));
  // The padding that completed the half request is not a read the chip takes: said, not fatal.
  assert.is(host.outcome().refused.length, 1, host.outcome().refused.join('; '));
  assert.match(host.outcome().refused[0], /^transfer 1: BAD_ARGUMENT: SPI byte 1 \(00h\)/);
});

test.run();
