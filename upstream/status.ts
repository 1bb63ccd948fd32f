// GET /v1/devices/:id: where a device's chain stands, in the terms of reference §2.4 — last seq and hash, gaps
// declared and undeclared, forks, refusals, and whether its newest checkpoint attests more than the ingest holds.
import type { DeclaredRange, DeviceCounts, DeviceRow, Site, StoredRecord } from './store.js';
import { toHex } from '../hal/hex.js';
import { mergeRanges, missingRanges, type SeqRange } from '../firmware/records/seq-ranges.js';
import { parseCose } from '../firmware/records/cose.js';
import { decodePayload } from '../firmware/records/record.js';
import type { Verdict } from '../firmware/records/kinds.js';

/**
 * intact: every seq up to the ack point is stored or declared and nothing is held, forked or broken; empty: no
 * record yet; gap: verified records wait behind seqs nobody declared lost; forked: two records claim one seq;
 * broken: a record did not link to its predecessor (chain-break refusals).
 */
export type ChainState = 'empty' | 'intact' | 'gap' | 'forked' | 'broken';

export interface DeviceStatus {
  id: string;
  alg: 'ed25519' | 'hmac-sha256';
  /** Ed25519 only: the public key (an HMAC key is a secret and never shown). */
  publicKey?: string;
  site: Site | null;
  registeredAt: string;
  lastSeenAt: string | null;
  ackedThrough: number;
  ackedHash: string | null;
  lastSeq: number | null;
  lastHash: string | null;
  records: number;
  held: number;
  chain: ChainState;
  gaps: { declared: DeclaredRange[]; undeclared: SeqRange[] };
  forks: Array<{ seq: number; hashes: string[] }>;
  rejects: number;
  rejectReasons: { [reason: string]: number };
  /** Newest checkpoint seen; it attests `attests` records before it, the ingest holds `holds` of those seqs. */
  checkpoint: { seq: number; attests: number; holds: number; truncationSuspected: boolean } | null;
  /**
   * Scans the ingest re-judged because the device could not check them (rejudge.ts): how many got each upstream
   * verdict, and the scans it found invalid, cloned or tampered, newest first (at most 100).
   */
  upstream: { verdicts: { [verdict: string]: number }; flagged: FlaggedScan[] };
}

/** A scan the ingest judged invalid-seal, clone-suspect or tampered, next to what the device said. */
export interface FlaggedScan {
  seq: number;
  hash: string;
  /** Device time of the scan, ISO 8601 UTC. */
  time: string;
  deviceVerdict: Verdict;
  verdict: Verdict;
  reasons: string[];
}

function flaggedScan(r: StoredRecord): FlaggedScan {
  const p = decodePayload(parseCose(r.bytes).payload);
  return {
    seq: r.seq,
    hash: r.hash,
    time: new Date(r.time).toISOString(),
    deviceVerdict: p.kind === 'scan' ? p.verdict : 'unknown',
    verdict: r.upstream!.verdict,
    reasons: r.upstream!.reasons,
  };
}

export function deviceStatus(d: DeviceRow, c: DeviceCounts): DeviceStatus {
  // Ranges, not seqs: a held record at seq 2^53 - 1 costs one range, not a walk to it.
  const gaps = missingRanges(d.ackedThrough + 1, c.heldSeqs, mergeRanges(c.declared), 1000);
  let chain: ChainState = c.records === 0 && c.held === 0 ? 'empty' : 'intact';
  if (c.held > 0 || gaps.length) chain = 'gap';
  if ((c.rejectReasons['chain-break'] ?? 0) > 0) chain = 'broken';
  if (c.forks.length) chain = 'forked';
  const holds = d.ackedThrough + 1;
  const out: DeviceStatus = {
    id: d.id,
    alg: d.alg,
    site: d.site ?? null,
    registeredAt: new Date(d.registeredAt).toISOString(),
    lastSeenAt: d.lastSeenAt === null ? null : new Date(d.lastSeenAt).toISOString(),
    ackedThrough: d.ackedThrough,
    ackedHash: d.ackedHash,
    lastSeq: c.lastSeq,
    lastHash: c.lastHash,
    records: c.records,
    held: c.held,
    chain,
    gaps: { declared: c.declared, undeclared: gaps },
    forks: c.forks,
    rejects: c.rejects,
    rejectReasons: c.rejectReasons,
    // A checkpoint counts as many records before it as its own seq; the ingest holds (stored or declared) every
    // seq up to the ack point. A held checkpoint beyond the ack point is what a truncated upload looks like.
    checkpoint: c.checkpoint ? { seq: c.checkpoint.seq, attests: c.checkpoint.seq, holds: Math.min(holds, c.checkpoint.seq), truncationSuspected: c.checkpoint.seq > holds } : null,
    upstream: { verdicts: c.upstream.verdicts, flagged: c.upstream.flagged.map(flaggedScan) },
  };
  if (d.alg === 'ed25519') out.publicKey = toHex(d.key);
  return out;
}
