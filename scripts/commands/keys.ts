// sealscan keys: make a device's signing key and show its public part, and write the device's entry for the keys file
// `sealscan verify` reads (upstream/keys-file.ts).
import { commandArgs, usageError } from '../command-args.js';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FileKeyStore, KeyStoreError } from '../../hal/node/key-store.js';
import type { DeviceKeyAlg, DeviceRegistration } from '../../hal/keys.js';
import { keysFileEntry } from '../../upstream/keys-file.js';
import { toHex } from '../../hal/hex.js';

const USAGE = `usage:
  sealscan keys new --device ID --alg ed25519|hmac-sha256 --out DIR
  sealscan keys public --device ID --dir DIR

new      creates DIR/ID.key.json (mode 0600, never overwritten) and DIR/ID.verifier.json, the device's entry for
         the keys file of \`sealscan verify\` and the ingest. Prints only the public part: the Ed25519 public key,
         or for HMAC a fingerprint (the HMAC key is the shared secret; its verifier file is 0600 and must reach
         the ingest over a protected channel).
public   prints the public part of an existing key.`;

function describe(r: DeviceRegistration): string {
  if (r.alg === 'ed25519') return `public key (Ed25519): ${toHex(r.publicKey)}`;
  return `HMAC-SHA256 key fingerprint: sha256:${createHash('sha256').update(r.hmacKey).digest('hex').slice(0, 16)} (the key itself is not printed)`;
}

/** Runs `sealscan keys ...`; returns the exit code (0 done, 1 refused, 2 usage). */
export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('keys', USAGE, args, { device: { type: 'string' }, alg: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (positionals.length !== 1) return usageError('keys', USAGE, 'expected one subcommand: new or public');
  const alg = values.alg === 'hmac' ? 'hmac-sha256' : values.alg;
  const dir = sub === 'new' ? values.out : values.dir;
  const fail = (message: string) => usageError('keys', USAGE, message);
  if (sub !== 'new' && sub !== 'public') return fail(`unknown subcommand "${sub}": new or public`);
  if (sub === 'new' && alg !== undefined && alg !== 'ed25519' && alg !== 'hmac-sha256') return fail(`--alg must be ed25519 or hmac-sha256, got ${JSON.stringify(values.alg)}`);
  if (!values.device) return fail('--device ID is required');
  if (sub === 'new' && alg === undefined) return fail('--alg is required: ed25519 or hmac-sha256');
  if (!dir) return fail(`--${sub === 'new' ? 'out' : 'dir'} DIR is required`);
  const store = new FileKeyStore(dir);
  try {
    if (sub === 'public') {
      const id = store.load(values.device);
      if (!id) {
        console.error(`sealscan keys: no key for ${values.device} in ${dir}`);
        return 1;
      }
      console.log(`device ${values.device}: ${describe(id.registration())}`);
      return 0;
    }
    const id = store.create(values.device, alg as DeviceKeyAlg);
    const reg = id.registration();
    const verifierPath = join(dir, `${values.device}.verifier.json`);
    writeFileSync(verifierPath, JSON.stringify(keysFileEntry(reg), null, 2) + '\n', { mode: reg.alg === 'ed25519' ? 0o644 : 0o600, flag: 'wx' });
    console.log(`device ${values.device}: key created in ${store.pathOf(values.device)} (mode 0600)`);
    console.log(describe(reg));
    console.log(`verifier entry: ${verifierPath}${reg.alg === 'ed25519' ? '' : ' (mode 0600: contains the shared secret)'}`);
    return 0;
  } catch (e) {
    if (e instanceof KeyStoreError || (e as NodeJS.ErrnoException).code) {
      console.error(`sealscan keys: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}
