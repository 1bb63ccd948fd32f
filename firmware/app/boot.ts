import type { RecoveryReport } from '../queue/report.js';
import { readRecordHeader } from '../records/header.js';

/**
 * This boot's number: one more than the boot count in the newest record that survived. Boot counts only grow, so
 * a verifier can tell a device that rolled back. Every boot writes a boot record, which takes a seq; so when no
 * record survives to read the count from, the next seq is a number no earlier boot can have exceeded.
 */
export function bootNumber(report: RecoveryReport): number {
  if (report.newestRecord) {
    try {
      return readRecordHeader(report.newestRecord).boot + 1;
    } catch (e) {
      // A record that passed its CRC but has no record header was not written by this firmware: fall through.
    }
  }
  return report.nextSeq;
}
