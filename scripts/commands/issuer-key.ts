import { mkdirSync } from 'node:fs';
import { commandArgs, usageError } from '../command-args.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { createIssuerKey } from '../../sim/issuer-keys.js';
import { IssuerKeyError } from '../../hal/node/issuer-files.js';

const USAGE = `usage: sealscan issuer-key new --name NAME [--out DIR]

Makes a packaging station's issuer key (Ed25519) in DIR (default: the current directory):
  NAME.issuer-key.json  the private key, mode 0600; keep it on the packaging station only
  NAME.issuer.json      the public key; add it to the scanners' trusted issuers

Prints the public key and its 4-byte key id (what seals carry), never the private key.`;

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('issuer-key', USAGE, args, { name: { type: 'string' }, out: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== 'new') return usageError('issuer-key', USAGE, 'say "new"');
  if (positionals.length > 1) return usageError('issuer-key', USAGE, `unexpected argument "${positionals[1]}"`);
  if (!values.name) return usageError('issuer-key', USAGE, '--name is required');
  const dir = values.out ?? '.';
  try {
    mkdirSync(dir, { recursive: true });
    const k = createIssuerKey(dir, values.name, createNodeCrypto());
    console.log(`issuer ${k.pub.name}\n  public key ${k.pub.publicKey}\n  key id     ${k.pub.keyId}\n  private    ${k.privateFile} (mode 0600)\n  public     ${k.publicFile}`);
    return 0;
  } catch (e) {
    if (e instanceof IssuerKeyError) {
      console.error(`sealscan issuer-key: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
