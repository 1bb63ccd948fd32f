// sealscan verify FILE --keys KEYS.json: checks an export of records (a CBOR array of COSE records as byte strings)
// offline and reports per device. Exit 0 all verified (declared gaps and warnings allowed), 1 anything failed,
// 2 usage errors (unreadable or malformed file, bad keys file).
import { commandArgs, usageError } from '../command-args.js';
import { readFileSync } from 'node:fs';
import { CborError, decodeCbor } from '../../firmware/records/cbor.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import type { DeviceReport, VerifyReport } from '../../firmware/records/verify-report.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { KeysFileError, readKeysFile } from '../../upstream/keys-file.js';

const USAGE = `usage: sealscan verify FILE [FILE ...] --keys KEYS.json [--json] [--strict]

Verifies every record in the FILEs (each a CBOR array of COSE_Sign1/COSE_Mac0 records as byte strings, as the
ingest exports them; several files are the pages of one export, read in the order given) against the device keys
in KEYS.json, and checks each device's chain: gapless seqs, prev hashes, forks, replays, reordering, gaps declared
by fault records, checkpoints that attest missing records.

KEYS.json: {"devices": {"<device id>": {"alg": "ed25519", "publicKey": "<32 bytes hex>"}
                        | {"alg": "hmac-sha256", "hmacKey": "<32..64 bytes hex>"}, ...}}

  --json     print the full report as JSON instead of text
  --strict   count warnings (duplicate records, reordering) as failures

exit status: 0 everything verified, 1 something failed (each failure names device, seq and reason), 2 usage error`;

const LIST_LIMIT = 20;

function limited<T>(items: T[], show: (t: T) => string): string[] {
  const out = items.slice(0, LIST_LIMIT).map(show);
  if (items.length > LIST_LIMIT) out.push(`... and ${items.length - LIST_LIMIT} more`);
  return out;
}

const range = (a: number, b: number) => (a === b ? `seq ${a}` : `seq ${a}..${b}`);
const at = (index: number, seq: number | null) => `record #${index}${seq === null ? '' : ` (claims seq ${seq})`}`;

/** Human lines for one device: a status line, then failures, then declared gaps and warnings. */
export function formatDevice(d: DeviceReport, strict: boolean): string[] {
  const warnings = d.duplicates.length + d.reordered.length;
  const ok = d.ok && !(strict && warnings);
  const alg = d.alg === -8 ? 'Ed25519' : d.alg === 5 ? 'HMAC-SHA256' : 'no key';
  const seqs = d.firstSeq === null ? 'no verified records' : `seq ${d.firstSeq}..${d.lastSeq}`;
  const lines = [`${d.device}  ${alg}  ${ok ? 'OK' : 'FAIL'}  records ${d.records}, verified ${d.verified}, ${seqs}, chain ${d.chainIntact ? 'intact' : 'BROKEN'}`];
  const fail = (s: string) => lines.push(`  FAIL ${d.device} ${s}`);
  if (!d.known) fail(`unknown device: no key in the keys file (${d.records} records not verified)`);
  if (d.firstBreak) fail(`chain breaks at seq ${d.firstBreak.seq}: ${d.firstBreak.reason}`);
  for (const l of limited(d.breaks, (b) => `seq ${b.seq} (record #${b.index}): ${b.reason}`)) fail(l);
  for (const l of limited(d.undeclaredGaps, (g) => `${range(g.first, g.last)}: missing and not declared lost`)) fail(l);
  for (const l of limited(d.forks, (f) => `seq ${f.seq}: fork, ${f.records.length} different records (${f.records.map((r) => `#${r.index} ${r.hash.slice(0, 16)}`).join(', ')})`)) fail(l);
  for (const l of limited(d.truncations, (t) => `seq ${t.checkpointSeq}: truncated: ${t.reason}`)) fail(l);
  for (const l of limited(d.declaredButPresent, (p) => `seq ${p.seq}: declared lost by fault seq ${p.faultSeq} but present`)) fail(l);
  for (const l of limited(d.badSignatures, (p) => `${at(p.index, p.seq)}: ${p.message}`)) fail(l);
  for (const l of limited(d.invalid, (p) => `${at(p.index, p.seq)}: ${p.message}`)) fail(l);
  for (const l of limited(d.declaredGaps, (g) => `  declared gap: ${range(g.first, g.last)} lost (fault seq ${g.faultSeq}: ${g.reason})`)) lines.push(l);
  const warn = strict ? '  FAIL ' + d.device + ' ' : '  warning: ';
  for (const l of limited(d.duplicates, (p) => `record #${p.index} repeats record #${p.firstIndex}${p.seq === null ? '' : ` (seq ${p.seq})`}: duplicate/replay`)) lines.push(warn + l);
  for (const l of limited(d.reordered, (p) => `record #${p.index} (seq ${p.seq}) comes after seq ${p.after}: out of order`)) lines.push(warn + l);
  return lines;
}

/** The whole human report; `ok` is the verdict the exit code follows. */
export function formatReport(r: VerifyReport, strict: boolean): { text: string; ok: boolean } {
  const lines = [`sealscan verify: ${r.records} records, ${r.devices.length} device(s)`];
  let failed = 0;
  for (const d of r.devices) {
    const dl = formatDevice(d, strict);
    if (!d.ok || (strict && d.duplicates.length + d.reordered.length)) failed++;
    lines.push(...dl);
  }
  for (const l of limited(r.malformed, (p) => `  FAIL record #${p.index}: malformed, no device can be named: ${p.message}`)) lines.push(l);
  const ok = failed === 0 && r.malformed.length === 0;
  lines.push(ok ? 'result: OK' : `result: FAIL (${failed} device(s) failed, ${r.malformed.length} malformed record(s))`);
  return { text: lines.join('\n'), ok };
}

/** Reads FILE: a CBOR array whose elements are byte strings. Throws an Error naming what is wrong. */
function readRecords(path: string): Uint8Array[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let top;
  try {
    top = decodeCbor(bytes);
  } catch (e) {
    if (e instanceof CborError) throw new Error(`${path} is not a deterministic CBOR array of records: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(top)) throw new Error(`${path}: expected a CBOR array of byte strings`);
  return top.map((r, i) => {
    if (!(r instanceof Uint8Array)) throw new Error(`${path}: element ${i} is not a byte string (each record is a COSE message wrapped in a byte string)`);
    return r;
  });
}

/** Runs `sealscan verify`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('verify', USAGE, args, { keys: { type: 'string' }, json: { type: 'boolean' }, strict: { type: 'boolean' } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals: files } = parsed;
  if (files.length < 1) return usageError('verify', USAGE, 'expected at least one FILE');
  if (!values.keys) return usageError('verify', USAGE, '--keys KEYS.json is required');
  let keys;
  let records: Uint8Array[];
  try {
    keys = readKeysFile(values.keys!);
    records = files.flatMap(readRecords);
  } catch (e) {
    const what = e instanceof KeysFileError ? 'bad keys file: ' : '';
    console.error(`sealscan verify: ${what}${(e as Error).message}`);
    return 2;
  }
  const report = verifyRecords(records, (id) => keys[id], createNodeCrypto());
  const { text, ok } = formatReport(report, !!values.strict);
  console.log(values.json ? JSON.stringify({ ...report, ok, strict: !!values.strict }, null, 2) : text);
  return ok ? 0 : 1;
}
