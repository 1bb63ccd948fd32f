// The console's tag shelf: named virtual tags kept as tag files (sim/tag-file.ts format, so `sealscan tag show`
// reads them and a file made with `sealscan tag new` can be dropped in), and what each one holds, in words.
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Picc } from '../rf/air.js';
import { loadTag, saveTag, kindOf, type TagKind } from '../tag-file.js';
import { toHex, toHexUpper } from '../../hal/hex.js';
import { MifareClassic1K, Ntag213TT, Ntag21x, UltralightEV1 } from '../tags/index.js';
import { parseType2Ndef } from '../../firmware/tags/type2-ndef.js';
import { findSealParts } from '../../firmware/seals/seal-ndef.js';
import { decodeSeal } from '../../firmware/seals/seal.js';
import { badgeIdOf } from '../../firmware/app/badge.js';

export interface ShelfTag {
  id: string;
  tag: Picc;
  label: string;
}

/** A tag as the page shows it. */
export interface TagView {
  id: string;
  label: string;
  kind: TagKind;
  model: string;
  uid: string;
  onReader: boolean;
  /** Inspector id held by a badge (MIFARE Classic block 4), or null. */
  badge: string | null;
  link: string | null;
  seal: { keyId: string; sealedAt: string } | null;
  tamper: { loopClosed: boolean; seenOpen: boolean } | null;
}

const ID = /^t\d{1,6}$/;

export function tagView(t: ShelfTag, onReader: boolean): TagView {
  const v: TagView = { id: t.id, label: t.label, kind: kindOf(t.tag), model: t.tag.label.replace(/ [0-9A-F]+$/, ''), uid: toHexUpper((t.tag as unknown as { uid: Uint8Array }).uid), onReader, badge: null, link: null, seal: null, tamper: null };
  if (t.tag instanceof MifareClassic1K) {
    v.badge = badgeIdOf(t.tag.block(4));
    return v;
  }
  const tag = t.tag as Ntag21x | UltralightEV1;
  const ndef = parseType2Ndef(tag.dump());
  if (ndef.ok) {
    const parts = findSealParts(ndef.value.records);
    v.link = parts.link ?? null;
    if (parts.sealPayload) {
      const s = decodeSeal(parts.sealPayload);
      if (s.ok) v.seal = { keyId: toHex(s.seal.keyId), sealedAt: new Date(s.seal.sealedAt * 1000).toISOString() };
    }
  }
  if (tag instanceof Ntag213TT) v.tamper = { loopClosed: tag.tamperLoopClosed, seenOpen: tag.tamperDetected };
  return v;
}

/**
 * Guarantees: every tag is saved to `<dir>/<id>.json` after each change the console makes to it (atomically:
 * temporary file, then rename); ids are `t` + a number; a file that does not load
 * is skipped with a warning, never deleted.
 */
export class TagShelf {
  private readonly tags = new Map<string, ShelfTag>();
  private next = 1;

  constructor(private readonly dir: string, warn: (m: string) => void = () => undefined) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir).sort()) {
      const id = f.replace(/\.json$/, '');
      if (!f.endsWith('.json') || !ID.test(id)) continue;
      this.next = Math.max(this.next, Number(id.slice(1)) + 1);
      try {
        const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { label?: string };
        this.tags.set(id, { id, tag: loadTag(json), label: json.label ?? id });
      } catch (e) {
        warn(`tag file ${join(dir, f)} skipped: ${(e as Error).message}`);
      }
    }
  }

  list(): ShelfTag[] {
    return [...this.tags.values()].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  }

  get(id: string): ShelfTag | undefined {
    return this.tags.get(id);
  }

  /** Finds the shelf entry of a tag object (e.g. one the reader holds). */
  find(tag: Picc): ShelfTag | undefined {
    for (const t of this.tags.values()) if (t.tag === tag) return t;
    return undefined;
  }

  add(tag: Picc, label: string): ShelfTag {
    const t: ShelfTag = { id: 't' + this.next++, tag, label };
    this.tags.set(t.id, t);
    this.save(t);
    return t;
  }

  save(t: ShelfTag): void {
    const file = join(this.dir, t.id + '.json');
    writeFileSync(file + '.tmp', JSON.stringify(saveTag(t.tag, t.label), null, 2) + '\n');
    renameSync(file + '.tmp', file);
  }

  delete(id: string): boolean {
    if (!this.tags.delete(id)) return false;
    try {
      unlinkSync(join(this.dir, id + '.json'));
    } catch {
      // already gone
    }
    return true;
  }
}
