// Signature and MAC checks for the ingest, behind an interface so they can run in this thread or in a pool of
// worker threads (signature-pool.ts) when Ed25519 verification is what limits throughput.
import { checkCose, type CoseMessage, type VerifyKey } from '../firmware/records/cose.js';
import { RecordError } from '../firmware/records/errors.js';
import type { Sha256 } from '../hal/crypto.js';
import { nodeEd25519 } from '../hal/node/crypto.js';

/** ok: verifies; bad: does not; alg-mismatch: the record's alg is not the one the device registered. */
export type CheckResult = 'ok' | 'bad' | 'alg-mismatch';

export interface SignatureCheck {
  msg: CoseMessage;
  key: VerifyKey;
}

export interface SignatureChecker {
  /** One result per item, in order. Never rejects for a bad record. */
  check(items: SignatureCheck[]): Promise<CheckResult[]>;
  close?(): Promise<void>;
}

/** One check, the same way the offline verifier does it (firmware/records/cose.ts). */
export function checkOne(item: SignatureCheck, sha256: Sha256): CheckResult {
  try {
    return checkCose(item.msg, item.key, { sha256: sha256.sha256, ed25519: nodeEd25519 }) ? 'ok' : 'bad';
  } catch (e) {
    if (e instanceof RecordError && e.code === 'ALG_NOT_ALLOWED') return 'alg-mismatch';
    if (e instanceof RecordError) return 'bad';
    throw e;
  }
}

/** Checks in this thread (OpenSSL through node:crypto, KeyObjects cached by hal/node/crypto.ts). */
export function localChecker(sha256: Sha256): SignatureChecker {
  return { check: async (items) => items.map((i) => checkOne(i, sha256)) };
}
