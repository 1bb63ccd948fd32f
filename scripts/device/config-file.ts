// The device configuration file a technician writes with `sealscan provision` and the Pi runs with `sealscan run`.
// Every refusal names the field and the file.
import { readFileSync } from 'node:fs';
import { SealscanError } from '../../hal/errors.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ScannerConfig } from '../../firmware/app/config.js';
import type { OriginalityKey } from '../../firmware/seals/originality-keys.js';
import { loadTrustedIssuer, IssuerKeyError } from '../../sim/issuer-keys.js';
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
  /** Queue segments on disk (default 64 × 1 MiB). */
  queue?: { segmentCount?: number; segmentSize?: number };
  gpio?: GpioPins;
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
  if (raw.badge) scanner.badge = { block: raw.badge.block, key: hexBytes(file, 'badge.key', raw.badge.key, 6) };
  return { file, raw, dataDir: at(raw.dataDir), scanner };
}
