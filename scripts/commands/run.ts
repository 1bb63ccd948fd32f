import { commandArgs, intOption, OptionError, usageError } from '../command-args.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeviceFile } from '../device/config-file.js';
import { isSealscanError } from '../../hal/errors.js';
import { startNodeDevice, FIRMWARE_VERSION, type NodeDevice } from '../device/node-device.js';
import { readTagFile, ReaderUseError } from '../../sim/tag-reader.js';
import type { Picc } from '../../sim/rf/air.js';
import { MifareClassic1K } from '../../sim/tags/index.js';
import { notAPiHint } from '../readers.js';
import { syncAtExit, watchSync } from '../device/sync-report.js';

const USAGE = `usage: sealscan run --config device.json [--reader pi|sim] [--sim-tags DIR] [--tap-every MS] [--taps N]

Runs the scanner: polls the reader, judges every tap, keeps each signed record durably in the data directory and
syncs to the ingest named in the configuration. Stops cleanly on SIGINT/SIGTERM; a hard stop (power cut, SIGKILL)
loses nothing that got its feedback (boot recovery writes a fault record for anything torn).

  --config FILE    the device configuration (sealscan provision writes it)
  --reader pi      the MFRC522 on this Raspberry Pi's SPI0 (default)
  --reader sim     the simulated MFRC522; with --sim-tags, the virtual tag files in DIR are tapped
                   in turn (badges once, first; then the packages round and round)
  --tap-every MS   pause between simulated taps (default 300)
  --taps N         stop after N simulated taps (default: run until stopped)

Every tap prints one line: "tap <kind> seq=<n> verdict=<v> uid=<hex>", written after the record is durable.
Sync prints a line when it starts failing ("sync: could not reach the ingest at URL (N records waiting): ...") and
when it works again ("sync: reached the ingest again"), and where it stands at exit ("sync at exit: ...").`;

/** How long a stop waits for the device before the process exits anyway. */
const STOP_GRACE_MS = 1500;

function line(e: { kind: string; seq?: number; judgement?: { verdict: string }; uid: string; shown: { headline: string } }): string {
  return `tap ${e.kind} seq=${e.seq ?? '-'} verdict=${e.judgement?.verdict ?? '-'} uid=${e.uid || '-'} "${e.shown.headline}"`;
}

/** The tag files in `dir`, or a ReaderUseError naming the folder and what it should hold. */
function simTags(dir: string): Picc[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = 'expected a folder of virtual tag files (sealscan tag new KIND --out DIR/NAME.json)';
    if (code === 'ENOENT') throw new ReaderUseError(`--sim-tags ${dir}: no such folder; ${what}`);
    if (code === 'ENOTDIR') throw new ReaderUseError(`--sim-tags ${dir} is a file, not a folder; ${what}`);
    throw new ReaderUseError(`--sim-tags ${dir}: cannot be read (${code ?? (e as Error).message})`);
  }
  const tags = names.filter((f) => f.endsWith('.json')).sort().map((f) => readTagFile(join(dir, f)).tag);
  if (tags.length === 0) throw new ReaderUseError(`no tag files (*.json) in ${dir}`);
  return tags;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('run', USAGE, args, { config: { type: 'string' }, reader: { type: 'string' }, 'sim-tags': { type: 'string' }, 'tap-every': { type: 'string' }, taps: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const reader = (values.reader ?? 'pi') as 'pi' | 'sim';
  let every: number;
  let limit: number;
  try {
    if (!values.config) throw new OptionError('--config is required');
    if (reader !== 'pi' && reader !== 'sim') throw new OptionError('--reader must be pi or sim');
    // Without tags to tap, a tap count is never reached: the runner would wait for ever.
    for (const o of ['taps', 'tap-every'] as const) if (values[o] !== undefined && !values['sim-tags']) throw new OptionError(`--${o} needs --sim-tags DIR (the virtual tags to tap)`);
    if (values['sim-tags'] && reader !== 'sim') throw new OptionError('--sim-tags needs --reader sim');
    every = intOption('tap-every', values['tap-every'], 0, 3600000) ?? 300;
    limit = intOption('taps', values.taps, 0, 1000000) ?? Infinity;
  } catch (e) {
    if (e instanceof OptionError) return usageError('run', USAGE, e.message);
    throw e;
  }
  let node: NodeDevice;
  let tags: Picc[] = [];
  let ingest: string;
  try {
    const d = loadDeviceFile(values.config, FIRMWARE_VERSION);
    ingest = d.raw.ingest;
    if (values['sim-tags']) tags = simTags(values['sim-tags']);
    node = await startNodeDevice(d, reader, (l) => console.log(l), (e) => {
      // The storage failed under the device: stop with an error, so that a supervisor (systemd) restarts the
      // scanner and boot recovery runs.
      console.error(`sealscan run: the device stopped: ${(e as Error).message}`);
      process.exit(1);
    });
  } catch (e) {
    // Our own refusals (configuration, key, reader, hardware) and the system's (a missing folder, no permission).
    if (isSealscanError(e) || typeof (e as NodeJS.ErrnoException).code === 'string') {
      console.error(`sealscan run: ${(e as Error).message}${reader === 'pi' ? notAPiHint(e, '--reader sim --sim-tags DIR') : ''}`);
      return 2;
    }
    throw e;
  }
  const { device, field } = node;
  const r = device.report;
  console.log(`device ${device.scanner.config.deviceId} boot ${device.boot}, reader ${node.board.describe().chip.name}, queue: ${r.unacked} unsynced, next seq ${r.nextSeq}${r.lost.length ? `, lost ${JSON.stringify(r.lost)} (fault record written)` : ''}`);
  device.onTap((e) => console.log(line(e)));
  const unwatch = watchSync(() => device.sync.status(), ingest, (l) => console.log(l));
  let stopping = false;
  let stopped: Promise<void> | undefined;
  // One stop, however many ask for it (a signal, and the tap loop ending because of it): each caller waits for the
  // same one, so nobody exits before its last line is out.
  const stop = (): Promise<void> => {
    stopping = true;
    stopped ??= (async () => {
      // Polling stops first (a tap being handled finishes, its record included); an upload in flight is not waited
      // for beyond the grace: its records are durable in the queue and go again at the next start. systemd's stop
      // timeout is never reached.
      await Promise.race([device.stop(), new Promise((res) => setTimeout(res, STOP_GRACE_MS).unref())]);
      unwatch();
      console.log(syncAtExit(device.sync.status(), ingest));
    })();
    return stopped;
  };
  // stdout to a pipe (journald, a supervisor, a test) is written asynchronously: exit once the last line is out, or
  // process.exit would drop it.
  const exit = () => process.stdout.write('', () => process.exit(0));
  process.on('SIGINT', () => void stop().then(exit));
  process.on('SIGTERM', () => void stop().then(exit));
  if (field && tags.length) {
    const poll = device.scanner.config.pollIntervalMs;
    // Badges (MIFARE Classic) are tapped once, first: the inspector logs in, then taps packages in turn.
    const badges = tags.filter((t) => t instanceof MifareClassic1K);
    const packages = tags.filter((t) => !(t instanceof MifareClassic1K));
    const order = (i: number): Picc => (i < badges.length || packages.length === 0 ? badges[i % badges.length] : packages[(i - badges.length) % packages.length]);
    for (let i = 0; i < limit && !stopping; i++) {
      const tag = order(i);
      field.place(tag);
      await new Promise((res) => setTimeout(res, poll * 2 + 20));
      field.remove(tag);
      await new Promise((res) => setTimeout(res, every));
    }
    // The taps are done: let sync finish what it can (one more try now, even out of a backoff wait), then stop. After
    // a signal the stop is under way already: wait for it, not for sync.
    if (!stopping) {
      device.sync.syncNow();
      for (let i = 0; i < 50 && device.queue.status().unacked > 0; i++) await new Promise((res) => setTimeout(res, 100));
    }
    await stop();
    const q = device.queue.status();
    console.log(`done: ${q.unacked} unsynced, acked through ${q.ackedThrough}`);
    return 0;
  }
  await new Promise<void>(() => {});
  return 0;
}
