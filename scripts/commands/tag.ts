import { commandArgs, usageError } from '../command-args.js';
import { existsSync } from 'node:fs';
import { newTag, TAG_KINDS, writeTagFile, type TagKind } from '../../sim/tag-file.js';
import { fromHex, toHex } from '../../hal/hex.js';
import { readTagFile, ReaderUseError } from '../../sim/tag-reader.js';
import { Ntag21x, Ntag213TT, UltralightEV1, MifareClassic1K } from '../../sim/tags/index.js';
import { describeTag } from '../../sim/tag-view.js';
import { BADGE_BLOCK, BADGE_ID_RULE } from '../../firmware/app/badge.js';
import { cloneTag, makeBadge } from '../../sim/station.js';

const USAGE = `usage: sealscan tag <action> ...

Virtual tags as files, for the simulator (the web console loads them too):
  sealscan tag new KIND --out FILE [--uid HEX] [--label TEXT] [--badge ID]
      KIND: ${TAG_KINDS.join(', ')}
      --badge ID   (mifare-classic-1k) make an inspector badge holding ID in block ${BADGE_BLOCK}
                   (${BADGE_ID_RULE})
  sealscan tag show FILE                 type, UID, NDEF records, seal, tamper loop
  sealscan tag clone FILE --out FILE2 --mode copy-seal|magic
      copy-seal  another tag of the same type with this tag's memory (a copied seal: new UID)
      magic      a "magic" clone: same UID and memory, but a chip that cannot produce NXP's signature
  sealscan tag tamper FILE --open|--close   (ntag213tt) cut or repair the tamper wire`;

const fail = (message: string): number => usageError('tag', USAGE, message);

export async function run(args: string[]): Promise<number> {
  if (args.length === 0) {
    console.log(USAGE);
    return 2;
  }
  const parsed = commandArgs('tag', USAGE, args, {
    out: { type: 'string' }, uid: { type: 'string' }, label: { type: 'string' }, mode: { type: 'string' }, open: { type: 'boolean' }, close: { type: 'boolean' }, badge: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const [action, ...positionals] = parsed.positionals;
  try {
    switch (action) {
      case 'new':
        return make(positionals[0], values);
      case 'show':
        if (!positionals[0]) return fail('show needs a FILE');
        show(positionals[0]);
        return 0;
      case 'clone':
        return clone(positionals[0], values.out, values.mode);
      case 'tamper':
        return tamper(positionals[0], !!values.open, !!values.close);
      default:
        return fail(`unknown action "${action ?? args[0]}"`);
    }
  } catch (e) {
    if (e instanceof ReaderUseError) {
      console.error(`sealscan tag: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function make(kind: string | undefined, v: { out?: string; uid?: string; label?: string; badge?: string }): number {
  if (!kind || !TAG_KINDS.includes(kind as TagKind)) return fail(`KIND must be one of ${TAG_KINDS.join(', ')}`);
  if (!v.out) return fail('--out FILE is required');
  if (existsSync(v.out)) return fail(`${v.out} exists; tags are not overwritten`);
  let uid: Uint8Array | undefined;
  if (v.uid !== undefined) {
    const n = kind === 'mifare-classic-1k' ? 4 : 7;
    uid = fromHex(v.uid);
    if (!uid || uid.length !== n) return fail(`--uid must be ${n} bytes of hex for ${kind}`);
  }
  let tag = newTag(kind as TagKind, uid);
  if (v.badge !== undefined) {
    if (kind !== 'mifare-classic-1k') return fail('--badge needs KIND mifare-classic-1k');
    try {
      tag = makeBadge(v.badge, (tag as MifareClassic1K).uid);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  writeTagFile(v.out, tag, v.label ?? (v.badge ? `badge ${v.badge}` : undefined));
  console.log(`${kind} ${toHex((tag as unknown as { uid: Uint8Array }).uid)} -> ${v.out}`);
  return 0;
}

function show(file: string): void {
  const { tag, label } = readTagFile(file);
  const c = describeTag(tag);
  console.log(`${tag.label}${label ? `  (${label})` : ''}\n  UID ${toHex(c.uid)}`);
  if (c.classic) {
    console.log(`  block ${BADGE_BLOCK}: ${toHex(c.classic.block)}`);
    return;
  }
  if (c.ndef && !c.ndef.ok) console.log(`  NDEF: none (${c.ndef.finding.code}: ${c.ndef.finding.message})`);
  else if (c.ndef) {
    console.log(`  NDEF: ${c.ndef.records} record(s)`);
    if (c.link) console.log(`  link: ${c.link}`);
    if (c.seal) console.log(c.seal.ok ? `  seal: issuer key id ${toHex(c.seal.keyId)}, sealed ${new Date(c.seal.sealedAt * 1000).toISOString()}` : `  seal: unreadable (${c.seal.message})`);
  }
  if (c.tamper) console.log(`  tamper wire: ${c.tamper.loopClosed ? 'intact' : 'cut'}${c.tamper.seenOpen ? ', was seen open' : ''}`);
  if (c.signature) console.log(`  originality signature: ${toHex(c.signature)}`);
}

function clone(file: string | undefined, out: string | undefined, mode: string | undefined): number {
  if (!file || !out) return fail('clone needs FILE and --out FILE2');
  if (mode !== 'copy-seal' && mode !== 'magic') return fail('--mode must be copy-seal or magic');
  if (existsSync(out)) return fail(`${out} exists; tags are not overwritten`);
  const { tag, label } = readTagFile(file);
  if (tag instanceof MifareClassic1K) return fail('clone works on Type 2 tags');
  const t = tag as Ntag21x | UltralightEV1;
  const copy = cloneTag(tag, mode);
  writeTagFile(out, copy, `${mode} clone of ${label ?? file}`);
  console.log(`${mode} clone of ${toHex(t.uid)} -> ${out}`);
  return 0;
}

function tamper(file: string | undefined, open: boolean, close: boolean): number {
  if (!file || open === close) return fail('tamper needs FILE and exactly one of --open, --close');
  const { tag, label } = readTagFile(file);
  if (!(tag instanceof Ntag213TT)) return fail(`${file} is not an ntag213tt`);
  if (open) tag.openTamperLoop();
  else tag.closeTamperLoop();
  writeTagFile(file, tag, label);
  console.log(`tamper wire ${open ? 'cut' : 'repaired'}`);
  return 0;
}
