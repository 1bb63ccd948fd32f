import { commandArgs, hexOption, OptionError } from '../command-args.js';
import { toHexUpper } from '../../hal/hex.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { sealTag } from '../../firmware/seals/sealer.js';
import { sealFailure } from '../../sim/station.js';
import { IssuerKeyError, loadIssuerKey } from '../../hal/node/issuer-files.js';
import { withTag, ReaderUseError } from '../readers.js';
import { encodeSeal } from '../../firmware/records/seal.js';
import type { Device } from '../../firmware/app/device.js';
import { loadDeviceFile, DeviceFileError } from '../device/config-file.js';
import { startStationDevice } from '../device/node-device.js';

const USAGE = `usage: sealscan seal --link URI --key ISSUER.issuer-key.json (--tag FILE | --reader pi) [options]

The packaging station's command: writes a seal onto the tag on the reader. The seal is an NDEF message with the
package's GS1 Digital Link (what any phone opens) and a seal record signed with the issuer key over the tag's UID,
the link, the sealing time and the key id (docs/seal-format.md).

  --link URI            GS1 Digital Link, e.g. https://id.gs1.org/01/09506000134352/21/ABC123 (checked first)
  --key FILE            the issuer's private key (sealscan issuer-key new)
  --tag FILE            a virtual tag file on the simulated reader (sealscan tag new), saved afterwards
  --reader pi           the MFRC522 on this Raspberry Pi's SPI0; waits up to 30 s for a tag
  --protect PWD         write-protect the seal with this 4-byte password (hex), PACK from --pack (default 0000)
  --pack PACK           2-byte PACK (hex) answered to a correct password
  --current-password P  the tag is already protected with P (hex) (resealing)
  --replace             overwrite a seal already on the tag
  --time ISO            sealing time (default now)
  --station-config FILE this packaging station's device configuration (sealscan provision writes it, as for a
                        scanner): the seal becomes a signed commission record in the station's own chain, kept in
                        its queue (the config's dataDir) and synced to its ingest like any record
  --sync-wait S         seconds to wait for the ingest to acknowledge the commission record (default 10; 0: leave
                        it queued, the next seal or sealscan run sends it)

exit status: 0 sealed (and recorded, with --station-config), 1 the tag refused or the seal did not fit, or the
station's queue had no room for the record, 2 usage error`;

const STATION_FIRMWARE = 'sealscan-station-0.1.0';

/** True once the ingest acknowledged `seq`; false after `waitMs` (the record stays queued, durable). */
async function waitForAck(station: Device, seq: number, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  while (station.sync.status().ackedThrough < seq) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('seal', USAGE, args, {
    link: { type: 'string' }, key: { type: 'string' }, tag: { type: 'string' }, reader: { type: 'string' },
    protect: { type: 'string' }, pack: { type: 'string' }, 'current-password': { type: 'string' }, replace: { type: 'boolean' }, time: { type: 'string' },
    'station-config': { type: 'string' }, 'sync-wait': { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  try {
    if (!values.link) throw new ReaderUseError('--link is required');
    if (!values.key) throw new ReaderUseError('--key is required');
    const issuer = loadIssuerKey(values.key);
    const time = values.time ? Date.parse(values.time) : Date.now();
    if (!Number.isFinite(time)) throw new ReaderUseError(`--time "${values.time}" is not a date`);
    const password = hexOption('protect', values.protect, 4);
    const pack = hexOption('pack', values.pack, 2) ?? new Uint8Array(2);
    const current = hexOption('current-password', values['current-password'], 4);
    const crypto = createNodeCrypto();
    const syncWait = values['sync-wait'] === undefined ? 10 : Number(values['sync-wait']);
    if (!(syncWait >= 0 && syncWait <= 3600)) throw new OptionError('--sync-wait must be a number of seconds from 0 to 3600');
    // The station's device is opened before the tag is touched: a broken configuration or storage fails first.
    const station = values['station-config'] ? await startStationDevice(loadDeviceFile(values['station-config'], STATION_FIRMWARE)) : undefined;
    try {
      return await sealAndRecord();
    } finally {
      await station?.stop();
    }

    async function sealAndRecord(): Promise<number> {
      const r = await withTag({ tag: values.tag, reader: values.reader }, true, 30000, (reader, a) =>
        sealTag(reader, a, { link: values.link!, issuer, sealedAt: Math.floor(time / 1000), protect: password ? { password, pack } : undefined, currentPassword: current, replace: values.replace }, crypto),
      );
      if (!r.ok) {
        console.error(`sealscan seal: not sealed: ${sealFailure(r, 'pass --replace to overwrite it')}`);
        return r.stage === 'link' ? 2 : 1;
      }
      const uid = toHexUpper(r.uid);
      console.log(`sealed ${r.model} ${uid} for ${issuer.name}${r.protected ? ', write-protected' : ''}\n  link ${values.link}\n  time ${new Date(r.seal.sealedAt * 1000).toISOString()}`);
      if (!station) return 0;
      const seq = station.commission({ uid: r.uid, digitalLink: values.link!, sealHash: crypto.sha256(encodeSeal(r.seal)), issuerKeyId: r.seal.keyId });
      const id = station.scanner.config.deviceId;
      if (seq === null) {
        console.error(`sealscan seal: the tag is sealed, but station ${id}'s queue is full: no commission record was kept; sync the station (sealscan run --config ...) and record it again`);
        return 1;
      }
      const acked = await waitForAck(station, seq, syncWait * 1000);
      console.log(`  commission record ${id} seq ${seq}: ${acked ? 'synced to the ingest' : `queued in the station (not yet acknowledged: ${station.sync.status().lastError?.message ?? 'no answer yet'}); it syncs with the next seal or sealscan run`}`);
      return 0;
    }
  } catch (e) {
    if (e instanceof ReaderUseError || e instanceof OptionError || e instanceof DeviceFileError || e instanceof IssuerKeyError || (e as { code?: string }).code === 'SPI_IO' || (e as { code?: string }).code === 'NO_CHIP') {
      console.error(`sealscan seal: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
