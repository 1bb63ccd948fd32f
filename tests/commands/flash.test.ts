// provision --target espruino and sealscan flash --dry-run: what would be sent is written out, the upload code run in
// an Espruino-shaped context puts exactly those files into Storage, the board's read-back expression gives the
// hashes flash expects, and the boot code it wrote starts the scanner. Usage errors name the option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { FakeStorage } from '../helpers/espruino-fakes.js';
import { espruinoContext } from '../helpers/espruino-vm.js';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'sealscan.js');
const dir = mkdtempSync(join(tmpdir(), 'sealscan-flash-'));
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('provision --target espruino writes the Espruino configuration with an HMAC key, and refuses Ed25519 by name', () => {
  assert.is(sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys').code, 0);
  const bad = sealscan('provision', '--target', 'espruino', '--alg', 'ed25519', '--device', 'esp-1', '--site', '9506000134352', '--ingest', 'http://127.0.0.1:1', '--issuer', 'keys/acme.issuer.json', '--no-register');
  assert.is(bad.code, 2);
  assert.match(bad.err, /--target espruino needs --alg hmac-sha256 \(Espruino has no Ed25519\)/);
  const p = sealscan('provision', '--target', 'espruino', '--device', 'esp-1', '--site', '9506000134352', '--ingest', 'http://127.0.0.1:1', '--issuer', 'keys/acme.issuer.json', '--no-register', '--wifi-ssid', 'lab', '--simulator');
  assert.is(p.code, 0, p.err);
  assert.match(p.out, /hmac-sha256 key in .*esp-1\.key\.json, configuration .*device-espruino\.json/);
  const f = JSON.parse(readFileSync(join(dir, 'device-espruino.json'), 'utf8'));
  assert.is(f.format, 'sealscan-espruino/1');
  assert.equal(f.pins, { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5', reset: 'D22' });
  assert.equal(f.issuers.map((i: { name: string }) => i.name), ['acme']);
  assert.match(f.issuers[0].publicKey, /^[0-9a-f]{64}$/);
  assert.equal(f.wifi, { ssid: 'lab' });
});

test('flash --dry-run writes exactly what would be sent; upload.js run Espruino-style stores those files; the read-back gives the expected hashes; the boot code starts the scanner', async () => {
  const built = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/build.js'), '--out', join(dir, 'image')], { encoding: 'utf8', timeout: 300000 });
  assert.is(built.status, 0, built.stdout + built.stderr);
  const r = sealscan('flash', '--board', 'ESP32', '--config', 'device-espruino.json', '--image', join(dir, 'image', 'firmware.js'), '--dry-run', '--out', 'out');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /dry run: 3 Storage files \(sealscan\.json \d+ bytes, sealscan\.key 64 bytes, \.bootcde \d+ bytes\) and upload\.js/);
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
  const image = readFileSync(join(dir, 'image', 'firmware.js'));
  const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  assert.equal(manifest.files.map((f: { name: string }) => f.name), ['sealscan.json', 'sealscan.key', '.bootcde']);
  for (const f of manifest.files) assert.is(hex(readFileSync(join(dir, 'out', 'files', f.name))), f.sha256, f.name);
  assert.is(manifest.files[2].sha256, hex(image), 'the boot code is the image, byte for byte');
  const key = JSON.parse(readFileSync(join(dir, 'sealscan-data/keys/esp-1.key.json'), 'utf8')).key;
  assert.is(readFileSync(join(dir, 'out', 'files', 'sealscan.key'), 'latin1'), key);

  const storage = new FakeStorage();
  const log: string[] = [];
  const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field: new RfField() });
  const { ctx, stop } = espruinoContext({ storage, chip, log });
  try {
    const upload = readFileSync(join(dir, 'out', 'upload.js'), 'latin1');
    // The image is pretokenised (bytes from 128 up); the upload carries them as \x escapes, in ASCII.
    assert.ok(image.some((b) => b >= 128));
    assert.not.match(upload, /[^\x00-\x7e]/);
    vm.runInContext(upload, ctx);
    assert.ok(log.includes('sealscan flash: written'), log.join('\n'));
    // In chunks of 1 KB (CHUNK in scripts/commands/flash.ts), each file's first write creating it at its full size.
    assert.ok(storage.writes >= Math.ceil(image.length / 1024) + 2, `written in chunks (${storage.writes} writes)`);
    assert.is(hex(storage.files.get('.bootcde')!), hex(image));
    assert.is(vm.runInContext(manifest.readBack, ctx), manifest.expected);
    vm.runInContext('eval(require("Storage").read(".bootcde"))', ctx);
    for (let i = 0; i < 200 && !log.some((l) => l.startsWith('sealscan: device') || l.startsWith('sealscan: cannot')); i++) await new Promise((res) => setTimeout(res, 25));
    assert.ok(log.some((l) => /^sealscan: device esp-1 boot 0, reader MFRC522 v2\.0$/.test(l)), log.join('\n'));
  } finally {
    stop();
  }
});

test('a configuration beyond ASCII (a Wi-Fi name with an accent and an emoji) goes as ASCII JSON with the same values, one byte per character, and its hash is what the board computes', () => {
  const f = JSON.parse(readFileSync(join(dir, 'device-espruino.json'), 'utf8'));
  f.wifi = { ssid: 'Caf\u00e9 \u2615', password: 'p\u00e4ss' };
  writeFileSync(join(dir, 'device-wide.json'), JSON.stringify(f));
  const r = sealscan('flash', '--board', 'ESP32', '--config', 'device-wide.json', '--image', join(dir, 'image', 'firmware.js'), '--dry-run', '--out', 'out-wide');
  assert.is(r.code, 0, r.err);
  const sent = readFileSync(join(dir, 'out-wide', 'files', 'sealscan.json'), 'latin1');
  assert.not.match(sent, /[^\x20-\x7e]/);
  assert.equal(JSON.parse(sent), f);
  const manifest = JSON.parse(readFileSync(join(dir, 'out-wide', 'manifest.json'), 'utf8'));
  const storage = new FakeStorage();
  const { ctx, stop } = espruinoContext({ storage, log: [] });
  try {
    vm.runInContext(readFileSync(join(dir, 'out-wide', 'upload.js'), 'latin1'), ctx);
    assert.is(vm.runInContext(manifest.readBack, ctx), manifest.expected);
    assert.equal(JSON.parse(storage.read('sealscan.json')!), f);
  } finally {
    stop();
  }
});

test('flash refuses by name: board, missing config, a config that is not the Espruino format, no key, no image, neither port nor dry run', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--board', 'ESP8266', '--config', 'device-espruino.json', '--dry-run', '--out', 'o'], /--board ESP8266 is not one this image is built for \(ESP32\)/],
    [['--board', 'ESP32', '--config', 'nope.json', '--dry-run', '--out', 'o'], /nope\.json: no such file \(sealscan provision --target espruino writes it\)/],
    [['--board', 'ESP32', '--config', 'keys/acme.issuer.json', '--dry-run', '--out', 'o'], /acme\.issuer\.json: format: must be "sealscan-espruino\/1"/],
    [['--board', 'ESP32', '--config', 'device-espruino.json', '--data', 'elsewhere', '--dry-run', '--out', 'o'], /no key for esp-1 in .*elsewhere\/keys/],
    [['--board', 'ESP32', '--config', 'device-espruino.json', '--image', 'none.js', '--dry-run', '--out', 'o'], /none\.js: no device image; run npm run build:espruino first/],
    [['--board', 'ESP32', '--config', 'device-espruino.json'], /--port is required \(or --dry-run --out DIR\)/],
    [['--board', 'ESP32', '--config', 'device-espruino.json', '--dry-run'], /--dry-run needs --out DIR/],
  ];
  for (const [args, rx] of cases) {
    const r = sealscan('flash', ...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.err, rx, r.err);
  }
  assert.is(sealscan('flash', '--help').code, 0);
});

test.run();
