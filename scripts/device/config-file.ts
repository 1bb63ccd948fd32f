// The device configuration file a technician writes with `sealscan provision` and the Pi runs with `sealscan run`.
// Every refusal names the field and the file.
import { readFileSync } from 'node:fs';
import { SealscanError } from '../../hal/errors.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ScannerConfig } from '../../firmware/app/config.js';
import { STEPS, type Step } from '../../firmware/records/kinds.js';
import type { OriginalityKey } from '../../hal/originality-keys.js';
import { loadTrustedIssuer, IssuerKeyError } from '../../hal/node/issuer-files.js';
import type { GpioPins } from '../../hal/rpi/feedback.js';

export interface DeviceFile {
  format: 'sealscan-device/1';
  deviceId: string;
  site: string;
  /** Where the device keeps its key and queue; relative to the config file. */
  dataDir: string;
  /** Base URL of the ingest service, e.g. http://10.0.0.5:8080 */
  ingest: string;
  /** Public issuer files (sealscan issuer-key new), relative to the config file. */
  issuers: string[];
  /** Extra originality keys (hex, 33 bytes), e.g. the simulator's. */
  originalityKeys?: Array<{ name: string; publicKey: string }>;
  badge?: { block: number; key: string };
  pollIntervalMs?: number;
  dedupeWindowMs?: number;
  checkpointEvery?: number;
  /** The site's step, written into every scan: receiving, shipping, dispensing, inspecting (default), exporting, destroying. */
  step?: Step;
  /** Steps a step badge or the step button may switch to (must include `step`, where each boot starts). */
  steps?: Step[];
  /** Queue segments on disk (default 64 × 1 MiB). */
  queue?: { segmentCount?: number; segmentSize?: number };
  /** BCM pin numbers of the reset line, LED, buzzer and trigger (Pi only). */
  gpio?: GpioPins;
  /** trigger: read only while the trigger button is held (needs gpio.trigger); continuous: poll all the time. */
  mode?: 'continuous' | 'trigger';
  /** The reader's SPI: /dev/spidev<bus>.<chipSelect> at speedHz (default 0.0 at 4 MHz, at most 10 MHz). */
  spi?: { bus?: number; chipSelect?: 0 | 1; speedHz?: number };
}

/** A device file that cannot be used; `field` '(file)' is the file as a whole (then the message names only the file). */
export class DeviceFileError extends SealscanError {
  constructor(readonly file: string, readonly field: string, message: string) {
    super('DEVICE_FILE', field === '(file)' ? `${file} ${message}` : `${file}: ${field}: ${message}`);
    this.name = 'DeviceFileError';
  }
}

export interface LoadedDevice {
  file: string;
  raw: DeviceFile;
  dataDir: string;
  scanner: ScannerConfig;
}

const hexBytes = (file: string, field: string, v: unknown, n: number): Uint8Array => {
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${2 * n}}$`).test(v)) throw new DeviceFileError(file, field, `must be ${n} bytes of hex`);
  return Uint8Array.from(Buffer.from(v, 'hex'));
};

const isObject = (v: unknown): v is { [k: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkSpi(file: string, spi: unknown): void {
  if (spi === undefined) return;
  if (!isObject(spi)) throw new DeviceFileError(file, 'spi', 'must be an object like {"bus": 0, "chipSelect": 0, "speedHz": 4000000}');
  const known = ['bus', 'chipSelect', 'speedHz'];
  for (const k of Object.keys(spi)) if (!known.includes(k)) throw new DeviceFileError(file, `spi.${k}`, `is not a setting (known: ${known.join(', ')})`);
  if (spi.bus !== undefined && (!Number.isInteger(spi.bus) || (spi.bus as number) < 0)) throw new DeviceFileError(file, 'spi.bus', `${JSON.stringify(spi.bus)} must be an SPI bus number (0 on the header)`);
  if (spi.chipSelect !== undefined && spi.chipSelect !== 0 && spi.chipSelect !== 1) throw new DeviceFileError(file, 'spi.chipSelect', `${JSON.stringify(spi.chipSelect)} must be 0 (CE0, pin 24) or 1 (CE1, pin 26)`);
  if (spi.speedHz !== undefined && (!Number.isInteger(spi.speedHz) || (spi.speedHz as number) < 100_000 || (spi.speedHz as number) > 10_000_000)) throw new DeviceFileError(file, 'spi.speedHz', `${JSON.stringify(spi.speedHz)} must be a whole number from 100000 to 10000000 (the MFRC522's limit)`);
}

/** SPI0's pins (BCM), which the reader's bus owns: MOSI, MISO, SCLK and the chip-select in use. */
const SPI0_PINS: { [bcm: number]: string } = { 9: 'SPI0 MISO', 10: 'SPI0 MOSI', 11: 'SPI0 SCLK' };

function checkGpio(file: string, gpio: unknown, chipSelect: number): void {
  if (gpio === undefined) return;
  if (!isObject(gpio)) throw new DeviceFileError(file, 'gpio', 'must be an object like {"reset": 25, "led": {"red": 5, "green": 6, "blue": 13}, "buzzer": 19, "trigger": {"pin": 17}, "step": {"pin": 27}}');
  const known = ['reset', 'led', 'buzzer', 'trigger', 'step'];
  for (const k of Object.keys(gpio)) if (!known.includes(k)) throw new DeviceFileError(file, `gpio.${k}`, `is not a setting (known: ${known.join(', ')})`);
  const taken: { [bcm: number]: string } = { ...SPI0_PINS, [chipSelect ? 7 : 8]: `SPI0 CE${chipSelect}` };
  const pin = (field: string, v: unknown) => {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 27) throw new DeviceFileError(file, field, `${JSON.stringify(v)} must be a BCM GPIO number from 0 to 27 (GPIO17 is 17, not header pin 11)`);
    const n = v as number;
    if (taken[n]) throw new DeviceFileError(file, field, `BCM ${n} is already used by ${taken[n]}`);
    taken[n] = field;
  };
  if (gpio.reset !== undefined) pin('gpio.reset', gpio.reset);
  if (gpio.led !== undefined) {
    if (!isObject(gpio.led)) throw new DeviceFileError(file, 'gpio.led', 'must be {"red": <BCM>, "green": <BCM>, "blue": <BCM>}');
    for (const leg of ['red', 'green', 'blue']) pin(`gpio.led.${leg}`, gpio.led[leg]);
  }
  if (gpio.buzzer !== undefined) pin('gpio.buzzer', gpio.buzzer);
  for (const name of ['trigger', 'step']) {
    const t = gpio[name];
    if (t === undefined) continue;
    if (!isObject(t)) throw new DeviceFileError(file, `gpio.${name}`, 'must be {"pin": <BCM>, "activeLow": true, "debounceMs": 20}');
    pin(`gpio.${name}.pin`, t.pin);
    if (t.activeLow !== undefined && typeof t.activeLow !== 'boolean') throw new DeviceFileError(file, `gpio.${name}.activeLow`, 'must be true (pressed reads low: a button to GND with a pull-up) or false');
    if (t.debounceMs !== undefined && (typeof t.debounceMs !== 'number' || !(t.debounceMs >= 0 && t.debounceMs <= 1000))) throw new DeviceFileError(file, `gpio.${name}.debounceMs`, `${JSON.stringify(t.debounceMs)} must be from 0 to 1000 ms`);
  }
}

export function loadDeviceFile(file: string, firmware: string): LoadedDevice {
  let raw: DeviceFile;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DeviceFileError(file, '(file)', 'does not exist; expected the device configuration that sealscan provision writes (its --out, default device.json)');
    throw new DeviceFileError(file, '(file)', code ? `cannot be read (${code})` : 'is not valid JSON');
  }
  if (!raw || typeof raw !== 'object') throw new DeviceFileError(file, '(file)', 'is not a JSON object');
  if (raw.format !== 'sealscan-device/1') throw new DeviceFileError(file, 'format', 'must be "sealscan-device/1"');
  for (const k of ['deviceId', 'site', 'dataDir', 'ingest'] as const) {
    if (typeof raw[k] !== 'string' || !raw[k]) throw new DeviceFileError(file, k, 'must be a non-empty string');
  }
  try {
    const u = new URL(raw.ingest);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new DeviceFileError(file, 'ingest', 'must be an http:// or https:// URL');
  }
  if (!Array.isArray(raw.issuers)) throw new DeviceFileError(file, 'issuers', 'must be a list of issuer files');
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const issuers = raw.issuers.map((p, i) => {
    try {
      return loadTrustedIssuer(at(p));
    } catch (e) {
      if (e instanceof IssuerKeyError) throw new DeviceFileError(file, `issuers[${i}]`, e.message);
      throw e;
    }
  });
  const originalityKeys: OriginalityKey[] = (raw.originalityKeys ?? []).map((k, i) => ({ name: String(k.name), publicKey: hexBytes(file, `originalityKeys[${i}].publicKey`, k.publicKey, 33) }));
  const scanner: ScannerConfig = {
    deviceId: raw.deviceId,
    site: raw.site,
    firmware,
    trust: { issuers, originalityKeys },
    pollIntervalMs: raw.pollIntervalMs,
    dedupeWindowMs: raw.dedupeWindowMs,
    checkpointEvery: raw.checkpointEvery,
  };
  checkSpi(file, raw.spi);
  checkGpio(file, raw.gpio, raw.spi?.chipSelect ?? 0);
  if (raw.mode !== undefined && raw.mode !== 'continuous' && raw.mode !== 'trigger') throw new DeviceFileError(file, 'mode', `"${String(raw.mode)}" must be "continuous" or "trigger"`);
  if (raw.mode === 'trigger' && !raw.gpio?.trigger) throw new DeviceFileError(file, 'mode', 'trigger mode needs a trigger button: add "gpio": {"trigger": {"pin": <BCM>}}');
  if (raw.step !== undefined) {
    if (!STEPS.includes(raw.step)) throw new DeviceFileError(file, 'step', `${JSON.stringify(raw.step)} must be one of ${STEPS.join(', ')}`);
    scanner.step = raw.step;
  }
  if (raw.steps !== undefined) {
    if (!Array.isArray(raw.steps) || !raw.steps.length) throw new DeviceFileError(file, 'steps', `must be a list of steps from ${STEPS.join(', ')}`);
    raw.steps.forEach((s, i) => {
      if (!STEPS.includes(s)) throw new DeviceFileError(file, `steps[${i}]`, `${JSON.stringify(s)} must be one of ${STEPS.join(', ')}`);
      if (raw.steps!.indexOf(s) !== i) throw new DeviceFileError(file, `steps[${i}]`, `${s} is listed twice`);
    });
    if (!raw.steps.includes(scanner.step ?? 'inspecting')) throw new DeviceFileError(file, 'steps', `must include the starting step "${scanner.step ?? 'inspecting'}" (set "step" to one of them)`);
    scanner.steps = raw.steps.slice();
  }
  if (raw.gpio?.step && !raw.steps) throw new DeviceFileError(file, 'gpio.step', 'a step button needs "steps": the steps it switches between');
  if (raw.badge) scanner.badge = { block: raw.badge.block, key: hexBytes(file, 'badge.key', raw.badge.key, 6) };
  return { file, raw, dataDir: at(raw.dataDir), scanner };
}
