// The re-check of keys already in the store: a key registered before registration refused weak keys must not go
// on being trusted (docs/ingest-api.md, "Keys"). The Ed25519 check costs about 2 ms, so each key's verdict is
// kept: the ingest asks for every device of every request.
import { ed25519PublicKeyProblem } from '../hal/node/ed25519-keys.js';
import { hmacKeyProblem } from '../hal/keys.js';
import type { DeviceRow } from './store.js';

const verdicts = new Map<string, string | undefined>();
const MAX_VERDICTS = 65536;

/** Why `d`'s registered key cannot be trusted, or undefined. */
export function storedKeyProblem(d: DeviceRow): string | undefined {
  const id = d.alg + ':' + Buffer.from(d.key).toString('base64');
  if (verdicts.has(id)) return verdicts.get(id);
  const problem = d.alg === 'ed25519' ? ed25519PublicKeyProblem(d.key) : hmacKeyProblem(d.key);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(id, problem);
  return problem;
}
