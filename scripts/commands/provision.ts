import { commandArgs, OptionError, usageError, type CommandValues } from '../command-args.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { keyStoreOf } from '../../hal/node/board-parts.js';
import type { DeviceFile } from '../device/config-file.js';
import { loadTrustedIssuer, IssuerKeyError } from '../../hal/node/issuer-files.js';
import type { DeviceIdentity, DeviceKeyAlg } from '../../hal/keys.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { toHex } from '../../hal/hex.js';
import { registrationBody, siteFor } from '../../upstream/registration.js';

const USAGE = `usage: sealscan provision --device ID --site SITE --ingest URL --issuer FILE [--issuer FILE ...] [options]

Sets a scanner up: makes its signing key (never overwritten), writes its configuration, and registers it with the
ingest service (with the provisioning token), so that its records verify there from the first one.

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
  --simulator        also trust the simulator's originality key (for virtual tags; never on a real scanner)
  --no-register      do not contact the ingest (run provision again later to register)

exit status: 0 done, 1 the ingest refused or could not be reached (the key and file are kept), 2 usage error`;

const OPTIONS = {
  device: { type: 'string' }, site: { type: 'string' }, 'site-name': { type: 'string' }, ingest: { type: 'string' }, token: { type: 'string' },
  issuer: { type: 'string', multiple: true }, data: { type: 'string' }, out: { type: 'string' }, alg: { type: 'string' }, 'no-register': { type: 'boolean' }, simulator: { type: 'boolean' },
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
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('provision', USAGE, args, OPTIONS);
  if (typeof parsed === 'number') return parsed;
  let s: Settings;
  let identity: DeviceIdentity;
  try {
    s = settingsOf(parsed.values);
    for (const f of s.issuers) checkIssuer(f);
    identity = deviceKey(s);
  } catch (e) {
    if (e instanceof OptionError) return usageError('provision', USAGE, e.message);
    throw e;
  }
  // Provisioning again (say, after the ingest was unreachable) keeps the configuration as it is.
  if (!s.existing) writeFileSync(s.out, JSON.stringify(deviceFile(s), null, 2) + '\n');
  console.log(`device ${s.device}: ${s.alg} key in ${keyStoreOf(s.dataDir).pathOf(s.device)}, configuration ${s.out}`);
  if (s.token === undefined) return 0;
  return register(s, s.token, identity);
}

/** The settings, or an OptionError naming the first problem. */
function settingsOf(values: CommandValues<typeof OPTIONS>['values']): Settings {
  for (const k of ['device', 'site', 'ingest'] as const) if (!values[k]) throw new OptionError(`--${k} is required`);
  if (!values.issuer?.length) throw new OptionError('--issuer is required (at least one)');
  const alg = (values.alg ?? 'ed25519') as DeviceKeyAlg;
  if (alg !== 'ed25519' && alg !== 'hmac-sha256') throw new OptionError('--alg must be ed25519 or hmac-sha256');
  const out = resolve(values.out ?? 'device.json');
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
    token: values['no-register'] ? undefined : token, simulator: !!values.simulator,
  };
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
