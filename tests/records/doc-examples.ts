// The annotated hex examples of docs/record-format.md, made by the real code from fixed keys and inputs.
// doc.test.ts fails when the doc no longer matches; `node dist/tests/records/doc-examples.js --write` updates it.
import { readFileSync, writeFileSync } from 'node:fs';
import { RecordChain, type ChainRecord } from '../../firmware/records/chain.js';
import { headerFields, kindFields, RECORD_KINDS, type RecordBody, type ScanEvidence } from '../../firmware/records/kinds.js';
import { crypto, ed25519Device, genuineScan, hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';

export const DOC = new URL('../../../docs/record-format.md', import.meta.url).pathname;

/**
 * One example per kind: Ed25519 device scanner-0001 (boot … checkpoint), HMAC device esp-0007 (fault, then a scan
 * whose seal and originality signature it could not check).
 */
export function examples(): Array<{ kind: string; record: ChainRecord }> {
  const ed = ed25519Device('scanner-0001');
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const bodies: RecordBody[] = [
    { kind: 'boot', firmware: '0.1.0', reset: 'power-on' },
    { kind: 'login', inspector: 'badge-0042', site: '4012345000009' },
    { kind: 'scan', ...genuineScan() },
    { kind: 'logout', inspector: 'badge-0042' },
  ];
  const out: Array<{ kind: string; record: ChainRecord }> = bodies.map((b, i) => ({ kind: b.kind, record: chain.append(b, T0 + i * 60_000) }));
  out.push({ kind: 'checkpoint', record: chain.append({ kind: 'checkpoint', count: 4, head: chain.state.prev }, T0 + 300_000) });
  const mac = hmacDevice('esp-0007');
  const esp = RecordChain.start(mac.signer, crypto, mac.id, 1);
  for (let i = 0; i < 3; i++) esp.append({ kind: 'logout', inspector: 'badge-0007' }, T0 + i);
  const after = new RecordChain(mac.signer, crypto, { ...esp.state, boot: 2 });
  const where = [{ segment: 'queue-0001', offset: 3968, length: 128 }];
  out.push({ kind: 'fault', record: after.fault({ reason: 'torn-tail', lost: [[3, 4]], discardedBytes: 128, where }, T0 + 400_000) });
  out.push({ kind: 'scan-unchecked', record: after.append({ kind: 'scan', ...uncheckedScan() }, T0 + 460_000) });
  // After the examples above, so that adding these left their bytes as they were.
  out.push({ kind: 'scan-step', record: chain.append({ kind: 'scan', ...genuineScan(), step: 'dispensing' }, T0 + 360_000) });
  out.push({ kind: 'commission', record: commissionExample() });
  return out;
}

/** A packaging station's commission record (seq 1, after its boot) for the seal of the example scan. */
function commissionExample(): ChainRecord {
  const st = ed25519Device('station-0001');
  const station = RecordChain.start(st.signer, crypto, st.id, 1);
  station.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0 - 86_400_000);
  const scan = genuineScan();
  const body: RecordBody = {
    kind: 'commission',
    site: '4000001000005',
    uid: scan.uid,
    digitalLink: scan.digitalLink!,
    sealHash: crypto.sha256(scan.seal!),
    issuerKeyId: scan.seal!.subarray(1, 5),
  };
  return station.append(body, T0 - 86_340_000);
}

/**
 * A scan as an HMAC-only board records it: no Ed25519 and no ECDSA, so the seal and the originality signature are
 * left to the ingest, and the signature travels in key 18 (a 73-byte version-1 seal; fixed patterns, not real keys).
 */
function uncheckedScan(): ScanEvidence {
  const seal = new Uint8Array(73);
  for (let i = 0; i < seal.length; i++) seal[i] = (i * 53 + 7) & 0xff;
  seal[0] = 1;
  const originalitySig = new Uint8Array(32);
  for (let i = 0; i < originalitySig.length; i++) originalitySig[i] = (i * 29 + 101) & 0xff;
  return {
    ...genuineScan(),
    seal,
    originality: 'not-supported',
    originalitySig,
    verdict: 'unknown',
    reasons: ['originality-unchecked', 'seal-unchecked'],
    inspector: 'badge-0007',
  };
}

const h = (b: Uint8Array, from = 0, to = b.length) => toHex(b.subarray(from, to));
const names = (fields: ReadonlyArray<{ key: number; name: string }>) => new Map(fields.map((f) => [f.key, f.name]));
const PAYLOAD_NAMES = names([...headerFields(), ...RECORD_KINDS.flatMap((k) => kindFields(k)!)]);
const PROTECTED_NAMES = new Map([[1, 'alg'], [4, 'kid']]);
const notes: { [name: string]: (v: number) => string } = {
  alg: (v) => (v === -8 ? 'EdDSA, Ed25519' : 'HMAC 256/256'),
  time: (v) => new Date(v).toISOString(),
};

/** RFC 8949-style annotated hex of one deterministic CBOR item; byte strings named in `nested` are expanded. */
class Annotator {
  lines: string[] = [];
  constructor(private readonly b: Uint8Array) {}

  /** The value of the last integer item read, for notes on map values. */
  lastInt = 0;

  line(indent: number, hex: string, comment: string): void {
    const left = ' '.repeat(indent) + hex;
    this.lines.push(comment ? left.padEnd(50) + ' # ' + comment : left);
  }

  /** Reads one item at `pos`; `label` prefixes its comment, `keys` names map keys, `expand` decodes a bstr's content. */
  item(pos: number, indent: number, label = '', keys?: Map<number, string>, expand?: (start: number, end: number, indent: number) => void): number {
    const ib = this.b[pos];
    const major = ib >> 5;
    const ai = ib & 31;
    const size = ai < 24 ? 0 : ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 8;
    let arg = ai < 24 ? ai : 0;
    for (let i = 1; i <= size; i++) arg = arg * 256 + this.b[pos + i];
    const headEnd = pos + 1 + size;
    const head = h(this.b, pos, headEnd);
    const lbl = label ? label + ': ' : '';
    if (major === 0 || major === 1) {
      this.lastInt = major === 0 ? arg : -1 - arg;
      this.line(indent, head, lbl + this.lastInt);
      return headEnd;
    }
    if (major === 7) {
      this.line(indent, head, lbl + (ai === 20 ? 'false' : ai === 21 ? 'true' : 'null'));
      return headEnd;
    }
    if (major === 2 || major === 3) {
      const end = headEnd + arg;
      const what = major === 2 ? `bytes(${arg})` : JSON.stringify(Buffer.from(this.b.subarray(headEnd, end)).toString('utf8'));
      if (expand) {
        this.line(indent, head, lbl + `bytes(${arg}), containing:`);
        expand(headEnd, end, indent + 3);
      } else if (arg <= 16) {
        const ascii = major === 2 && arg > 0 && this.b.subarray(headEnd, end).every((c) => c >= 0x20 && c < 0x7f);
        const text = ascii ? ' = UTF-8 ' + JSON.stringify(Buffer.from(this.b.subarray(headEnd, end)).toString('latin1')) : '';
        this.line(indent, head + (arg ? ' ' + h(this.b, headEnd, end) : ''), lbl + what + text);
      } else {
        this.line(indent, head, lbl + (major === 2 ? what : `text(${arg}) ${what}`));
        for (let at = headEnd; at < end; at += 16) this.line(indent + 3, h(this.b, at, Math.min(end, at + 16)), '');
      }
      return end;
    }
    if (major === 4) {
      this.line(indent, head, lbl + `array(${arg})`);
      let at = headEnd;
      for (let i = 0; i < arg; i++) at = this.item(at, indent + 3);
      return at;
    }
    if (major === 5) {
      this.line(indent, head, lbl + `map(${arg})`);
      let at = headEnd;
      for (let i = 0; i < arg; i++) {
        const key = this.b[at] < 24 ? this.b[at] : this.b[at + 1];
        const name = keys?.get(key) ?? '';
        at = this.item(at, indent + 3, name ? 'key' : '');
        this.lines[this.lines.length - 1] += name ? ` (${name})` : '';
        at = this.item(at, indent + 3);
        const note = notes[name]?.(this.lastInt);
        if (note) this.lines[this.lines.length - 1] += ` (${note})`;
      }
      return at;
    }
    this.line(indent, head, lbl + `tag(${arg})` + (arg === 18 ? ' COSE_Sign1' : arg === 17 ? ' COSE_Mac0' : ''));
    return this.item(headEnd, indent + 3, '', keys, expand);
  }
}

/** The annotated hex of a complete record: envelope, protected header and payload expanded. */
export function annotate(record: Uint8Array): string {
  const a = new Annotator(record);
  const ib0 = record[0];
  const mac = ib0 === 0xd1;
  a.line(0, h(record, 0, 1), `tag(${mac ? 17 : 18}) ${mac ? 'COSE_Mac0' : 'COSE_Sign1'}`);
  a.line(3, h(record, 1, 2), 'array(4)');
  let at = 2;
  at = a.item(at, 6, 'protected', undefined, (s, _e, i) => a.item(s, i, '', PROTECTED_NAMES));
  at = a.item(at, 6, 'unprotected');
  at = a.item(at, 6, 'payload', undefined, (s, _e, i) => a.item(s, i, '', PAYLOAD_NAMES));
  a.item(at, 6, mac ? 'HMAC-SHA256 tag' : 'Ed25519 signature');
  return a.lines.join('\n');
}

/** The generated block for one example, as it stands between its markers in the doc. */
export function block(kind: string, record: ChainRecord): string {
  return [`<!-- example:${kind} (generated by tests/records/doc-examples.ts; do not edit) -->`, `${record.bytes.length} bytes, SHA-256 ${h(record.hash).slice(0, 16)}…`, '', '```', annotate(record.bytes), '```', `<!-- /example:${kind} -->`].join('\n');
}

/** The doc with every example block regenerated. */
export function regenerate(doc: string): string {
  let out = doc;
  for (const { kind, record } of examples()) {
    const rx = new RegExp(`<!-- example:${kind}[ >][^]*?<!-- \/example:${kind} -->`);
    if (!rx.test(out)) throw new Error(`docs/record-format.md has no block for example:${kind}`);
    out = out.replace(rx, () => block(kind, record));
  }
  return out;
}

if (process.argv.includes('--write') && import.meta.url === new URL(process.argv[1], 'file:').href) {
  writeFileSync(DOC, regenerate(readFileSync(DOC, 'utf8')));
  console.log('updated ' + DOC);
}
