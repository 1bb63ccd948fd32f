import type { AntennaGain } from '../reader.js';
import { HalError } from '../errors.js';

// RFCfgReg.RxGain (data sheet 9.3.3.6): 000b 18 dB, 001b 23 dB, 010b 18 dB, 011b 23 dB, 100b 33 dB … 111b 48 dB.
const CODES: AntennaGain[] = [18, 23, 18, 23, 33, 38, 43, 48];

export function gainCode(db: AntennaGain): number {
  const i = db === 18 ? 0 : db === 23 ? 1 : CODES.indexOf(db);
  if (i < 0) throw new HalError('BAD_ARGUMENT', 'antenna gain ' + db + ' dB: the MFRC522 offers 18, 23, 33, 38, 43 or 48 dB');
  return i;
}

export function gainFromCode(code: number): AntennaGain {
  return CODES[code & 0x07];
}
