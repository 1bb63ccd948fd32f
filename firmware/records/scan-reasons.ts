// The reason codes of scan records (payload key 17) and the verdict each finding allows at best: the one table
// that the scanner's judge (firmware/seals/verdict.ts) and the ingest's re-judgement (upstream/rejudge.ts) follow,
// so that a verdict recomputed from a record's reasons is the verdict the device would have reached.
import type { Verdict } from './kinds.js';

/** The verdict ladder of DESIGN.md, worst first: the worst finding wins. */
export const LADDER: readonly Verdict[] = ['unreadable', 'unknown', 'invalid-seal', 'clone-suspect', 'tampered', 'genuine'];

/** What a finding allows at best; a 'note' never lowers the verdict (expiry, a check the platform cannot do). */
export type ReasonLevel = Verdict | 'note';

/**
 * The level of reason `code`, or undefined for a code this table does not know (a newer firmware's, say). A switch,
 * not an object: as a module's table the codes held about 65 variables on Espruino for the device's whole life.
 */
export function reasonLevel(code: string): ReasonLevel | undefined {
  switch (code) {
    case 'not-a-seal-tag':
    case 'tag-type-unknown':
    case 'tag-type-no-seal-support':
    case 'tamper-status-invalid':
    case 'no-seal':
    case 'issuer-unknown':
    case 'seal-unchecked':
      return 'unknown';
    case 'identity-inconsistent':
    case 'originality-invalid':
      return 'clone-suspect';
    case 'tamper-loop-open':
    case 'tamper-loop-was-opened':
      return 'tampered';
    case 'uri-record-bad':
    case 'several-links':
    case 'several-seals':
    case 'seal-version':
    case 'seal-format':
    case 'link-missing':
    case 'link-malformed':
    case 'seal-signature-bad':
      return 'invalid-seal';
    case 'originality-unchecked':
    case 'sealed-in-future':
    case 'expired':
      return 'note';
  }
  // Code families: a fixed prefix and a part taken from the finding (the radio error, the NDEF finding code).
  if (family(code, 'read-failed-')) return 'unreadable';
  if (family(code, 'ndef-')) return 'invalid-seal';
  return undefined;
}

/** Whether `code` is `prefix` followed by at least one character. */
function family(code: string, prefix: string): boolean {
  return code.length > prefix.length && code.substring(0, prefix.length) === prefix;
}

/** The worse of two verdicts on the ladder. */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return LADDER.indexOf(b) < LADDER.indexOf(a) ? b : a;
}
