// The console's tag shelf: named virtual tags kept as tag files (sim/tag-file.ts format, so `sealscan tag show`
// reads them and a file made with `sealscan tag new` can be dropped in), and what each one holds, in words.
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Picc } from '../rf/air.js';
import { loadTag, writeTagFile, type TagKind } from '../tag-file.js';
import { describeTag } from '../tag-view.js';
import { toHex, toHexUpper } from '../../hal/hex.js';

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
  const c = describeTag(t.tag);
  const seal = c.seal && c.seal.ok ? { keyId: toHex(c.seal.keyId), sealedAt: new Date(c.seal.sealedAt * 1000).toISOString() } : null;
  return { id: t.id, label: t.label, kind: c.kind, model: c.model, uid: toHexUpper(c.uid), onReader, badge: c.classic ? c.classic.badge : null, link: c.link, seal, tamper: c.tamper };
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
    writeTagFile(join(this.dir, t.id + '.json'), t.tag, t.label);
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
