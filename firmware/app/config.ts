import type { TrustConfig } from '../seals/verdict.js';
import { DEFAULT_STEP, STEPS, type ResetReason, type Step } from '../records/kinds.js';
import { isDeviceId } from '../../hal/keys.js';
import { SealscanError } from '../../hal/errors.js';
import { BADGE_BLOCK } from './badge.js';

/** How this scanner works. Loaded by the platform (a JSON file on a Pi, Storage on Espruino) and checked here. */
export interface ScannerConfig {
  /** Device id, also the COSE kid: 1..64 characters of A-Z a-z 0-9 . _ : - */
  deviceId: string;
  /** Id of the site the scanner inspects (a GLN where the site has one). */
  site: string;
  /** Seal issuers and extra originality keys this scanner trusts. */
  trust: TrustConfig;
  /** Firmware version written into boot records. */
  firmware: string;
  /** Pause between two polls for a tag, ms. Default 100. */
  pollIntervalMs?: number;
  /**
   * Repeat window, ms, from the last recorded scan: a tap that reads the same bytes, gets the same verdict and reasons
   * and has the same inspector repeats that verdict without a new record (firmware/app/repeat.ts). Default 2000;
   * 0 = off.
   */
  dedupeWindowMs?: number;
  /** A checkpoint record after this many records. Default 50. */
  checkpointEvery?: number;
  /** Inspector badges: MIFARE Classic 1K cards holding the badge id in ASCII in `block`, read with key A. */
  badge?: { block: number; key: Uint8Array };
  /** Reads of a tag retried after a transient radio error before the scan counts as unreadable. Default 2. */
  readRetries?: number;
  /**
   * The site's step, written into every scan record (payload key 19): receiving, shipping, dispensing, inspecting,
   * exporting or destroying. Default inspecting.
   */
  step?: Step;
  /**
   * Steps this scanner may switch to, where the site does several (a step badge, `STEP:<step>`, or the board's
   * step button; docs/closed-loop.md). Must include `step`, which is where it starts after each boot. Default: only
   * `step`.
   */
  steps?: Step[];
}

export interface ResolvedConfig extends ScannerConfig {
  pollIntervalMs: number;
  dedupeWindowMs: number;
  checkpointEvery: number;
  badge: { block: number; key: Uint8Array };
  readRetries: number;
  step: Step;
  steps: Step[];
}

/** A configuration value that cannot work (code `BAD_CONFIG`); `field` names it. */
export class ConfigError extends SealscanError {
  declare readonly code: 'BAD_CONFIG';
  readonly field: string;
  constructor(field: string, message: string) {
    super('BAD_CONFIG', field + ': ' + message);
    this.name = 'ConfigError';
    this.field = field;
  }
}

const DEFAULT_BADGE_KEY = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function whole(v: number | undefined, dflt: number, field: string, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || v !== Math.floor(v) || v < min || v > max) throw new ConfigError(field, 'must be a whole number from ' + min + ' to ' + max + ', got ' + String(v));
  return v;
}

/** Checks a configuration and fills in the defaults. Throws {@link ConfigError} naming the first bad field. */
export function resolveConfig(c: ScannerConfig): ResolvedConfig {
  if (!isDeviceId(c.deviceId)) {
    throw new ConfigError('deviceId', 'must be 1 to 64 characters of A-Z a-z 0-9 . _ : -');
  }
  if (typeof c.site !== 'string' || c.site.length < 1 || c.site.length > 64) throw new ConfigError('site', 'must be 1 to 64 characters');
  if (typeof c.firmware !== 'string' || c.firmware.length < 1) throw new ConfigError('firmware', 'must name the firmware version');
  if (!c.trust || !c.trust.issuers || typeof c.trust.issuers.length !== 'number') throw new ConfigError('trust.issuers', 'must be a list (it may be empty)');
  for (let i = 0; i < c.trust.issuers.length; i++) {
    const k = c.trust.issuers[i].publicKey;
    if (!(k instanceof Uint8Array) || k.length !== 32) throw new ConfigError('trust.issuers[' + i + '].publicKey', 'must be a 32-byte Ed25519 public key');
  }
  const badge = c.badge || { block: BADGE_BLOCK, key: DEFAULT_BADGE_KEY };
  if (!(badge.key instanceof Uint8Array) || badge.key.length !== 6) throw new ConfigError('badge.key', 'must be 6 bytes');
  whole(badge.block, 4, 'badge.block', 1, 63);
  if (c.step !== undefined && STEPS.indexOf(c.step) < 0) throw new ConfigError('step', 'must be one of ' + STEPS.join(', ') + ', got ' + String(c.step));
  const step = c.step === undefined ? DEFAULT_STEP : c.step;
  const steps = c.steps === undefined ? [step] : c.steps;
  if (!steps || typeof steps.length !== 'number' || steps.length < 1) throw new ConfigError('steps', 'must list at least one step');
  for (let i = 0; i < steps.length; i++) {
    if (STEPS.indexOf(steps[i]) < 0) throw new ConfigError('steps[' + i + ']', 'must be one of ' + STEPS.join(', ') + ', got ' + String(steps[i]));
    if (steps.indexOf(steps[i]) !== i) throw new ConfigError('steps[' + i + ']', steps[i] + ' is listed twice');
  }
  if (steps.indexOf(step) < 0) throw new ConfigError('steps', 'must include the starting step ' + step);
  if (badge.block % 4 === 3) throw new ConfigError('badge.block', 'block ' + badge.block + ' is a sector trailer');
  return {
    deviceId: c.deviceId,
    site: c.site,
    trust: c.trust,
    firmware: c.firmware,
    pollIntervalMs: whole(c.pollIntervalMs, 100, 'pollIntervalMs', 1, 60000),
    dedupeWindowMs: whole(c.dedupeWindowMs, 2000, 'dedupeWindowMs', 0, 3600000),
    checkpointEvery: whole(c.checkpointEvery, 50, 'checkpointEvery', 1, 1000000),
    badge: badge,
    readRetries: whole(c.readRetries, 2, 'readRetries', 0, 10),
    step: step,
    steps: steps.slice(),
  };
}

export type { ResetReason, Step };
