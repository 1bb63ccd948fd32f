// The Pi path end to end without a Pi: a real `sealscan ingest`, a device provisioned by `sealscan provision`, and the
// whole scanner on the Pi board's code (spidev, reset line, trigger, LED and buzzer through fakes of spi-device,
// onoff and sysfs, the simulated chip behind them) scanning sealed tags while the trigger is held and syncing; the
// export then verifies with `sealscan verify`. And the device file's Pi settings refused by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { ingestProcess, sealscanIn, until } from '../helpers/cli.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPiBoard } from '../../hal/rpi/board.js';
import { Device } from '../../firmware/app/device.js';
import type { TapEvent } from '../../firmware/app/scanner.js';
import { loadTrustedIssuer } from '../../hal/node/issuer-files.js';
import { readTagFile } from '../../sim/tag-reader.js';
import { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { unrefClock } from '../helpers/clocks.js';
import { FakeOnoff, fakeSpiDevice, PI_TREES, sysfsTree } from '../helpers/pi-doubles.js';

const dir = mkdtempSync(join(tmpdir(), 'sealscan-pi-loop-'));
const sealscan = sealscanIn(dir);
let ingest: ChildProcess;
let url = '';

test.before(async () => {
  ({ child: ingest, url } = await ingestProcess(dir, join(dir, 'ingest.db'), 'tok-pi-loop-provisioning'));
});

test.after(() => {
  ingest.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});


test('the whole scanner on the Pi board: trigger-held taps of sealed tags become records the ingest accepts and sealscan verify checks', async () => {
  assert.is(sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys').code, 0);
  mkdirSync(join(dir, 'tags'));
  assert.is(sealscan('tag', 'new', 'mifare-classic-1k', '--badge', 'INSP-PI', '--out', 'tags/badge.json').code, 0);
  for (const [i, kind] of [[1, 'ntag213'], [2, 'ntag213tt'], [3, 'ntag215']] as const) {
    assert.is(sealscan('tag', 'new', kind, '--out', `tags/${i}.json`).code, 0, kind);
    const s = sealscan('seal', '--link', `https://id.gs1.org/01/09506000134352/21/PI${i}`, '--key', 'keys/acme.issuer-key.json', '--tag', `tags/${i}.json`);
    assert.is(s.code, 0, s.err);
  }
  const p = sealscan('provision', '--device', 'pi-7', '--site', '9506000134352', '--ingest', url, '--token', 'tok-pi-loop-provisioning', '--issuer', 'keys/acme.issuer.json', '--simulator');
  assert.is(p.code, 0, p.err);

  const field = new RfField();
  const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
  const onoff = new FakeOnoff();
  const board = await createPiBoard({
    deviceId: 'pi-7', dataDir: join(dir, 'sealscan-data'), ingest: url, firmware: 'sealscan-pi-test', clock: unrefClock, log: () => {},
    spi: { speedHz: 8_000_000, module: fakeSpiDevice(chip) },
    gpio: { reset: 25, led: { red: 5, green: 6, blue: 13 }, buzzer: 12, trigger: { pin: 17, debounceMs: 5 } },
    gpioBackend: { sysfs: sysfsTree(dir, 'sysfs', PI_TREES.pi5), onoff: onoff.module },
  });
  const config = {
    deviceId: 'pi-7', site: '9506000134352', firmware: 'sealscan-pi-test', pollIntervalMs: 20, dedupeWindowMs: 0,
    trust: { issuers: [loadTrustedIssuer(join(dir, 'keys/acme.issuer.json'))], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] },
  };
  const device = new Device(board, { config, mode: 'trigger' });
  const taps: TapEvent[] = [];
  device.onTap((e) => taps.push(e));
  device.start();
  const TRIGGER = 571 + 17;
  const tap = async (file: string) => {
    const tag = readTagFile(join(dir, 'tags', file)).tag;
    const before = taps.length;
    field.place(tag);
    onoff.set(TRIGGER, 1);
    await until(`a read of ${file}`, () => taps.length > before);
    onoff.set(TRIGGER, 0);
    field.remove(tag);
    return taps[taps.length - 1];
  };
  assert.is((await tap('badge.json')).kind, 'login');
  for (const f of ['1.json', '2.json', '3.json']) {
    const e = await tap(f);
    assert.equal([e.kind, e.judgement?.verdict], ['scan', 'genuine'], `${f}: ${JSON.stringify(e.shown)}`);
    assert.equal([571 + 5, 571 + 6, 571 + 13].map((n) => onoff.pins.get(n)!.value), [0, 1, 0], 'green');
  }
  // A tag left on the reader with the trigger released is not read.
  const idle = readTagFile(join(dir, 'tags', '1.json')).tag;
  const count = taps.length;
  field.place(idle);
  await new Promise((r) => setTimeout(r, 150));
  field.remove(idle);
  assert.is(taps.length, count, 'no read without the trigger');
  await until('the queue to sync', () => device.queue.status().unacked === 0);
  const acked = device.queue.status().ackedThrough;
  await device.stop();
  assert.equal(onoff.exported(), [], 'every pin released');

  const e = sealscan('export', '--db', join(dir, 'ingest.db'), '--format', 'cose', '--out', 'all.cbor');
  assert.is(e.code, 0, e.err);
  const pub = /public key \(Ed25519\): ([0-9a-f]{64})/.exec(sealscan('keys', 'public', '--device', 'pi-7', '--dir', 'sealscan-data/keys').out);
  assert.ok(pub, 'the public key is printed');
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices: { 'pi-7': { alg: 'ed25519', publicKey: pub![1] } } }));
  const v = sealscan('verify', 'all.cbor', '--keys', 'keys.json');
  assert.is(v.code, 0, v.out + v.err);
  assert.match(v.out, new RegExp(`pi-7 {2}Ed25519 {2}OK {2}records ${acked + 1}, verified ${acked + 1}, seq 0..${acked}, chain intact`));
  assert.ok(acked >= 4, `boot, login and three scans at least (acked through ${acked})`);
});

test('the device file: Pi settings refused by name (doctor prints the configuration failure)', () => {
  const base = { format: 'sealscan-device/1', deviceId: 'pi-8', site: '9506000134352', dataDir: 'd8', ingest: 'http://127.0.0.1:1', issuers: [] };
  const cases: Array<[object, RegExp]> = [
    [{ gpio: { reset: 40 } }, /gpio\.reset: 40 must be a BCM GPIO number from 0 to 27 \(GPIO17 is 17, not header pin 11\)/],
    [{ gpio: { led: { red: 5, green: 5, blue: 6 } } }, /gpio\.led\.green: BCM 5 is already used by gpio\.led\.red/],
    [{ gpio: { buzzer: 10 } }, /gpio\.buzzer: BCM 10 is already used by SPI0 MOSI/],
    [{ gpio: { buzzer: 8 } }, /gpio\.buzzer: BCM 8 is already used by SPI0 CE0/],
    [{ gpio: { buzzer: 7 }, spi: { chipSelect: 1 } }, /gpio\.buzzer: BCM 7 is already used by SPI0 CE1/],
    [{ gpio: { trigger: 17 } }, /gpio\.trigger: must be \{"pin": <BCM>/],
    [{ gpio: { trigger: { pin: 17, debounceMs: -1 } } }, /gpio\.trigger\.debounceMs: -1 must be from 0 to 1000 ms/],
    [{ gpio: { leds: 1 } }, /gpio\.leds: is not a setting \(known: reset, led, buzzer, trigger, step\)/],
    [{ gpio: { step: { pin: 27 } } }, /gpio\.step: a step button needs "steps": the steps it switches between/],
    [{ gpio: { trigger: { pin: 17 }, step: { pin: 17 } }, steps: ['inspecting'] }, /gpio\.step\.pin: BCM 17 is already used by gpio\.trigger\.pin/],
    [{ steps: ['receiving', 'shelving'] }, /steps\[1\]: "shelving" must be one of receiving, shipping/],
    [{ steps: ['receiving', 'receiving'] }, /steps\[1\]: receiving is listed twice/],
    [{ step: 'shipping', steps: ['receiving'] }, /steps: must include the starting step "shipping"/],
    [{ mode: 'burst' }, /mode: "burst" must be "continuous" or "trigger"/],
    [{ mode: 'trigger' }, /mode: trigger mode needs a trigger button: add "gpio": \{"trigger": \{"pin": <BCM>\}\}/],
    [{ spi: { speedHz: 20_000_000 } }, /spi\.speedHz: 20000000 must be a whole number from 100000 to 10000000/],
    [{ spi: { chipSelect: 2 } }, /spi\.chipSelect: 2 must be 0 \(CE0, pin 24\) or 1 \(CE1, pin 26\)/],
  ];
  for (const [extra, rx] of cases) {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...base, ...extra }));
    const d = sealscan('doctor', '--config', 'bad.json', '--reader', 'sim');
    assert.is(d.code, 1, JSON.stringify(extra));
    assert.match(d.out, /^FAIL configuration: bad\.json: /, d.out);
    assert.match(d.out, rx, `${JSON.stringify(extra)}: ${d.out}`);
  }
  writeFileSync(join(dir, 'good.json'), JSON.stringify({ ...base, gpio: { reset: 25, trigger: { pin: 17 }, step: { pin: 27 } }, mode: 'trigger', step: 'receiving', steps: ['receiving', 'dispensing'] }));
  assert.match(sealscan('doctor', '--config', 'good.json', '--reader', 'sim').out, /^ok {3}configuration: device pi-8/, 'a valid Pi file passes the configuration');
});

test('run and doctor with --reader pi on a machine that is not a Pi say so', () => {
  const p = sealscan('provision', '--device', 'pi-9', '--site', '9506000134352', '--ingest', 'http://127.0.0.1:1', '--no-register', '--issuer', 'keys/acme.issuer.json', '--data', 'd9', '--out', 'pi.json');
  assert.is(p.code, 0, p.err);
  const r = sealscan('run', '--config', 'pi.json', '--reader', 'pi');
  assert.is(r.code, 2);
  assert.match(r.err, /SPI_IO: this machine is not a Raspberry Pi/);
  const d = sealscan('doctor', '--config', 'pi.json', '--reader', 'pi');
  assert.is(d.code, 1);
  assert.match(d.out, /FAIL spi: SPI_IO: this machine is not a Raspberry Pi/);
  assert.match(d.out, /FAIL reader: not checked: the SPI device could not be opened/);
});

test.run();
