/**
 * The Espruino scanner's configuration, as `sealscan flash` writes it to Storage (`sealscan.json`) and the device
 * reads it at boot. Checked on both sides by this one function; every refusal names the field. Runs on Espruino:
 * ES5 library only (scripts/espruino/lib.d.ts).
 */
import type { ScannerConfig } from '../../../firmware/app/config.js';
import { fromHex } from '../../../hal/hex.js';
import { isDeviceId } from '../../../hal/keys.js';
import { SealscanError } from '../../../hal/errors.js';
import { STEPS, type Step } from '../../../firmware/records/kinds.js';

export const CONFIG_FILE = 'sealscan.json';
export const KEY_FILE = 'sealscan.key';
export const FORMAT = 'sealscan-espruino/1';

/** Pin names as the board calls them (D5, D18, …). */
export interface EspruinoPinNames {
  sck: string;
  miso: string;
  mosi: string;
  cs: string;
  reset?: string;
  led?: { red: string; green: string; blue: string };
  buzzer?: string;
  trigger?: string;
  /** A step button to GND (needs `steps`). */
  step?: string;
}

export interface EspruinoDeviceFile {
  format: string;
  deviceId: string;
  site: string;
  ingest: string;
  issuers: Array<{ name: string; publicKey: string }>;
  originalityKeys?: Array<{ name: string; publicKey: string }>;
  badge?: { block: number; key: string };
  pollIntervalMs?: number;
  dedupeWindowMs?: number;
  checkpointEvery?: number;
  /** The site's step written into every scan (default inspecting). */
  step?: Step;
  /** Steps a step badge (STEP:<step>) may switch to; must include `step`. */
  steps?: Step[];
  mode?: 'continuous' | 'trigger';
  pins: EspruinoPinNames;
  /** SPI clock, Hz (default 4 MHz, at most 10 MHz). */
  spiBaud?: number;
  wifi?: { ssid: string; password?: string };
  /** Queue files in Storage (default 16 × 32 KiB on an ESP32's 896 KiB). */
  queue?: { segmentCount?: number; segmentSize?: number };
}

export interface EspruinoDevice {
  file: EspruinoDeviceFile;
  scanner: ScannerConfig;
  segmentCount: number;
  segmentSize: number;
  spiBaud: number;
}

/** A configuration field that cannot work. */
export class EspruinoConfigError extends SealscanError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('BAD_CONFIG', field + ': ' + message);
    this.name = 'EspruinoConfigError';
    this.field = field;
  }
}

function fail(field: string, message: string): never {
  throw new EspruinoConfigError(field, message);
}

function bytes(field: string, v: unknown, n: number): Uint8Array {
  const b = typeof v === 'string' ? fromHex(v) : undefined;
  if (!b || b.length !== n) fail(field, 'must be ' + n + ' bytes of hex');
  return b as Uint8Array;
}

function pinName(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length < 2 || v.length > 8) fail(field, 'must be a pin name such as "D5"');
  return v as string;
}

function whole(field: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || v !== Math.floor(v) || v < min || v > max) fail(field, 'must be a whole number from ' + min + ' to ' + max);
  return v as number;
}

/** Checks `json` (the parsed sealscan.json) and returns the scanner's configuration; `firmware` names the build. */
export function readEspruinoDevice(json: unknown, firmware: string): EspruinoDevice {
  if (!json || typeof json !== 'object') fail('(file)', 'is not a JSON object');
  const f = json as EspruinoDeviceFile;
  if (f.format !== FORMAT) fail('format', 'must be "' + FORMAT + '"');
  if (!isDeviceId(f.deviceId)) fail('deviceId', 'must be 1 to 64 characters of A-Z a-z 0-9 . _ : -');
  if (typeof f.site !== 'string' || !f.site) fail('site', 'must be a non-empty string');
  if (typeof f.ingest !== 'string' || (f.ingest.substr(0, 7) !== 'http://' && f.ingest.substr(0, 8) !== 'https://')) fail('ingest', 'must be an http:// or https:// URL');
  if (!f.issuers || typeof f.issuers.length !== 'number') fail('issuers', 'must be a list of {name, publicKey}');
  const issuers = f.issuers.map(function (k, i) {
    if (!k || typeof k.name !== 'string' || !k.name) fail('issuers[' + i + '].name', 'must be a non-empty string');
    return { name: k.name, publicKey: bytes('issuers[' + i + '].publicKey', k.publicKey, 32) };
  });
  const originalityKeys = (f.originalityKeys || []).map(function (k, i) {
    return { name: String(k.name), publicKey: bytes('originalityKeys[' + i + '].publicKey', k.publicKey, 33) };
  });
  if (f.mode !== undefined && f.mode !== 'continuous' && f.mode !== 'trigger') fail('mode', 'must be "continuous" or "trigger"');
  const p = f.pins;
  if (!p || typeof p !== 'object') fail('pins', 'must name sck, miso, mosi and cs');
  pinName('pins.sck', p.sck);
  pinName('pins.miso', p.miso);
  pinName('pins.mosi', p.mosi);
  pinName('pins.cs', p.cs);
  if (p.reset !== undefined) pinName('pins.reset', p.reset);
  if (p.buzzer !== undefined) pinName('pins.buzzer', p.buzzer);
  if (p.trigger !== undefined) pinName('pins.trigger', p.trigger);
  if (p.step !== undefined) pinName('pins.step', p.step);
  if (p.step !== undefined && f.steps === undefined) fail('pins.step', 'a step button needs steps: the steps it switches between');
  if (p.led !== undefined) {
    pinName('pins.led.red', p.led.red);
    pinName('pins.led.green', p.led.green);
    pinName('pins.led.blue', p.led.blue);
  }
  if (f.mode === 'trigger' && p.trigger === undefined) fail('mode', 'trigger mode needs pins.trigger');
  if (f.wifi !== undefined && (typeof f.wifi.ssid !== 'string' || !f.wifi.ssid)) fail('wifi.ssid', 'must be the network name');
  const q = f.queue || {};
  const scanner: ScannerConfig = {
    deviceId: f.deviceId,
    site: f.site,
    firmware: firmware,
    trust: { issuers: issuers, originalityKeys: originalityKeys },
    pollIntervalMs: f.pollIntervalMs,
    dedupeWindowMs: f.dedupeWindowMs,
    checkpointEvery: f.checkpointEvery,
  };
  if (f.step !== undefined) {
    if (STEPS.indexOf(f.step) < 0) fail('step', 'must be one of ' + STEPS.join(', '));
    scanner.step = f.step;
  }
  if (f.steps !== undefined) {
    if (!f.steps || typeof f.steps.length !== 'number' || f.steps.length < 1) fail('steps', 'must list the steps this scanner may switch to');
    for (let i = 0; i < f.steps.length; i++) if (STEPS.indexOf(f.steps[i]) < 0) fail('steps[' + i + ']', 'must be one of ' + STEPS.join(', '));
    scanner.steps = f.steps.slice();
  }
  if (f.badge) scanner.badge = { block: whole('badge.block', f.badge.block, 1, 63, 4), key: bytes('badge.key', f.badge.key, 6) };
  return {
    file: f,
    scanner: scanner,
    segmentCount: whole('queue.segmentCount', q.segmentCount, 2, 64, 16),
    segmentSize: whole('queue.segmentSize', q.segmentSize, 4096, 65536, 32768),
    spiBaud: whole('spiBaud', f.spiBaud, 100000, 10000000, 4000000),
  };
}

/** The device's HMAC key from KEY_FILE's hex. */
export function readEspruinoKey(text: string | undefined): Uint8Array {
  const key = text === undefined ? undefined : fromHex(text.trim());
  if (!key || key.length < 32 || key.length > 64) fail(KEY_FILE, 'must hold the device key as 32 to 64 bytes of hex (sealscan flash writes it)');
  return key as Uint8Array;
}
