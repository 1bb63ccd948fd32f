import { commandArgs, usageError } from '../command-args.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeviceFile } from '../device/config-file.js';
import { isSealscanError } from '../../hal/errors.js';
import { startNodeDevice, FIRMWARE_VERSION, type NodeDevice } from '../device/node-device.js';
import { readTagFile, ReaderUseError } from '../../sim/tag-reader.js';
import type { Picc } from '../../sim/rf/air.js';
import { MifareClassic1K } from '../../sim/tags/index.js';

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

Every tap prints one line: "tap <kind> seq=<n> verdict=<v> uid=<hex>", written after the record is durable.`;

/** How long a stop waits for the device before the process exits anyway. */
const STOP_GRACE_MS = 1500;

function line(e: { kind: string; seq?: number; judgement?: { verdict: string }; uid: string; shown: { headline: string } }): string {
  return `tap ${e.kind} seq=${e.seq ?? '-'} verdict=${e.judgement?.verdict ?? '-'} uid=${e.uid} "${e.shown.headline}"`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('run', USAGE, args, { config: { type: 'string' }, reader: { type: 'string' }, 'sim-tags': { type: 'string' }, 'tap-every': { type: 'string' }, taps: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const reader = (values.reader ?? 'pi') as 'pi' | 'sim';
  if (!values.config || (reader !== 'pi' && reader !== 'sim')) return usageError('run', USAGE, values.config ? '--reader must be pi or sim' : '--config is required');
  let node: NodeDevice;
  let tags: Picc[] = [];
  try {
    const d = loadDeviceFile(values.config, FIRMWARE_VERSION);
    if (values['sim-tags']) {
      if (reader !== 'sim') throw new ReaderUseError('--sim-tags needs --reader sim');
      const dir = values['sim-tags'];
      tags = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => readTagFile(join(dir, f)).tag);
      if (tags.length === 0) throw new ReaderUseError(`no tag files (*.json) in ${dir}`);
    }
    node = await startNodeDevice(d, reader, (l) => console.log(l), (e) => {
      // The storage failed under the device: stop with an error, so that a supervisor (systemd) restarts the
      // scanner and boot recovery runs.
      console.error(`sealscan run: the device stopped: ${(e as Error).message}`);
      process.exit(1);
    });
  } catch (e) {
    // Our own refusals (configuration, key, reader, hardware) and the system's (a missing folder, no permission).
    if (isSealscanError(e) || typeof (e as NodeJS.ErrnoException).code === 'string') {
      console.error(`sealscan run: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
  const { device, field } = node;
  const r = device.report;
  console.log(`device ${device.scanner.config.deviceId} boot ${device.boot}, reader ${node.board.describe().chip.name}, queue: ${r.unacked} unsynced, next seq ${r.nextSeq}${r.lost.length ? `, lost ${JSON.stringify(r.lost)} (fault record written)` : ''}`);
  device.onTap((e) => console.log(line(e)));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Polling stops first (a tap being handled finishes, its record included); an upload in flight is not waited
    // for beyond the grace: its records are durable in the queue and go again at the next start. systemd's stop
    // timeout is never reached.
    await Promise.race([device.stop(), new Promise((res) => setTimeout(res, STOP_GRACE_MS).unref())]);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
  if (field && tags.length) {
    const every = Number(values['tap-every'] ?? 300);
    const limit = values.taps === undefined ? Infinity : Number(values.taps);
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
    // Let sync finish what it can, then stop.
    for (let i = 0; i < 50 && device.queue.status().unacked > 0; i++) await new Promise((res) => setTimeout(res, 100));
    await stop();
    const q = device.queue.status();
    console.log(`done: ${q.unacked} unsynced, acked through ${q.ackedThrough}`);
    return 0;
  }
  await new Promise<void>(() => {});
  return 0;
}
