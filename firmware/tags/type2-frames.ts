/** Type 2 tag command codes and timing (reference §4.1, §5.4). */
import { hexH } from '../../hal/hex.js';

/** Command codes (reference §5.4). */
export const T2 = {
  GET_VERSION: 0x60,
  READ: 0x30,
  FAST_READ: 0x3a,
  WRITE: 0xa2,
  COMPATIBILITY_WRITE: 0xa0,
  READ_CNT: 0x39,
  PWD_AUTH: 0x1b,
  READ_SIG: 0x3c,
  READ_TT_STATUS: 0xa4,
};

/** Maximum time before a tag's answer starts, µs: 5 ms for reads, 10 ms for EEPROM writes (reference §4.1). */
export const READ_TIMEOUT_US = 5000;
export const WRITE_TIMEOUT_US = 10000;

/** "READ page 2Ah" */
export function pageName(command: string, page: number): string {
  return command + ' page ' + hexH(page);
}
