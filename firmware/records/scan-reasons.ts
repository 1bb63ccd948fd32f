// The reason codes of scan records (payload key 17) and the verdict each finding allows at best: the one table
// that the scanner's judge (firmware/seals/verdict.ts) and the ingest's re-judgement (upstream/rejudge.ts) follow,
// so that a verdict recomputed from a record's reasons is the verdict the device would have reached.
import type { Verdict } from './kinds.js';

/** The verdict ladder of DESIGN.md, worst first: the worst finding wins. */
export const LADDER: readonly Verdict[] = ['unreadable', 'unknown', 'invalid-seal', 'clone-suspect', 'tampered', 'genuine'];

/** What a finding allows at best; a 'note' never lowers the verdict (expiry, a check the platform cannot do). */
export type ReasonLevel = Verdict | 'note';

const LEVELS: { [code: string]: ReasonLevel } = {
  'not-a-seal-tag': 'unknown',
  'tag-type-unknown': 'unknown',
  'tag-type-no-seal-support': 'unknown',
  'identity-inconsistent': 'clone-suspect',
  'originality-invalid': 'clone-suspect',
  'originality-unchecked': 'note',
  'tamper-loop-open': 'tampered',
  'tamper-loop-was-opened': 'tampered',
  'tamper-status-invalid': 'unknown',
  'no-seal': 'unknown',
  'uri-record-bad': 'invalid-seal',
  'several-links': 'invalid-seal',
  'several-seals': 'invalid-seal',
  'seal-version': 'invalid-seal',
  'seal-format': 'invalid-seal',
  'link-missing': 'invalid-seal',
  'link-malformed': 'invalid-seal',
  'issuer-unknown': 'unknown',
  'seal-unchecked': 'unknown',
  'seal-signature-bad': 'invalid-seal',
  'sealed-in-future': 'note',
  expired: 'note',
};

/** Code families: a fixed prefix and a part taken from the finding (the radio error, the NDEF finding code). */
const FAMILIES: Array<[string, ReasonLevel]> = [
  ['read-failed-', 'unreadable'],
  ['ndef-', 'invalid-seal'],
];

/** The level of reason `code`, or undefined for a code this table does not know (a newer firmware's, say). */
export function reasonLevel(code: string): ReasonLevel | undefined {
  // Own members only: `constructor` is code-shaped and every object inherits it.
  if (LEVELS.hasOwnProperty(code)) return LEVELS[code];
  for (let i = 0; i < FAMILIES.length; i++) {
    const prefix = FAMILIES[i][0];
    if (code.length > prefix.length && code.substring(0, prefix.length) === prefix) return FAMILIES[i][1];
  }
  return undefined;
}

/** The worse of two verdicts on the ladder. */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return LADDER.indexOf(b) < LADDER.indexOf(a) ? b : a;
}
