// The Pi board's GPIO with a fake onoff and fake sysfs trees: the reset pulse before the chip is touched, the LED and
// buzzer on the kernel's numbers, the trigger's debounce and its gate on reading, and every refusal with its words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPiBoard, type PiBoardOptions } from '../../../hal/rpi/board.js';
import { PiGpio, stepButtonOn, triggerOn } from '../../../hal/rpi/gpio.js';
import { piChecks } from '../../../hal/rpi/checks.js';
import { isSealscanError } from '../../../hal/errors.js';
import { keyStoreOf } from '../../../hal/node/board-parts.js';
import { Device } from '../../../firmware/app/device.js';
import { SimMfrc522 } from '../../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../../sim/clock.js';
import { RfField } from '../../../sim/rf/field.js';
import { sealedBenchTag } from '../../../sim/bench/tap-timing.js';
import { unrefClock } from '../../helpers/clocks.js';
import { badge, config, issuer } from '../../helpers/device.js';
import { FakeOnoff, fakeSpiDevice, PI_TREES, sysfsTree, tapper } from '../../helpers/pi-doubles.js';

const root = mkdtempSync(join(tmpdir(), 'sealscan-pi-gpio-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const trees = Object.fromEntries(Object.entries(PI_TREES).map(([name, chips]) => [name, sysfsTree(root, name, chips)]));

/** A Pi board on fakes: the simulated chip behind a fake spi-device whose transfers are logged beside the pins. */
async function piBoard(onoff: FakeOnoff, o: Partial<PiBoardOptions> & { tree?: string } = {}) {
  const field = new RfField();
  const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
  const spi = fakeSpiDevice(chip);
  const logged = { openSync: (b: number, c: number, opts: { mode: number; maxSpeedHz: number }) => {
    const h = spi.openSync(b, c, opts);
    return { transferSync: (m: Parameters<typeof h.transferSync>[0]) => (onoff.log.push('spi'), h.transferSync(m)), closeSync: () => h.closeSync() };
  } };
  const dataDir = mkdtempSync(join(root, 'data-'));
  keyStoreOf(dataDir).create('pi-gpio-1', 'ed25519');
  const lines: string[] = [];
  const board = await createPiBoard({
    deviceId: 'pi-gpio-1', dataDir, ingest: 'http://127.0.0.1:9', firmware: 'sealscan-test', queue: { segmentCount: 8, segmentSize: 65536 },
    spi: { module: logged }, gpioBackend: { sysfs: trees[o.tree ?? 'pi4'] ?? o.tree, onoff: onoff.module }, log: (l) => lines.push(l), clock: { ...unrefClock, sleep: (ms: number) => (onoff.log.push(`sleep ${ms}`), unrefClock.sleep(ms)) }, ...o,
  });
  return { board, field, lines };
}

const pins = { reset: 25, led: { red: 5, green: 6, blue: 13 }, buzzer: 12 };

test('Pi 4: the reset line is pulsed (low ≥ 1 ms, then 50 ms for the oscillator) before the first SPI transfer; LED and buzzer drive the mapped pins; close releases every pin', async () => {
  const onoff = new FakeOnoff();
  const { board, field } = await piBoard(onoff, { gpio: pins });
  // Low, a 1 ms wait (the data sheet needs 100 ns), high, 50 ms for the oscillator, and only then the chip.
  assert.equal(onoff.log.slice(0, 6), ['export 537 low', 'write 537 0', 'sleep 1', 'write 537 1', 'sleep 50', 'spi'], onoff.log.slice(0, 8).join(', '));
  assert.match(board.describe().target, /GPIO gpiochip512, pinctrl-bcm2711/);
  assert.is(board.describe().parts.reset, 'BCM 25, pulsed at start');
  const device = new Device(board, { config: config({ deviceId: 'pi-gpio-1', dedupeWindowMs: 0 }), polling: 'manual' });
  device.start();
  const tap = tapper(field, device.scanner);
  assert.is((await tap(badge('INSP-GPIO')))?.kind, 'login');
  const e = await tap(await sealedBenchTag('NTAG213', 7, issuer));
  assert.is(e?.judgement?.verdict, 'genuine');
  const level = (n: number) => onoff.pins.get(n)!.value;
  assert.equal([level(512 + 5), level(512 + 6), level(512 + 13)], [0, 1, 0], 'the LED shows green (red, green, blue legs)');
  assert.ok(onoff.pins.get(512 + 12)!.writes.some((w) => w.v === 1), 'the buzzer sounded');
  await device.stop();
  assert.equal(onoff.exported(), [], 'every pin is unexported after stop');
  assert.is(onoff.pins.get(537)!.value, 1, 'reset stayed high while running');
});

test('Pi 5 (RP1 at 571) and a pre-6.6 Pi 3 (0): the same BCM pins land on their kernel numbers', async () => {
  for (const [tree, base] of [['pi5', 571], ['pi3-old', 0]] as const) {
    const onoff = new FakeOnoff();
    const { board } = await piBoard(onoff, { gpio: pins, tree });
    assert.equal(onoff.exported().sort((a, b) => a - b), [5, 6, 12, 13, 25].map((b) => b + base), tree);
    board.close!();
    assert.equal(onoff.exported(), [], tree);
  }
});

test('a pin the kernel refuses: the error names the setting, the BCM and sysfs numbers and what to do; pins opened before it are released', async () => {
  const cases: Array<[string, RegExp]> = [
    ['EBUSY', /^GPIO: gpio\.buzzer: BCM 12 \(sysfs GPIO 524 on gpiochip512\) is already exported or held by another driver/],
    ['EACCES', /^GPIO: gpio\.buzzer: BCM 12 \(sysfs GPIO 524 on gpiochip512\) cannot be opened by this user: join the gpio group \(sudo usermod -aG gpio \$USER/],
    ['EINVAL', /gpio\.buzzer: BCM 12 \(sysfs GPIO 524 on gpiochip512\) is refused by the kernel \(EINVAL\)/],
  ];
  for (const [code, rx] of cases) {
    const onoff = new FakeOnoff({ 524: code });
    let err: unknown;
    await piBoard(onoff, { gpio: pins }).catch((e) => (err = e));
    assert.ok(isSealscanError(err, 'GPIO') && rx.test((err as Error).message), `${code}: ${(err as Error)?.message}`);
    assert.ok(onoff.pins.size >= 4, 'reset and LED were opened first');
    assert.equal(onoff.exported(), [], `${code}: nothing is left exported`);
  }
  let none: unknown;
  await piBoard(new FakeOnoff(), { gpio: pins, tree: join(root, 'no-such-sysfs') }).catch((e) => (none = e));
  assert.match((none as Error).message, /no-such-sysfs does not exist: this kernel has no sysfs GPIO/);
});

test('without pins the board needs no GPIO at all (no sysfs read, console feedback)', async () => {
  const onoff = new FakeOnoff();
  const { board, lines, field } = await piBoard(onoff, { gpioBackend: { sysfs: join(root, 'absent'), onoff: onoff.module } });
  assert.is(board.describe().parts.feedback, 'console');
  assert.is(board.trigger, undefined);
  const device = new Device(board, { config: config({ deviceId: 'pi-gpio-1' }), polling: 'manual' });
  device.start();
  field.place(badge('INSP-C'));
  await device.scanner.pollOnce();
  assert.ok(lines.some((l) => /LOGGED IN/.test(l)), lines.join('\n'));
  await device.stop();
  assert.equal(onoff.log.filter((l) => /^(export|write|unexport) /.test(l)), [], 'no pin was exported');
});

test('the trigger is debounced: a bounce shorter than debounceMs is no press, a steady press is; active-low is asked of onoff', async () => {
  const onoff = new FakeOnoff();
  const clock = new VirtualClock();
  const gpio = new PiGpio({ sysfs: trees.pi4, onoff: onoff.module });
  const t = triggerOn(gpio, { pin: 17, debounceMs: 20 }, clock);
  const pin = onoff.pins.get(529)!;
  assert.equal([pin.direction, pin.edge, pin.activeLow], ['in', 'both', true]);
  clock.advance(100);
  assert.is(t.held(), false);
  // Contact bounce: pressed, released 3 ms later, pressed again; each edge restarts the 20 ms.
  onoff.set(529, 1);
  clock.advance(3);
  onoff.set(529, 0);
  clock.advance(3);
  onoff.set(529, 1);
  clock.advance(15);
  assert.is(t.held(), false, '15 ms after the last edge: still released');
  clock.advance(5);
  assert.is(t.held(), true, '20 ms steady: held');
  // A glitch between polls (an edge there and back) that no read sees still restarts the count.
  onoff.set(529, 0);
  onoff.set(529, 1);
  assert.is(t.held(), true);
  onoff.set(529, 0);
  clock.advance(10);
  assert.is(t.held(), true, 'a release is debounced as well');
  clock.advance(10);
  assert.is(t.held(), false);
  gpio.close();
  assert.equal(onoff.exported(), []);
});

test('the step button: one press per debounced press however it bounces or how long it is held; a scan records the step it switched to', async () => {
  const onoff = new FakeOnoff();
  const clock = new VirtualClock();
  const gpio = new PiGpio({ sysfs: trees.pi4, onoff: onoff.module });
  const b = stepButtonOn(gpio, { pin: 27, debounceMs: 20 }, clock);
  const pin = onoff.pins.get(539)!;
  assert.equal([pin.direction, pin.activeLow], ['in', true]);
  clock.advance(100);
  assert.is(b.pressed(), false);
  onoff.set(539, 1);
  clock.advance(2);
  onoff.set(539, 0);
  clock.advance(2);
  onoff.set(539, 1);
  clock.advance(10);
  assert.is(b.pressed(), false, 'bouncing: not yet');
  clock.advance(10);
  assert.is(b.pressed(), true, 'steady 20 ms: one press');
  clock.advance(500);
  assert.is(b.pressed(), false, 'held: still the same press');
  onoff.set(539, 0);
  clock.advance(30);
  assert.is(b.pressed(), false, 'released');
  onoff.set(539, 1);
  clock.advance(30);
  assert.is(b.pressed(), true, 'a second press');
  gpio.close();
  assert.equal(onoff.exported(), []);

  // On the board: the button switches the scanner's step before the next poll.
  const onoff2 = new FakeOnoff();
  const { board } = await piBoard(onoff2, { gpio: { step: { pin: 27, debounceMs: 5 } } });
  assert.match(board.describe().parts['step button'], /BCM 27, active low, 5 ms debounce/);
  const device = new Device(board, { config: config({ deviceId: 'pi-gpio-2', pollIntervalMs: 20, step: 'receiving', steps: ['receiving', 'dispensing'] }) });
  const taps: string[] = [];
  device.onTap((e) => taps.push(`${e.kind} ${e.shown.headline}`));
  device.start();
  const n = [...onoff2.pins.keys()].find((k) => onoff2.pins.get(k)!.direction === 'in')!;
  onoff2.set(n, 1);
  for (let i = 0; i < 50 && device.scanner.status().step !== 'dispensing'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(device.scanner.status().step, 'dispensing');
  assert.equal(taps, ['step STEP: DISPENSING']);
  await device.stop();
});

test('trigger mode: a tag in the field is read only while the trigger is held', async () => {
  const onoff = new FakeOnoff();
  const { board, field } = await piBoard(onoff, { gpio: { trigger: { pin: 17, debounceMs: 5 } } });
  assert.match(board.describe().parts.trigger, /BCM 17, active low, 5 ms debounce/);
  const device = new Device(board, { config: config({ deviceId: 'pi-gpio-1', pollIntervalMs: 20, dedupeWindowMs: 0 }) });
  const taps: string[] = [];
  device.onTap((e) => taps.push(e.kind));
  device.start();
  field.place(badge('INSP-T'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(taps, [], 'nothing is read while the trigger is released');
  onoff.set(529, 1);
  for (let i = 0; i < 100 && taps.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(taps.slice(0, 1), ['login'], 'held: the badge is read');
  await device.stop();
  assert.equal(onoff.exported(), []);
});

test('doctor on a Pi: spi, gpio with each pin on its kernel number, reader after a hard reset; each failure says why and what it kept from checking', async () => {
  const chip = () => new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field: new RfField() });
  const gpio = { ...pins, trigger: { pin: 17 } };
  const ok = await piChecks({ spi: { module: fakeSpiDevice(chip()) }, gpio, gpioBackend: { sysfs: trees.pi5, onoff: new FakeOnoff().module }, clock: unrefClock });
  assert.equal(ok.map((c) => [c.name, c.ok]), [['spi', true], ['gpio', true], ['reader', true]], JSON.stringify(ok, null, 1));
  assert.match(ok[0].detail, /\/dev\/spidev0\.0 opened by this user, mode 0 at 4 MHz/);
  assert.match(ok[1].detail, /gpiochip571 \(pinctrl-rp1, base 571\); reset BCM 25 → 596, led\.red BCM 5 → 576, .*trigger BCM 17 → 588 \(released\)/);
  assert.match(ok[2].detail, /MFRC522 v2\.0 \(VersionReg 92h\), self-test passed, antenna gain \d+ dB, hard reset on BCM 25/);

  const noSpi = await piChecks({ spi: { module: fakeSpiDevice(chip(), [], 'ENOENT') }, gpio, gpioBackend: { sysfs: trees.pi4, onoff: new FakeOnoff().module }, clock: unrefClock });
  assert.equal(noSpi.map((c) => c.ok), [false, true, false]);
  assert.match(noSpi[0].detail, /SPI is not enabled \(sudo raspi-config nonint do_spi 0/);
  assert.match(noSpi[2].detail, /not checked: the SPI device could not be opened/);

  const onoff = new FakeOnoff({ 537: 'EBUSY' });
  const busy = await piChecks({ spi: { module: fakeSpiDevice(chip()) }, gpio, gpioBackend: { sysfs: trees.pi4, onoff: onoff.module }, clock: unrefClock });
  assert.equal(busy.map((c) => c.ok), [true, false, false]);
  assert.match(busy[1].detail, /gpio\.reset: BCM 25 \(sysfs GPIO 537 on gpiochip512\) is already exported/);
  assert.match(busy[2].detail, /not checked: the reset line could not be opened/);
  assert.equal(onoff.exported(), []);
});

test.run();
