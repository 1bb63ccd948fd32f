import { commandArgs, OptionError, usageError, type CommandValues } from '../command-args.js';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { keyStoreOf } from '../../hal/node/board-parts.js';
import type { DeviceFile } from '../device/config-file.js';
import { loadTrustedIssuer, IssuerKeyError } from '../../hal/node/issuer-files.js';
import type { DeviceIdentity, DeviceKeyAlg } from '../../hal/keys.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { toHex } from '../../hal/hex.js';
import { isGln, registrationBody, siteFor } from '../../upstream/registration.js';
import { isDeviceId } from '../../hal/keys.js';
import { gs1CheckDigit } from '../../firmware/seals/digital-link.js';
import { FORMAT as ESPRUINO_FORMAT, type EspruinoDeviceFile } from '../espruino/device/config.js';
import { keysFileEntry, KeysFileError, mergeKeysFile, parseKeysFile } from '../../upstream/keys-file.js';

const USAGE = `usage: sealscan provision --device ID --site SITE --ingest URL --issuer FILE [--issuer FILE ...] [options]

Sets a scanner up: makes its signing key (never overwritten), writes its configuration, writes the device's entry
for the keys file of \`sealscan verify\` beside the key (DATA/keys/ID.verifier.json: the public key; for HMAC the
shared secret itself, mode 0600), and registers it with the ingest service (with the provisioning token), so that
its records verify there from the first one.

  --device ID        device id (1..64 of A-Z a-z 0-9 . _ : -), also the records' COSE kid
  --site SITE        id of the inspected site (its 13-digit GLN where there is one; sent as the GLN only
                     when the check digit is right)
  --site-name NAME   the site's name for reports
  --ingest URL       the ingest service, e.g. http://10.0.0.5:8080
  --token TOKEN      provisioning token (or env SEALSCAN_PROVISIONING_TOKEN)
  --issuer FILE      a public issuer file (sealscan issuer-key new) whose seals this scanner trusts
  --data DIR         where the device keeps its key and queue (default ./sealscan-data)
  --out FILE         the configuration file to write (default ./device.json)
  --alg ALG          ed25519 (Pi, default) or hmac-sha256 (Espruino profile)
  --target T         pi (default: device.json for sealscan run) or espruino (device-espruino.json for
                     sealscan flash: issuers inline, ESP32 pins, HMAC-SHA256 key; edit pins and wifi there)
  --wifi-ssid NAME   (espruino) the Wi-Fi network the scanner joins; the password from --wifi-password
                     or env SEALSCAN_WIFI_PASSWORD
  --simulator        also trust the simulator's originality key (for virtual tags; never on a real scanner)
  --verifiers FILE   also add that entry to FILE, a fleet keys file for \`sealscan verify --keys FILE\` (made when
                     missing; other devices kept; refused when FILE holds another key for this device)
  --no-register      do not contact the ingest (run provision again later to register)

exit status: 0 done, 1 the ingest refused or could not be reached (the key and files are kept), or --verifiers
holds another key for this device (nothing written), 2 usage error`;

const OPTIONS = {
  device: { type: 'string' }, site: { type: 'string' }, 'site-name': { type: 'string' }, ingest: { type: 'string' }, token: { type: 'string' },
  issuer: { type: 'string', multiple: true }, data: { type: 'string' }, out: { type: 'string' }, alg: { type: 'string' }, 'no-register': { type: 'boolean' }, simulator: { type: 'boolean' },
  target: { type: 'string' }, 'wifi-ssid': { type: 'string' }, 'wifi-password': { type: 'string' },
  verifiers: { type: 'string' },
} as const;

/** What the options ask for, checked. */
interface Settings {
  device: string;
  site: string;
  siteName: string | undefined;
  ingest: string;
  issuers: string[];
  alg: DeviceKeyAlg;
  /** The configuration file, and what it holds when it exists already (for this device). */
  out: string;
  existing: DeviceFile | undefined;
  dataDir: string;
  /** Undefined with --no-register. */
  token: string | undefined;
  simulator: boolean;
  target: 'pi' | 'espruino';
  wifi: { ssid: string; password?: string } | undefined;
  /** --verifiers: the fleet keys file, and its text when it exists. */
  verifiers: { file: string; text: string | undefined } | undefined;
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('provision', USAGE, args, OPTIONS);
  if (typeof parsed === 'number') return parsed;
  let s: Settings;
  let identity: DeviceIdentity;
  let fleet: string | null = null;
  try {
    s = settingsOf(parsed.values);
    checkValues(s);
    for (const f of s.issuers) checkIssuer(f);
    refuseNewKeyForKnownDevice(s);
    identity = deviceKey(s);
    if (s.verifiers) fleet = mergeKeysFile(s.verifiers.text, keysFileEntry(identity.registration()));
  } catch (e) {
    if (e instanceof OptionError) return usageError('provision', USAGE, e.message);
    if (e instanceof KeysFileError && e.code === 'KEYS_FILE_CONFLICT') {
      console.error(`sealscan provision: --verifiers ${s!.verifiers!.file}: ${e.message}; nothing was written`);
      return 1;
    }
    throw e;
  }
  // Provisioning again (say, after the ingest was unreachable) keeps the configuration as it is.
  if (!s.existing) writeFileSync(s.out, JSON.stringify(s.target === 'espruino' ? espruinoFile(s) : deviceFile(s), null, 2) + '\n');
  console.log(`device ${s.device}: ${s.alg} key in ${keyStoreOf(s.dataDir).pathOf(s.device)}, configuration ${s.out}`);
  writeVerifiers(s, identity, fleet);
  if (s.token === undefined) return 0;
  return register(s, s.token, identity);
}

/** The settings, or an OptionError naming the first problem. */
function settingsOf(values: CommandValues<typeof OPTIONS>['values']): Settings {
  for (const k of ['device', 'site', 'ingest'] as const) if (!values[k]) throw new OptionError(`--${k} is required`);
  if (!values.issuer?.length) throw new OptionError('--issuer is required (at least one)');
  const target = values.target ?? 'pi';
  if (target !== 'pi' && target !== 'espruino') throw new OptionError(`--target must be pi or espruino, not "${target}"`);
  const alg = (values.alg ?? (target === 'espruino' ? 'hmac-sha256' : 'ed25519')) as DeviceKeyAlg;
  if (alg !== 'ed25519' && alg !== 'hmac-sha256') throw new OptionError('--alg must be ed25519 or hmac-sha256');
  if (target === 'espruino' && alg !== 'hmac-sha256') throw new OptionError('--target espruino needs --alg hmac-sha256 (Espruino has no Ed25519)');
  if (values['wifi-ssid'] !== undefined && target !== 'espruino') throw new OptionError('--wifi-ssid is for --target espruino');
  const out = resolve(values.out ?? (target === 'espruino' ? 'device-espruino.json' : 'device.json'));
  let existing: DeviceFile | undefined;
  if (existsSync(out)) {
    try {
      existing = JSON.parse(readFileSync(out, 'utf8')) as DeviceFile;
    } catch {
      throw new OptionError(`${out} exists and is not a device configuration; move it away`);
    }
    if (existing.deviceId !== values.device) throw new OptionError(`${out} belongs to device ${existing.deviceId}; move it away to provision ${values.device}`);
  }
  const dataDir = resolve(values.data ?? 'sealscan-data');
  const token = values.token ?? process.env.SEALSCAN_PROVISIONING_TOKEN;
  if (!values['no-register'] && !token) throw new OptionError('--token (or SEALSCAN_PROVISIONING_TOKEN) is required to register; or pass --no-register');
  return {
    device: values.device!, site: values.site!, siteName: values['site-name'], ingest: values.ingest!, issuers: values.issuer, alg, out, existing, dataDir,
    token: values['no-register'] ? undefined : token, simulator: !!values.simulator, target,
    wifi: values['wifi-ssid'] ? { ssid: values['wifi-ssid'], password: values['wifi-password'] ?? process.env.SEALSCAN_WIFI_PASSWORD } : undefined,
    verifiers: values.verifiers === undefined ? undefined : fleetFile(values.verifiers),
  };
}

/** The fleet keys file of --verifiers as it is now; an OptionError when it exists but is not a keys file. */
function fleetFile(file: string): { file: string; text: string | undefined } {
  if (!existsSync(file)) return { file, text: undefined };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    parseKeysFile(text);
  } catch (e) {
    throw new OptionError(`--verifiers ${file} is not a keys file that can be added to: ${(e as Error).message}`);
  }
  return { file, text };
}

/**
 * A device the fleet keys file knows, with no key in this data folder, would get a new key that the file would
 * then contradict: refused before the key is made. (With a key here, mergeKeysFile compares the two.)
 */
function refuseNewKeyForKnownDevice(s: Settings): void {
  if (s.verifiers?.text === undefined || !(s.device in parseKeysFile(s.verifiers.text))) return;
  let key;
  try {
    key = keyStoreOf(s.dataDir).load(s.device);
  } catch (e) {
    throw new OptionError((e as Error).message);
  }
  if (!key) {
    throw new KeysFileError(`device ${s.device} is already in it, and ${join(s.dataDir, 'keys')} has no key for ${s.device} (a new key would differ): provision with the data folder that holds its key, or remove the entry first if ${s.device} is re-keyed on purpose`, 'KEYS_FILE_CONFLICT');
  }
}

/**
 * The device's verifier entry beside its key (rewritten each time: it follows from the key, which never changes)
 * and, with --verifiers, the fleet keys file (`merged`: its new text, or null when the entry is already there),
 * replaced atomically. An HMAC entry is the shared secret: its files are 0600.
 */
function writeVerifiers(s: Settings, identity: DeviceIdentity, merged: string | null): void {
  const reg = identity.registration();
  const secret = reg.alg !== 'ed25519';
  const entryFile = join(dirname(keyStoreOf(s.dataDir).pathOf(s.device)), `${s.device}.verifier.json`);
  writeFileSync(entryFile, JSON.stringify(keysFileEntry(reg), null, 2) + '\n', { mode: secret ? 0o600 : 0o644 });
  console.log(`verifier entry (the keys file of sealscan verify, this device only): ${entryFile}`);
  if (!s.verifiers) return;
  const { file } = s.verifiers;
  if (merged === null) {
    console.log(`keys file ${file}: ${s.device} is already in it with this key`);
    return;
  }
  const mode = (existsSync(file) ? statSync(file).mode & 0o777 : 0o644) & (secret ? 0o600 : 0o777);
  mkdirSync(dirname(resolve(file)), { recursive: true });
  rmSync(file + '.tmp', { force: true });
  writeFileSync(file + '.tmp', merged, { mode });
  renameSync(file + '.tmp', file);
  console.log(`keys file ${file}: ${s.device} added${s.verifiers.text === undefined ? ' (new file)' : ''}`);
}

/**
 * Every value's form, before anything is written: a refusal after the key and the configuration exist would leave
 * a half-provisioned device behind. A 13-digit site id whose GLN check digit is wrong is still a site id (see
 * siteFor), so it gets a note, not a refusal.
 */
function checkValues(s: Settings): void {
  if (!isDeviceId(s.device)) throw new OptionError(`--device ${JSON.stringify(s.device)}: a device id is 1..64 of A-Z a-z 0-9 . _ : -`);
  let url: URL | undefined;
  try {
    url = new URL(s.ingest);
  } catch {
    // not a URL at all
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new OptionError(`--ingest ${JSON.stringify(s.ingest)}: must be an http:// or https:// URL, e.g. http://10.0.0.5:8080`);
  if (s.site.length > 64) throw new OptionError('--site: at most 64 characters');
  if (s.siteName !== undefined && s.siteName.length > 200) throw new OptionError('--site-name: at most 200 characters');
  if (existsSync(s.dataDir) && !statSync(s.dataDir).isDirectory()) throw new OptionError(`--data ${s.dataDir} is a file, not a folder`);
  const outDir = dirname(s.out);
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new OptionError(`--out ${s.out}: there is no folder ${outDir}`);
  if (/^\d{13}$/.test(s.site) && !isGln(s.site)) {
    console.error(`sealscan provision: note: --site ${s.site} has 13 digits but is no GLN (the check digit would be ${gs1CheckDigit(s.site.slice(0, 12))}); it is registered as a plain site id`);
  }
}

/** An issuer file the scanner could not load is a usage error now, not a scanner that will not start later. */
function checkIssuer(file: string): void {
  try {
    loadTrustedIssuer(file);
  } catch (e) {
    if (e instanceof IssuerKeyError) throw new OptionError(e.message);
    throw e;
  }
}

/** The device's key in the data folder: the one there, or a new one (never overwritten). */
function deviceKey(s: Settings): DeviceIdentity {
  mkdirSync(s.dataDir, { recursive: true });
  const store = keyStoreOf(s.dataDir);
  try {
    return store.load(s.device) ?? store.create(s.device, s.alg);
  } catch (e) {
    throw new OptionError((e as Error).message);
  }
}

/** The configuration file, its paths relative to its own folder. */
function deviceFile(s: Settings): DeviceFile {
  const base = dirname(s.out);
  const file: DeviceFile = {
    format: 'sealscan-device/1',
    deviceId: s.device,
    site: s.site,
    dataDir: relative(base, s.dataDir) || '.',
    ingest: s.ingest,
    issuers: s.issuers.map((f) => relative(base, resolve(f))),
  };
  if (s.simulator) file.originalityKeys = [{ name: 'simulator', publicKey: toHex(SIM_ORIGINALITY_PUBLIC_KEY) }];
  return file;
}

/**
 * The Espruino scanner's configuration (scripts/espruino/device/config.ts): issuers inline (Storage has no folders to
 * point into), the usual ESP32 wiring of an MFRC522 on VSPI, and the queue sized for an ESP32's 896 KiB of Storage.
 */
function espruinoFile(s: Settings): EspruinoDeviceFile {
  const file: EspruinoDeviceFile = {
    format: ESPRUINO_FORMAT,
    deviceId: s.device,
    site: s.site,
    ingest: s.ingest,
    issuers: s.issuers.map((f) => {
      const k = loadTrustedIssuer(f);
      return { name: k.name, publicKey: toHex(k.publicKey) };
    }),
    pins: { sck: 'D18', miso: 'D19', mosi: 'D23', cs: 'D5', reset: 'D22' },
    queue: { segmentCount: 16, segmentSize: 32768 },
  };
  if (s.simulator) file.originalityKeys = [{ name: 'simulator', publicKey: toHex(SIM_ORIGINALITY_PUBLIC_KEY) }];
  if (s.wifi) file.wifi = s.wifi;
  return file;
}

/** POST /v1/devices with the provisioning token; the exit status (0 registered, 1 refused or unreachable, 2 usage). */
async function register(s: Settings, token: string, identity: DeviceIdentity): Promise<number> {
  const body = registrationBody(identity.registration(), siteFor(s.site, s.siteName));
  let uplink: HttpUplink;
  try {
    uplink = new HttpUplink(s.ingest);
  } catch (e) {
    return usageError('provision', USAGE, (e as Error).message);
  }
  const r = await uplink.request({
    method: 'POST',
    path: '/v1/devices',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: new TextEncoder().encode(JSON.stringify(body)),
    timeoutMs: 15000,
  });
  if (!r.ok) {
    console.error(`sealscan provision: cannot register with ${s.ingest}: ${r.message}; run provision again with the same --data to retry`);
    return 1;
  }
  const text = Buffer.from(r.response.body).toString('utf8');
  if (r.response.status !== 200 && r.response.status !== 201) {
    let why = text;
    try {
      why = JSON.parse(text).error.message;
    } catch {
      // keep the raw text
    }
    console.error(`sealscan provision: the ingest refused the registration (HTTP ${r.response.status}): ${why}`);
    return 1;
  }
  console.log(`registered with ${s.ingest} (${r.response.status === 201 ? 'new' : 'already known'})`);
  return 0;
}
