/**
 * Virtual tags as JSON files, so that a tag can be made, sealed by the packaging-station command, carried to the
 * web console and scanned, like a real tag moves between machines. Everything non-volatile is kept: memory (PWD and
 * PACK included), originality signature, counters, failed-authentication count, the tamper loop and its history.
 */
import { Ntag213, Ntag215, Ntag216, Ntag21x, Ntag213TT, UltralightEV1, MifareClassic1K, TT_MESSAGE_PAGE } from './tags/index.js';
import type { Picc } from './rf/air.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromHex, toHex } from '../hal/hex.js';
import { SealscanError } from '../hal/errors.js';

export type TagKind = 'ntag213' | 'ntag215' | 'ntag216' | 'ntag213tt' | 'ultralight-ev1' | 'ultralight-ev1-mf0ul11' | 'mifare-classic-1k';
export const TAG_KINDS: readonly TagKind[] = ['ntag213', 'ntag215', 'ntag216', 'ntag213tt', 'ultralight-ev1', 'ultralight-ev1-mf0ul11', 'mifare-classic-1k'];

/** The file format (version 1). Byte strings are hex. */
export interface TagFile {
  format: 'sealscan-virtual-tag/1';
  kind: TagKind;
  uid: string;
  memory: string;
  /** Type 2 tags: what READ_SIG answers. */
  signature?: string;
  failedAuthAttempts?: number;
  nfcCounter?: number;
  counters?: number[];
  tamperLoopClosed?: boolean;
  tamperDetected?: boolean;
  tamperMessage?: string;
  /** Free text for people (what the tag is for). */
  label?: string;
}

/** A tag file that does not follow the format (code `TAG_FILE_INVALID`); `field` names what is wrong. */
export class TagFileError extends SealscanError {
  declare readonly code: 'TAG_FILE_INVALID';
  constructor(readonly field: string, message: string) {
    super('TAG_FILE_INVALID', `${field}: ${message}`);
    this.name = 'TagFileError';
  }
}

function bytes(field: string, s: unknown, length?: number): Uint8Array {
  const b = typeof s === 'string' ? fromHex(s) : undefined;
  if (!b) throw new TagFileError(field, 'must be a string of hex byte pairs');
  if (length !== undefined && b.length !== length) throw new TagFileError(field, `must be ${length} bytes, got ${b.length}`);
  return b;
}

/**
 * A random UID for a new tag file: NXP's manufacturer byte 04h and six random bytes (7-byte tags), or four random
 * bytes (MIFARE Classic NUID, never the cascade tag 88h first). Tag files outlive the process, so the simulator's
 * per-process serial numbers would repeat.
 */
export function randomUid(kind: TagKind): Uint8Array {
  if (kind === 'mifare-classic-1k') {
    const u = Uint8Array.from(randomBytes(4));
    if (u[0] === 0x88) u[0] = 0x08;
    return u;
  }
  return Uint8Array.from([0x04, ...randomBytes(6)]);
}

/** A new tag of `kind` (random UID unless given). */
export function newTag(kind: TagKind, uid?: Uint8Array): Picc {
  const o = { uid: uid ?? randomUid(kind) };
  switch (kind) {
    case 'ntag213':
      return new Ntag213(o);
    case 'ntag215':
      return new Ntag215(o);
    case 'ntag216':
      return new Ntag216(o);
    case 'ntag213tt':
      return new Ntag213TT(o);
    case 'ultralight-ev1':
      return new UltralightEV1(o);
    case 'ultralight-ev1-mf0ul11':
      return new UltralightEV1({ ...o, variant: 'MF0UL11' });
    case 'mifare-classic-1k':
      return new MifareClassic1K(o);
  }
  throw new TagFileError('kind', `"${String(kind)}" is none of ${TAG_KINDS.join(', ')}`);
}

export function kindOf(tag: Picc): TagKind {
  if (tag instanceof Ntag213TT) return 'ntag213tt';
  if (tag instanceof Ntag213) return 'ntag213';
  if (tag instanceof Ntag215) return 'ntag215';
  if (tag instanceof Ntag216) return 'ntag216';
  if (tag instanceof UltralightEV1) return tag.dump().length === 20 * 4 ? 'ultralight-ev1-mf0ul11' : 'ultralight-ev1';
  if (tag instanceof MifareClassic1K) return 'mifare-classic-1k';
  throw new TagFileError('kind', `cannot save a ${tag.label}`);
}

export function saveTag(tag: Picc, label?: string): TagFile {
  const kind = kindOf(tag);
  if (tag instanceof MifareClassic1K) return { format: 'sealscan-virtual-tag/1', kind, uid: toHex(tag.uid), memory: toHex(tag.dump()), label };
  const t = tag as Ntag21x | UltralightEV1;
  const f: TagFile = { format: 'sealscan-virtual-tag/1', kind, uid: toHex(t.uid), memory: toHex(t.dump()), signature: toHex(t.signature), failedAuthAttempts: t.failedAuthAttempts, label };
  if (t instanceof Ntag21x) f.nfcCounter = t.nfcCounter;
  if (t instanceof UltralightEV1) f.counters = t.counters;
  if (t instanceof Ntag213TT) {
    f.tamperLoopClosed = t.tamperLoopClosed;
    f.tamperDetected = t.tamperDetected;
    f.tamperMessage = toHex(t.page(TT_MESSAGE_PAGE));
  }
  return f;
}

/**
 * Writes `tag` to `file` (creating its folder): a temporary file, then a rename, so a reader of `file` sees the old
 * tag or the new one, never half of one.
 */
export function writeTagFile(file: string, tag: Picc, label?: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(saveTag(tag, label), null, 2) + '\n');
  renameSync(tmp, file);
}

/** Rebuilds a tag from its file. Throws {@link TagFileError} naming the first bad field. */
export function loadTag(json: unknown): Picc {
  const f = json as Partial<TagFile>;
  if (!f || typeof f !== 'object') throw new TagFileError('(file)', 'is not a JSON object');
  if (f.format !== 'sealscan-virtual-tag/1') throw new TagFileError('format', 'must be "sealscan-virtual-tag/1"');
  if (!TAG_KINDS.includes(f.kind as TagKind)) throw new TagFileError('kind', `must be one of ${TAG_KINDS.join(', ')}`);
  const kind = f.kind as TagKind;
  const uid = bytes('uid', f.uid, kind === 'mifare-classic-1k' ? 4 : 7);
  const expected = newTag(kind, uid) as Ntag21x | UltralightEV1 | MifareClassic1K;
  const memory = bytes('memory', f.memory, expected.dump().length);
  if (kind === 'mifare-classic-1k') return new MifareClassic1K({ uid, memory });
  const common = {
    uid,
    memory,
    signature: f.signature === undefined ? undefined : bytes('signature', f.signature, 32),
    failedAuthAttempts: f.failedAuthAttempts,
  };
  switch (kind) {
    case 'ntag213':
      return new Ntag213({ ...common, nfcCounter: f.nfcCounter });
    case 'ntag215':
      return new Ntag215({ ...common, nfcCounter: f.nfcCounter });
    case 'ntag216':
      return new Ntag216({ ...common, nfcCounter: f.nfcCounter });
    case 'ntag213tt':
      return new Ntag213TT({
        ...common,
        nfcCounter: f.nfcCounter,
        tamperLoopClosed: f.tamperLoopClosed,
        tamperDetected: f.tamperDetected,
        tamperMessage: f.tamperMessage === undefined ? undefined : Array.from(bytes('tamperMessage', f.tamperMessage, 4)),
      });
    default:
      return new UltralightEV1({ ...common, counters: f.counters, variant: kind === 'ultralight-ev1-mf0ul11' ? 'MF0UL11' : 'MF0UL21' });
  }
}
