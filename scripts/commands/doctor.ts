import { commandArgs, usageError } from '../command-args.js';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeviceFile, DeviceFileError, type LoadedDevice } from '../device/config-file.js';
import { FIRMWARE_VERSION } from '../device/node-device.js';
import { resolveConfig } from '../../firmware/app/config.js';
import { openQueue } from '../../firmware/app/device.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { SystemClock } from '../../hal/node/clock.js';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { keyStoreOf, queueStorageOf } from '../../hal/node/board-parts.js';
import { diagnoseReader } from '../../hal/mfrc522/diagnose.js';
import type { SpiDevice } from '../../hal/spi.js';
import { buildProbe } from '../../firmware/records/probe.js';
import { errorOf } from '../../firmware/sync/protocol.js';
import { isRaspberryPi } from '../../hal/rpi/spidev.js';

/** The simulated chip, loaded only when asked for. */
async function simulatedSpi(): Promise<SpiDevice> {
  const [{ SimMfrc522 }, { VirtualClock }, { RfField }] = await Promise.all([import('../../sim/mfrc522/index.js'), import('../../sim/clock.js'), import('../../sim/rf/field.js')]);
  return new SimMfrc522({ clock: new VirtualClock(), field: new RfField() });
}

const USAGE = `usage: sealscan doctor --config device.json [--reader pi|sim] [--json]

Checks everything a scanner needs and says exactly what is wrong: the configuration, the device key, the storage
and its queue (recovery, depth, oldest unsynced record, free space), on a Pi the SPI device node and the GPIO chip
with each configured pin, the reader chip (hard reset, version, the data sheet's self-test, antenna), and the
ingest (reachable, this device registered, how far it has acknowledged).

Run it with the service stopped (sudo systemctl stop sealscan): the service holds the SPI device and the pins.

exit status: 0 all checks pass, 1 a check failed, 2 usage error`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function checks(d: LoadedDevice, reader: 'pi' | 'sim'): Promise<Check[]> {
  const out: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail });
  const attempt = async (name: string, fn: () => Promise<string> | string) => {
    try {
      add(name, true, await fn());
    } catch (e) {
      add(name, false, (e as Error).message);
    }
  };
  await attempt('configuration', () => {
    const c = resolveConfig(d.scanner);
    return `device ${c.deviceId}, site ${c.site}, ${c.trust.issuers.length} trusted issuer(s): ${c.trust.issuers.map((i) => i.name).join(', ') || 'none'}`;
  });
  if (d.scanner.trust.issuers.length === 0) add('trusted issuers', false, 'no issuer is trusted: every seal will read as unknown; add issuer files to "issuers"');
  await attempt('device key', () => {
    const id = keyStoreOf(d.dataDir).load(d.raw.deviceId);
    if (!id) throw new Error(`no key for ${d.raw.deviceId} in ${join(d.dataDir, 'keys')}: run sealscan provision`);
    return `${id.alg}, file mode 0600`;
  });
  let ackedThrough = -1;
  let nextSeq = 0;
  await attempt('storage', () => {
    mkdirSync(join(d.dataDir, 'queue'), { recursive: true });
    accessSync(join(d.dataDir, 'queue'), constants.W_OK);
    const t0 = performance.now();
    const { queue, report } = openQueue(queueStorageOf(d.dataDir, d.raw.queue), createNodeCrypto());
    const ms = performance.now() - t0;
    const s = queue.status();
    ackedThrough = s.ackedThrough;
    nextSeq = s.nextSeq;
    const age = s.oldestUnackedTime === undefined ? '' : `, oldest unsynced ${Math.round((Date.now() - s.oldestUnackedTime) / 60000)} min old`;
    const loss = report.clean ? '' : `; recovery set aside ${report.discardedBytes} bytes, lost ${JSON.stringify(report.lost)} (the scanner declares them in a fault record)`;
    if (s.state === 'full') throw new Error(`queue FULL: ${s.unacked} unsynced records; scans are refused until it syncs${age}`);
    return `queue ${s.state}: ${s.unacked} unsynced${age}, ${Math.round(s.freeBytes / 1024)} KiB free of ${Math.round(s.capacityBytes / 1024)} KiB, next seq ${s.nextSeq}, recovered in ${ms.toFixed(0)} ms${loss}`;
  });
  if (reader === 'pi') {
    // SPI device node, GPIO chip and every configured pin, then the chip after its reset line is pulsed.
    const { piChecks } = await import('../../hal/rpi/checks.js');
    const pi = await piChecks({ spi: d.raw.spi, gpio: d.raw.gpio, clock: new SystemClock() });
    // Off a Pi, the way on is the simulated reader.
    for (const c of pi) if (c.name === 'spi' && !c.ok && !isRaspberryPi()) c.detail += '; on a PC, use the simulated reader: sealscan doctor --reader sim';
    out.push(...pi);
  } else {
    await attempt('reader', async () => `${await diagnoseReader(await simulatedSpi(), new SystemClock())} (simulated)`);
  }
  await attempt('ingest', async () => {
    const up = new HttpUplink(d.raw.ingest);
    const h = await up.request({ method: 'GET', path: '/v1/health', timeoutMs: 5000 });
    if (!h.ok) throw new Error(`${d.raw.ingest} cannot be reached: ${h.message} (records wait in the queue meanwhile)`);
    if (h.response.status !== 200) throw new Error(`${d.raw.ingest}/v1/health answered HTTP ${h.response.status}`);
    const identity = keyStoreOf(d.dataDir).load(d.raw.deviceId);
    if (!identity) throw new Error(`reachable; whether ${d.raw.deviceId} is registered needs its key (see "device key")`);
    // A probe signed with the device's own key: only this device can ask the ingest about itself.
    const probe = buildProbe(identity, d.raw.deviceId, Date.now());
    const dev = await up.request({ method: 'POST', path: `/v1/devices/${encodeURIComponent(d.raw.deviceId)}/probe`, headers: { 'content-type': 'application/cose' }, body: probe, timeoutMs: 5000 });
    if (!dev.ok) throw new Error(dev.message);
    const answer = errorOf(dev.response.body);
    if (dev.response.status === 404) throw new Error(`reachable, but ${d.raw.deviceId} is not registered there: run sealscan provision`);
    if (dev.response.status === 401) throw new Error(`reachable, but the ingest does not accept this device's key: ${answer ? answer.message : 'HTTP 401'} (registered with another key? the clock wrong?)`);
    if (dev.response.status !== 200) throw new Error(`the device probe answered HTTP ${dev.response.status}${answer ? ': ' + answer.message : ''}`);
    const st = JSON.parse(Buffer.from(dev.response.body).toString('utf8')) as { lastSeq?: number | null };
    const last = st.lastSeq ?? -1;
    if (last > nextSeq - 1) throw new Error(`the ingest holds seq ${last} but this device's next seq is ${nextSeq}: its storage was reset or replaced (records would fork)`);
    return `reachable, device registered, ingest has seq ≤ ${last}, device acked through ${ackedThrough}`;
  });
  return out;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('doctor', USAGE, args, { config: { type: 'string' }, reader: { type: 'string' }, json: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const reader = (values.reader ?? 'pi') as 'pi' | 'sim';
  if (!values.config || (reader !== 'pi' && reader !== 'sim')) return usageError('doctor', USAGE, values.config ? '--reader must be pi or sim' : '--config is required');
  let d: LoadedDevice;
  try {
    d = loadDeviceFile(values.config, FIRMWARE_VERSION);
  } catch (e) {
    if (e instanceof DeviceFileError) {
      if (values.json) console.log(JSON.stringify({ ok: false, checks: [{ name: 'configuration', ok: false, detail: e.message }] }));
      else console.log(`FAIL configuration: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const list = await checks(d, reader);
  const ok = list.every((c) => c.ok);
  if (values.json) console.log(JSON.stringify({ ok, checks: list }, null, 2));
  else for (const c of list) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return ok ? 0 : 1;
}
