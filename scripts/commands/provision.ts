import { commandArgs, usageError } from '../command-args.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { keyStoreOf } from '../device/node-device.js';
import type { DeviceFile } from '../device/config-file.js';
import { loadTrustedIssuer, IssuerKeyError } from '../issuer-keys.js';
import type { DeviceKeyAlg } from '../../hal/keys.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { toHex } from '../../hal/hex.js';
import { registrationBody, siteFor } from '../../upstream/registration.js';

const USAGE = `usage: sealscan provision --device ID --site SITE --ingest URL --issuer FILE [--issuer FILE ...] [options]

Sets a scanner up: makes its signing key (never overwritten), writes its configuration, and registers it with the
ingest service (with the provisioning token), so that its records verify there from the first one.

  --device ID        device id (1..64 of A-Z a-z 0-9 . _ : -), also the records' COSE kid
  --site SITE        id of the inspected site (a 13-digit GLN where there is one)
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

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('provision', USAGE, args, {
    device: { type: 'string' }, site: { type: 'string' }, 'site-name': { type: 'string' }, ingest: { type: 'string' }, token: { type: 'string' },
    issuer: { type: 'string', multiple: true }, data: { type: 'string' }, out: { type: 'string' }, alg: { type: 'string' }, 'no-register': { type: 'boolean' }, simulator: { type: 'boolean' },
  });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const usage = (m: string) => usageError('provision', USAGE, m);
  for (const k of ['device', 'site', 'ingest'] as const) if (!values[k]) return usage(`--${k} is required`);
  if (!values.issuer?.length) return usage('--issuer is required (at least one)');
  const alg = (values.alg ?? 'ed25519') as DeviceKeyAlg;
  if (alg !== 'ed25519' && alg !== 'hmac-sha256') return usage('--alg must be ed25519 or hmac-sha256');
  const out = resolve(values.out ?? 'device.json');
  let existing: DeviceFile | undefined;
  if (existsSync(out)) {
    try {
      existing = JSON.parse(readFileSync(out, 'utf8')) as DeviceFile;
    } catch {
      return usage(`${out} exists and is not a device configuration; move it away`);
    }
    if (existing.deviceId !== values.device) return usage(`${out} belongs to device ${existing.deviceId}; move it away to provision ${values.device}`);
  }
  const dataDir = resolve(values.data ?? 'sealscan-data');
  const token = values.token ?? process.env.SEALSCAN_PROVISIONING_TOKEN;
  if (!values['no-register'] && !token) return usage('--token (or SEALSCAN_PROVISIONING_TOKEN) is required to register; or pass --no-register');
  try {
    for (const f of values.issuer) loadTrustedIssuer(f);
  } catch (e) {
    if (e instanceof IssuerKeyError) return usage(e.message);
    throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const store = keyStoreOf(dataDir);
  let identity;
  try {
    identity = store.load(values.device!) ?? store.create(values.device!, alg);
  } catch (e) {
    return usage((e as Error).message);
  }
  const base = dirname(out);
  const file: DeviceFile = {
    format: 'sealscan-device/1',
    deviceId: values.device!,
    site: values.site!,
    dataDir: relative(base, dataDir) || '.',
    ingest: values.ingest!,
    issuers: values.issuer.map((f) => relative(base, resolve(f))),
  };
  if (values.simulator) file.originalityKeys = [{ name: 'simulator', publicKey: toHex(SIM_ORIGINALITY_PUBLIC_KEY) }];
  // Provisioning again (say, after the ingest was unreachable) keeps the configuration as it is.
  if (!existing) writeFileSync(out, JSON.stringify(file, null, 2) + '\n');
  console.log(`device ${file.deviceId}: ${alg} key in ${store.pathOf(file.deviceId)}, configuration ${out}`);
  if (values['no-register']) return 0;
  const reg = identity.registration();
  const body = registrationBody(reg, siteFor(values.site!, values['site-name']));
  let uplink: HttpUplink;
  try {
    uplink = new HttpUplink(values.ingest!);
  } catch (e) {
    return usage((e as Error).message);
  }
  const r = await uplink.request({
    method: 'POST',
    path: '/v1/devices',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: new TextEncoder().encode(JSON.stringify(body)),
    timeoutMs: 15000,
  });
  if (!r.ok) {
    console.error(`sealscan provision: cannot register with ${values.ingest}: ${r.message}; run provision again with the same --data to retry`);
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
  console.log(`registered with ${values.ingest} (${r.response.status === 201 ? 'new' : 'already known'})`);
  return 0;
}
