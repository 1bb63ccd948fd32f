// What the console's tag shelf lets a developer do: make tags and badges, seal at the packaging station, make
// counterfeits, open a tamper loop, and put tags on the scanner. Failures are ApiErrors naming the problem.
import { ApiError } from '../../upstream/http-util.js';
import { TAG_KINDS, newTag, type TagKind } from '../tag-file.js';
import { MifareClassic1K, Ntag213TT, Ntag21x, UltralightEV1 } from '../tags/index.js';
import { toHex } from '../../hal/hex.js';
import { cloneTag, makeBadge, recordSeal, sealFailure, sealVirtualTag } from '../station.js';
import { BADGE_ID_RULE, isBadgeId } from '../../firmware/app/badge.js';
import type { TapSummary } from '../device.js';
import type { ConsoleSession } from './session.js';
import { tagView, type ShelfTag, type TagView } from './shelf.js';

function shelfTag(s: ConsoleSession, id: string): ShelfTag {
  const t = s.shelf.get(id);
  if (!t) throw new ApiError(404, 'unknown-tag', `no tag ${JSON.stringify(id)} on the shelf`);
  return t;
}

function view(s: ConsoleSession, t: ShelfTag): TagView {
  return tagView(t, s.device.world.tags().includes(t.tag));
}

function text(v: unknown, field: string, max: number): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw new ApiError(400, 'bad-field', `${field}: must be text of at most ${max} characters`);
  return v;
}

/** A new blank tag of `kind`, or an inspector badge when `inspector` is given. */
export function createTag(s: ConsoleSession, body: { [k: string]: unknown }): TagView {
  const inspector = text(body.inspector, 'inspector', 16);
  const label = text(body.label, 'label', 60);
  if (inspector !== undefined) {
    if (!isBadgeId(inspector)) throw new ApiError(400, 'bad-field', `inspector: ${BADGE_ID_RULE}`);
    const t = s.shelf.add(makeBadge(inspector), label ?? `badge ${inspector}`);
    s.note(`badge ${inspector} made (${t.id})`);
    return view(s, t);
  }
  const kind = body.kind as TagKind;
  if (!TAG_KINDS.includes(kind)) throw new ApiError(400, 'bad-field', `kind: one of ${TAG_KINDS.join(', ')}`);
  const t = s.shelf.add(newTag(kind), label ?? `blank ${kind}`);
  s.note(`${t.tag.label} made (${t.id})`);
  return view(s, t);
}

/** Seals the tag at the packaging station with the demo issuer (lifting it off the scanner first). */
export async function seal(s: ConsoleSession, id: string, body: { [k: string]: unknown }): Promise<TagView> {
  const t = shelfTag(s, id);
  const link = text(body.link, 'link', 300);
  if (!link) throw new ApiError(400, 'bad-field', 'link: the package\'s GS1 Digital Link is required');
  s.device.world.remove(t.tag);
  const r = await sealVirtualTag(t.tag, { link, issuer: s.issuer, sealedAtMs: s.clock.wallTime(), replace: body.replace === true }, s.crypto);
  if (!r.ok) throw new ApiError(422, 'not-sealed', `${t.tag.label} was not sealed: ${sealFailure(r, 'tick "replace a seal already on the tag" (replace: true) to overwrite it')}`);
  if (/^blank /.test(t.label)) t.label = `sealed ${t.label.slice(6)}`;
  s.shelf.save(t);
  s.note(`${t.tag.label} sealed for ${link}`);
  // The packaging station records what it sealed: a signed commission record in its own chain, synced to the ingest.
  const seq = recordSeal(s.station, r, link, s.crypto);
  s.note(typeof seq === 'number' ? `commission record ${s.station.config.deviceId} seq ${seq}` : `the station ${s.station.config.deviceId} kept no commission record (${seq === null ? 'its queue is full' : 'it is off'})`);
  return view(s, t);
}

/** A counterfeit of the tag: `magic` (same UID, copied memory, wrong originality signature) or `copy-seal`. */
export function clone(s: ConsoleSession, id: string, body: { [k: string]: unknown }): TagView {
  const t = shelfTag(s, id);
  const mode = body.mode;
  if (mode !== 'magic' && mode !== 'copy-seal') throw new ApiError(400, 'bad-field', 'mode: "magic" or "copy-seal"');
  let copy;
  try {
    copy = cloneTag(t.tag, mode);
  } catch (e) {
    throw new ApiError(422, 'not-cloned', (e as Error).message);
  }
  const c = s.shelf.add(copy, `${mode === 'magic' ? 'magic clone' : 'copied seal'} of ${t.id}`);
  s.note(`${c.label}: ${copy.label} (${c.id})`);
  return view(s, c);
}

/** Cuts or repairs an NTAG213 TT's tamper wire. */
export function tamper(s: ConsoleSession, id: string, body: { [k: string]: unknown }): TagView {
  const t = shelfTag(s, id);
  if (!(t.tag instanceof Ntag213TT)) throw new ApiError(422, 'no-tamper-loop', `${t.tag.label} has no tamper loop (only NTAG213 TT)`);
  if (typeof body.open !== 'boolean') throw new ApiError(400, 'bad-field', 'open: true (cut the wire) or false (repair it)');
  if (body.open) t.tag.openTamperLoop();
  else t.tag.closeTamperLoop();
  s.shelf.save(t);
  s.note(`${t.tag.label}: tamper wire ${body.open ? 'cut' : 'repaired'}`);
  return view(s, t);
}

/** The tag's memory as the chip holds it: Type 2 pages of 4 bytes (and the originality signature), or Classic blocks of 16. */
export function memory(s: ConsoleSession, id: string): { id: string; unit: number; rows: string[]; signature?: string } {
  const t = shelfTag(s, id);
  const tag = t.tag as Ntag21x | UltralightEV1 | MifareClassic1K;
  const mem = tag.dump();
  const unit = tag instanceof MifareClassic1K ? 16 : 4;
  const rows: string[] = [];
  for (let i = 0; i < mem.length; i += unit) rows.push(toHex(mem.subarray(i, i + unit)));
  const out: { id: string; unit: number; rows: string[]; signature?: string } = { id, unit, rows };
  if (tag instanceof Ntag21x || tag instanceof UltralightEV1) out.signature = toHex(tag.signature);
  return out;
}

export function remove(s: ConsoleSession, id: string): void {
  const t = shelfTag(s, id);
  s.device.world.remove(t.tag);
  s.shelf.delete(id);
  s.note(`${t.tag.label} (${id}) thrown away`);
}

/** The Digital Links the demo shelf's packages are sealed for (they fit an NTAG213 beside the seal). */
const DEMO_LINKS = ['https://id.gs1.org/01/09506000134352/21/DEMO1', 'https://id.gs1.org/01/09506000134352/21/DEMO2'];

/**
 * A shelf to try the scanner with at once: an inspector badge, an NTAG213 and an NTAG213 TT sealed by the demo
 * issuer, a magic clone and a copied seal of the NTAG213. Made with the same actions as the page's buttons.
 */
export async function demoShelf(s: ConsoleSession): Promise<TagView[]> {
  const badge = createTag(s, { inspector: 'INSP-007' });
  const ntag = await seal(s, createTag(s, { kind: 'ntag213' }).id, { link: DEMO_LINKS[0] });
  const tt = await seal(s, createTag(s, { kind: 'ntag213tt' }).id, { link: DEMO_LINKS[1] });
  const magic = clone(s, ntag.id, { mode: 'magic' });
  const copy = clone(s, ntag.id, { mode: 'copy-seal' });
  s.note(`demo shelf: badge ${badge.id}, sealed ${ntag.id} and ${tt.id}, magic clone ${magic.id}, copied seal ${copy.id}`);
  return [badge, ntag, tt, magic, copy];
}

/** Puts the tag on the scanner (`place`), takes it off (`lift`), or taps it (place, wait for the verdict, lift). */
export async function reader(s: ConsoleSession, action: string, body: { [k: string]: unknown }): Promise<{ tag: TagView; tap?: TapSummary | null }> {
  const t = shelfTag(s, String(body.tag));
  const w = s.device.world;
  if (action === 'place') w.place(t.tag);
  else if (action === 'lift') w.remove(t.tag);
  else if (action === 'tap') {
    w.remove(t.tag);
    const tap = await w.tap(t.tag, 3000);
    return { tag: view(s, t), tap };
  } else if (action === 'pull-away') {
    const bytes = body.afterBytes === undefined ? 40 : body.afterBytes;
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0 || bytes > 1000) throw new ApiError(400, 'bad-field', 'afterBytes: a whole number 0..1000');
    w.pullAway(t.tag, bytes);
  } else throw new ApiError(404, 'not-found', `no reader action ${JSON.stringify(action)} (place, lift, tap, pull-away)`);
  return { tag: view(s, t) };
}
