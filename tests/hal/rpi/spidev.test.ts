// The Pi's SPI through spidev, with a fake `spi-device` module in front of the simulated MFRC522: the real driver and
// the Pi board's code scan and record, and each way opening the device can fail says what to do.
import { test } from 'uvu';
import { unrefClock } from '../../helpers/clocks.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpidevSpiDevice } from '../../../hal/rpi/spidev.js';
import { fakeSpiDevice, tapper } from '../../helpers/pi-doubles.js';
import { createPiBoard } from '../../../hal/rpi/board.js';
import { openMfrc522 } from '../../../hal/mfrc522/open.js';
import { isSealscanError } from '../../../hal/errors.js';
import { keyStoreOf } from '../../../hal/node/board-parts.js';
import { SystemClock } from '../../../hal/node/clock.js';
import { Device } from '../../../firmware/app/device.js';
import { SimMfrc522 } from '../../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../../sim/clock.js';
import { RfField } from '../../../sim/rf/field.js';
import { Ntag213 } from '../../../sim/tags/index.js';
import { badge, config } from '../../helpers/device.js';

const simChip = (field = new RfField()) => new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });

test('the driver initialises the chip through spidev: mode 0, 4 MHz by default, one message per transfer', async () => {
  const opened: Array<{ bus: number; cs: number; hz: number }> = [];
  const spi = new SpidevSpiDevice({ module: fakeSpiDevice(simChip(), opened) });
  const { chip } = await openMfrc522(spi, new SystemClock());
  assert.match(chip.name, /MFRC522/);
  assert.equal(opened, [{ bus: 0, cs: 0, hz: 4_000_000 }]);
  assert.is(spi.path, '/dev/spidev0.0');
});

test('opening errors say what to do, and bad settings name their field', () => {
  const code = (fn: () => unknown, c: string, rx: RegExp) => assert.throws(fn, (e: unknown) => isSealscanError(e, c) && rx.test((e as Error).message), rx.source);
  code(() => new SpidevSpiDevice({ module: fakeSpiDevice(simChip(), [], 'ENOENT') }), 'SPI_IO', /\/dev\/spidev0\.0 does not exist: SPI is not enabled \(sudo raspi-config nonint do_spi 0/);
  code(() => new SpidevSpiDevice({ chipSelect: 1, module: fakeSpiDevice(simChip(), [], 'EACCES') }), 'SPI_IO', /\/dev\/spidev0\.1 cannot be opened by this user: join the spi group/);
  code(() => new SpidevSpiDevice({ speedHz: 20_000_000, module: fakeSpiDevice(simChip(), []) }), 'BAD_ARGUMENT', /^BAD_ARGUMENT: spi\.speedHz: 20000000 must be a whole number from 100000 to 10000000/);
  code(() => new SpidevSpiDevice({ chipSelect: 2, module: fakeSpiDevice(simChip(), []) }), 'BAD_ARGUMENT', /spi\.chipSelect: 2 must be 0 \(CE0\) or 1 \(CE1\)/);
  const closed = new SpidevSpiDevice({ module: fakeSpiDevice(simChip(), []) });
  closed.close();
  code(() => closed.transfer(new Uint8Array([0x80, 0])), 'SPI_IO', /used after close/);
});

test('the whole scanner on the Pi board: a badge and a tag tapped become records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-pi-board-'));
  try {
    keyStoreOf(dir).create('pi-bench-1', 'ed25519');
    const field = new RfField();
    const lines: string[] = [];
    const board = await createPiBoard({ deviceId: 'pi-bench-1', dataDir: dir, ingest: 'http://127.0.0.1:9', firmware: 'sealscan-test', queue: { segmentCount: 8, segmentSize: 65536 }, spi: { speedHz: 8_000_000, module: fakeSpiDevice(simChip(field), []) }, log: (l) => lines.push(l), clock: unrefClock });
    assert.match(board.describe().target, /Raspberry Pi \(\/dev\/spidev0\.0 at 8 MHz\)/);
    const device = new Device(board, { config: config({ deviceId: 'pi-bench-1', dedupeWindowMs: 0 }), polling: 'manual' });
    device.start();
    const tap = tapper(field, device.scanner);
    assert.is((await tap(badge('INSP-PI')))?.kind, 'login');
    const scan = await tap(new Ntag213({ uid: [0x04, 0x50, 0x49, 0x00, 0x00, 0x00, 0x01] }));
    assert.is(scan?.kind, 'scan');
    assert.ok(scan?.seq !== undefined && device.queue.status().unacked >= 3, 'boot, login and scan records are queued');
    assert.ok(lines.some((l) => l.startsWith('LOGGED IN')), lines.join('\n'));
    await device.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
