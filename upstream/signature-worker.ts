// Worker thread of the signature pool: verifies Ed25519 signatures over to-be-signed bytes the main thread built.
// Holds no state but the KeyObject cache of hal/node/crypto.ts.
import { parentPort } from 'node:worker_threads';
import { nodeEd25519 } from '../hal/node/crypto.js';

/** A job: `count` checks; item i is publicKeys[i], tbs[i], signatures[i]. The answer: 1 verifies, 0 does not. */
export interface PoolJob {
  id: number;
  publicKeys: Uint8Array[];
  tbs: Uint8Array[];
  signatures: Uint8Array[];
}

parentPort?.on('message', (job: PoolJob) => {
  const ok = new Uint8Array(job.tbs.length);
  for (let i = 0; i < ok.length; i++) ok[i] = nodeEd25519.verify(job.publicKeys[i], job.tbs[i], job.signatures[i]) ? 1 : 0;
  parentPort!.postMessage({ id: job.id, ok }, [ok.buffer]);
});
