/**
 * The Espruino scanner (dist/espruino/firmware.js): reads its configuration and key from Storage, joins Wi-Fi where
 * the board has it (setting the clock by SNTP), builds the board and runs the device. `sealscan flash` writes this
 * image as the board's boot code.
 */
import { Device } from '../../../firmware/app/device.js';
import { hmacSigner } from '../../../firmware/records/signers.js';
import { createEspruinoBoard, espruinoCrypto, type EspruinoBoardOptions } from '../../../hal/espruino/board.js';
import { CONFIG_FILE, KEY_FILE, readEspruinoDevice, readEspruinoKey, type EspruinoDeviceFile } from './config.js';
import type { Board } from '../../../hal/board.js';
import type { ScannerConfig } from '../../../firmware/app/config.js';
import { espruinoRuntime, optionalModule } from './globals.js';

declare const SPI1: { setup(o: object): void; send(data: Uint8Array, cs: unknown): Uint8Array };
declare function Pin(name: string): unknown;

export const FIRMWARE = 'sealscan-espruino-0.1.0';

/**
 * A sync batch here is a few records, not the default 200 or 256 KB: a batch is in memory about three times while in
 * flight (the records read, the request body, the body as the string http sends), and after a day offline a full-size
 * batch would not fit any Espruino board's pool. 2 KB is about six scan records, 120 variables a copy on a
 * 5,100-variable board.
 */
export const ESPRUINO_SYNC = { maxCount: 16, maxBytes: 2048 };

function pin(name: string | undefined): unknown {
  return name === undefined ? undefined : Pin(name);
}

function stopped(e: unknown): void {
  console.log('sealscan: the device stopped: ' + String((e as Error).message || e));
}

function cannotStart(e: unknown): void {
  console.log('sealscan: cannot start: ' + String((e as Error).message || e));
}

function joinWifi(wifi: { connect(ssid: string, o: object, cb: (err: unknown) => void): void; setSNTP(server: string, tz: number): void }, net: { ssid: string; password?: string }): void {
  wifi.connect(net.ssid, { password: net.password }, function (err: unknown) {
    if (err) console.log('sealscan: Wi-Fi: ' + String(err));
    else wifi.setSNTP('pool.ntp.org', 0);
  });
}

/** Starts the device on its board. */
function run(board: Board, config: ScannerConfig, mode: EspruinoDeviceFile['mode']): void {
  const device = new Device(board, { config: config, mode: mode, sync: ESPRUINO_SYNC, onFailure: stopped });
  device.start();
  console.log('sealscan: device ' + config.deviceId + ' boot ' + device.boot + ', reader ' + board.describe().chip.name);
}

/**
 * The interpreter's built-ins as the board's runtime, made here at the top level: its functions (memoryUsage) then
 * hold no link to start()'s scope. Made inside start() (terser puts a function called once where it is called), they
 * kept that scope alive for good: the configuration file as read, the key and the pins, about 100 variables.
 */
const rt = espruinoRuntime();

/** What booting needs after the configuration is read: the board's options, the scanner's configuration, the mode. */
interface BootPlan {
  board: EspruinoBoardOptions;
  config: ScannerConfig;
  mode: EspruinoDeviceFile['mode'];
}

/**
 * Reads the configuration and key, sets up SPI and joins Wi-Fi: what the device keeps of it is in the plan. A function
 * of its own, so that what it reads (the configuration file as parsed, the key as text, the pins) is in a scope that
 * ends when it returns. The board and the device make functions that live as long as the device, and they hold
 * start()'s scope: start() keeps only the plan.
 */
function plan(): BootPlan {
  const d = readEspruinoDevice(JSON.parse(rt.storage.read(CONFIG_FILE) || 'null'), FIRMWARE);
  const key = readEspruinoKey(rt.storage.read(KEY_FILE));
  const p = d.file.pins;
  SPI1.setup({ sck: pin(p.sck), miso: pin(p.miso), mosi: pin(p.mosi), baud: d.spiBaud, mode: 0 });
  // The Wifi module only when the configuration names a network. Where the module is missing (the Linux build), the
  // failed require alone ran a 5,100-variable pool out of memory with 1,150 variables free.
  const net = d.file.wifi;
  const wifi = net ? optionalModule('Wifi') : undefined;
  if (net && !wifi) console.log('sealscan: Wi-Fi: the configuration names a network, but this firmware has no Wifi module');
  else if (net) joinWifi(wifi, net);
  const led = p.led ? { red: pin(p.led.red), green: pin(p.led.green), blue: pin(p.led.blue) } : undefined;
  return {
    board: {
      runtime: rt,
      spi: SPI1,
      pins: { cs: pin(p.cs), reset: pin(p.reset), led: led, buzzer: pin(p.buzzer), trigger: pin(p.trigger), step: pin(p.step) },
      storage: { prefix: 'q', segmentCount: d.segmentCount, segmentSize: d.segmentSize },
      ingest: d.file.ingest,
      signer: hmacSigner(espruinoCrypto(rt), key),
      describe: { target: 'Espruino' },
    },
    config: d.scanner,
    mode: d.file.mode,
  };
}

function start(): void {
  const b = plan();
  createEspruinoBoard(b.board)
    .then(function (board) {
      run(board, b.config, b.mode);
    })
    .catch(cannotStart);
}

start();
