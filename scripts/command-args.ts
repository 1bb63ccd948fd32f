// The argument handling every command shares: --help (or -h) prints the usage (exit 0); a bad option prints the
// problem and the usage on stderr (exit 2); otherwise the parsed values and the positionals (a subcommand first).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fromHex } from '../hal/hex.js';
import { SealscanError } from '../hal/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandValues<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;

/** Parsed `{ values, positionals }`, or the exit status when the command should stop here. */
export function commandArgs<O extends Options>(name: string, usage: string, args: string[], options: O): CommandValues<O> | number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return 0;
  }
  try {
    return parseArgs({ args, options, allowPositionals: true });
  } catch (e) {
    return usageError(name, usage, (e as Error).message);
  }
}

/** Prints "sealscan NAME: message" and the usage to stderr; returns the usage-error status 2. */
export function usageError(name: string, usage: string, message: string): number {
  console.error(`sealscan ${name}: ${message}\n\n${usage}`);
  return 2;
}

/** `v` as exactly `n` bytes of hex, or an error naming the option. */
export function hexOption(option: string, v: string | undefined, n: number): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const b = fromHex(v);
  if (!b || b.length !== n) throw new OptionError(`--${option} must be ${n} bytes of hex`);
  return b;
}

/**
 * `v` as a whole number in `min..max`, or an OptionError naming the option and its range; undefined when not given.
 * Every number a command takes goes through here, so each refusal says which option and what it accepts.
 */
export function intOption(option: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < min || Number(v) > max) throw new OptionError(`--${option} must be a whole number in ${min}..${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `v` as a TCP port, 0..65535 (0: any free port). */
export function portOption(option: string, v: string | undefined): number | undefined {
  return intOption(option, v, 0, 65535);
}

/** A command-line option that cannot work (code `USAGE`): the command prints it with its usage and exits 2. */
export class OptionError extends SealscanError {
  declare readonly code: 'USAGE';
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'OptionError';
  }
}
