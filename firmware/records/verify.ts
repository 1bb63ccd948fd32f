// The offline verifier: COSE records in, a per-device report out. Platform-free and a pure function of its
// inputs, so `sealscan verify`, the ingest service and tests all get the same verdicts.
import { checkCose, parseCose, type CoseCrypto, type CoseMessage, type VerifyKey } from './cose.js';
import type { RecordPayload } from './kinds.js';
import { RecordError } from './errors.js';
import { decodePayload } from './record.js';
import { toHex } from '../../hal/hex.js';
import { analyseChain, type ChainEntry } from './verify-chain.js';
import type { DeviceReport, KeyLookup, RecordProblem, VerifyReport } from './verify-report.js';

interface DeviceState {
  report: DeviceReport;
  key: VerifyKey | undefined;
  entries: ChainEntry[];
  /** Hash (hex) → index of the first record with those bytes. */
  seen: { [hash: string]: number };
  /** Highest seq verified so far in stream order, for reordering. */
  maxSeq: number;
}

function problem(index: number, seq: number | null, e: unknown): RecordProblem {
  if (e instanceof RecordError) return { index: index, seq: seq, code: e.code, message: e.message };
  throw e;
}

/** The seq a payload claims, for reporting a record that did not verify; null when it cannot be read. */
function claimedSeq(msg: CoseMessage): number | null {
  try {
    return decodePayload(msg.payload).seq;
  } catch (e) {
    return null;
  }
}

function newDevice(device: string, lookup: KeyLookup): DeviceState {
  const key = lookup(device);
  return {
    report: {
      device: device,
      known: key !== undefined,
      alg: key ? key.alg : null,
      ok: false,
      records: 0,
      verified: 0,
      firstSeq: null,
      lastSeq: null,
      chainIntact: false,
      firstBreak: null,
      breaks: [],
      declaredGaps: [],
      undeclaredGaps: [],
      declaredButPresent: [],
      forks: [],
      duplicates: [],
      reordered: [],
      truncations: [],
      badSignatures: [],
      invalid: [],
    },
    key: key,
    entries: [],
    seen: Object.create(null),
    maxSeq: -1,
  };
}

/** Verifies one record of a known device and adds it to the device's state. */
function take(d: DeviceState, index: number, msg: CoseMessage, hash: string, crypto: CoseCrypto): void {
  const r = d.report;
  const key = d.key;
  if (!key) return;
  try {
    if (!checkCose(msg, key, crypto)) {
      r.badSignatures.push({ index: index, seq: claimedSeq(msg), code: 'BAD_SIGNATURE', message: (msg.alg === -8 ? 'signature' : 'MAC') + ' does not verify' });
      return;
    }
  } catch (e) {
    r.invalid.push(problem(index, claimedSeq(msg), e));
    return;
  }
  let p: RecordPayload;
  try {
    p = decodePayload(msg.payload);
  } catch (e) {
    r.invalid.push(problem(index, null, e));
    return;
  }
  if (p.device !== r.device) {
    r.invalid.push({ index: index, seq: p.seq, code: 'WRONG_KID', message: 'payload device ' + JSON.stringify(p.device) + ' is not the kid ' + JSON.stringify(r.device) });
    return;
  }
  r.verified++;
  if (p.seq < d.maxSeq) r.reordered.push({ index: index, seq: p.seq, after: d.maxSeq });
  else d.maxSeq = p.seq;
  d.entries.push({
    index: index,
    seq: p.seq,
    hash: hash,
    prev: toHex(p.prev),
    boot: p.boot,
    lost: p.kind === 'fault' ? p.lost : [],
    faultReason: p.kind === 'fault' ? p.reason : '',
    checkpoint: p.kind === 'checkpoint',
  });
}

function finish(d: DeviceState): DeviceReport {
  const r = d.report;
  const c = analyseChain(d.entries);
  r.firstSeq = c.firstSeq;
  r.lastSeq = c.lastSeq;
  r.breaks = c.breaks;
  r.declaredGaps = c.declaredGaps;
  r.undeclaredGaps = c.undeclaredGaps;
  r.declaredButPresent = c.declaredButPresent;
  r.forks = c.forks;
  r.truncations = c.truncations;
  const reasons: Array<{ seq: number; reason: string }> = [];
  for (let i = 0; i < c.breaks.length; i++) reasons.push(c.breaks[i]);
  for (let i = 0; i < c.undeclaredGaps.length; i++) {
    const g = c.undeclaredGaps[i];
    reasons.push({ seq: g.first, reason: 'seq ' + (g.first === g.last ? g.first : g.first + '..' + g.last) + ' missing and not declared lost' });
  }
  for (let i = 0; i < c.forks.length; i++) reasons.push({ seq: c.forks[i].seq, reason: 'fork: ' + c.forks[i].records.length + ' different records with seq ' + c.forks[i].seq });
  reasons.sort((a, b) => a.seq - b.seq);
  r.chainIntact = reasons.length === 0;
  r.firstBreak = reasons.length ? { seq: reasons[0].seq, reason: reasons[0].reason } : null;
  r.ok = r.known && r.chainIntact && r.badSignatures.length === 0 && r.invalid.length === 0 && r.truncations.length === 0 && r.declaredButPresent.length === 0;
  return r;
}

/**
 * Verifies `records` (complete COSE bytes, in stream order) against the devices' keys. Each record: strict COSE
 * structure, key by kid, alg must match the key, signature/MAC, payload rules, payload device = kid. Then per
 * device: duplicates (same bytes again), reordering (seq below one seen before), forks (same seq, different
 * verified records), chain links by prev hash, gaps declared by fault records and gaps not declared, checkpoints
 * that attest more records than present or a different head. Never throws for bad input records; runs in
 * O(n log n) plus one SHA-256 and one signature check per distinct record.
 */
export function verifyRecords(records: Uint8Array[], keys: KeyLookup, crypto: CoseCrypto): VerifyReport {
  const devices: { [device: string]: DeviceState } = Object.create(null);
  const names: string[] = [];
  const malformed: RecordProblem[] = [];
  for (let i = 0; i < records.length; i++) {
    let msg: CoseMessage;
    try {
      msg = parseCose(records[i]);
    } catch (e) {
      malformed.push(problem(i, null, e));
      continue;
    }
    let d = devices[msg.kid];
    if (!d) {
      d = devices[msg.kid] = newDevice(msg.kid, keys);
      names.push(msg.kid);
    }
    d.report.records++;
    const hash = toHex(crypto.sha256(records[i]));
    const firstIndex = d.seen[hash];
    if (firstIndex !== undefined) {
      d.report.duplicates.push({ index: i, firstIndex: firstIndex, seq: claimedSeq(msg) });
      continue;
    }
    d.seen[hash] = i;
    take(d, i, msg, hash, crypto);
  }
  names.sort();
  const out: DeviceReport[] = [];
  let ok = malformed.length === 0;
  for (let i = 0; i < names.length; i++) {
    const r = finish(devices[names[i]]);
    ok = ok && r.ok;
    out.push(r);
  }
  return { ok: ok, records: records.length, devices: out, malformed: malformed };
}
