// What the offline verifier reports. Plain data (JSON-safe: hashes as hex), so the CLI can print it and the
// ingest can store it.
import type { SeqRange } from './seq-ranges.js';
import type { CoseAlg } from '../../hal/keys.js';
import type { VerifyKey } from './cose.js';

/** Device id → its verification key, or undefined for a device nobody registered. */
export type KeyLookup = (device: string) => VerifyKey | undefined;

/** A record in the input: its position (0-based) in the stream, seq and SHA-256 (hex). */
export interface RecordRef {
  index: number;
  seq: number;
  hash: string;
}

/** A problem with one input record, with the CBOR/COSE/payload error code and message. */
export interface RecordProblem {
  index: number;
  /** The seq the record claims, when its payload could be read at all (never trust it). */
  seq: number | null;
  code: string;
  message: string;
}

export interface ChainBreak {
  seq: number;
  index: number;
  reason: string;
}

/** Seqs a fault record declares lost. */
export interface DeclaredGap extends SeqRange {
  faultSeq: number;
  reason: string;
}

/** A checkpoint whose attestation the stream does not meet. */
export interface Truncation {
  checkpointSeq: number;
  /** Records the checkpoint says precede it. */
  attested: number;
  /** Of those, how many are neither present nor declared lost. */
  missing: number;
  reason: string;
}

/** Everything found for one device. `ok` is false for any failure; duplicates and reordering are warnings. */
export interface DeviceReport {
  device: string;
  /** False when the key lookup has no key for this device (its records cannot be verified). */
  known: boolean;
  alg: CoseAlg | null;
  ok: boolean;
  /** Records in the stream whose kid names this device. */
  records: number;
  /** Distinct records whose signature and payload verify. */
  verified: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** No breaks, forks, or undeclared gaps among the verified records. */
  chainIntact: boolean;
  /** The lowest-seq reason the chain is not intact. */
  firstBreak: { seq: number; reason: string } | null;
  breaks: ChainBreak[];
  declaredGaps: DeclaredGap[];
  undeclaredGaps: SeqRange[];
  /** Seqs a fault declared lost that are present after all (the device contradicts itself). */
  declaredButPresent: Array<{ seq: number; faultSeq: number }>;
  /** Two or more different verified records with the same seq: evidence of equivocation, all kept. */
  forks: Array<{ seq: number; records: RecordRef[] }>;
  /** Same bytes again (replay or at-least-once delivery). Warning. */
  duplicates: Array<{ index: number; firstIndex: number; seq: number | null }>;
  /** Records whose seq is below one seen earlier in the stream. Warning. */
  reordered: Array<{ index: number; seq: number; after: number }>;
  truncations: Truncation[];
  badSignatures: RecordProblem[];
  /** Verified envelopes whose payload is invalid, names another device, or whose alg does not match the key. */
  invalid: RecordProblem[];
}

export interface VerifyReport {
  /** True when every record verifies and every chain is intact (declared gaps allowed; warnings allowed). */
  ok: boolean;
  /** Records in the input. */
  records: number;
  /** One report per device, sorted by device id. */
  devices: DeviceReport[];
  /** Records that are not a COSE envelope of our profile at all, so no device can be named. */
  malformed: RecordProblem[];
}
