import type { ChipVersion, SelfTestResult } from '../reader.js';
import { hexH, hexLiteral } from '../hex.js';
import type { Mfrc522 } from './driver.js';
import { Cmd, FIFOLevel, FIFO_SIZE, Reg } from './registers.js';
import { waitUntil } from './wait.js';

// Expected digital self-test output per VersionReg value, data sheet 16.1.1 (v1.0, v2.0); v0.0 from Philips'
// preliminary specification Rev 2.0 (2005) and the Fudan FM17522 clone as collected by the Arduino MFRC522 library.
const TABLES: { [version: string]: string } = {
  '144': // 90h, v0.0
    '00 87 98 0F 49 FF 07 19 BF 22 30 49 59 63 AD CA 7F E3 4E 03 5C 4E 49 50 47 9A 37 61 E7 E2 C6 2E ' +
    '75 5A ED 04 3D 02 4B 78 32 FF 58 3B 7C E9 00 94 B4 4A 59 5B FD C9 29 DF 35 96 98 9E 4F 30 32 8D',
  '145': // 91h, v1.0
    '00 C6 37 D5 32 B7 57 5C C2 D8 7C 4D D9 70 C7 73 10 E6 D2 AA 5E A1 3E 5A 14 AF 30 61 C9 70 DB 2E ' +
    '64 22 72 B5 BD 65 F4 EC 22 BC D3 72 35 CD AA 41 1F A7 F3 53 14 DE 7E 02 D9 0F B5 5E 25 1D 29 79',
  '146': // 92h, v2.0
    '00 EB 66 BA 57 BF 23 95 D0 E3 0D 3D 27 89 5C DE 9D 3B A7 00 21 5B 89 82 51 3A EB 02 0C A5 00 49 ' +
    '7C 84 4D B3 CC D2 1B 81 5D 48 76 D5 71 61 21 A9 86 96 83 38 CF 9D 5B 6D DC 15 BA 3E 7D 95 3B 2F',
  '136': // 88h, FM17522
    '00 D6 78 8C E2 AA 0C 18 2A B8 7A 7F D3 6A CF 0B B1 37 63 4B 69 AE 91 C7 C3 97 AE 77 F4 37 D7 9B ' +
    '7C F5 3C 11 8F 15 C3 D7 C1 5B 00 2A D0 75 DE 9E 51 64 AB 3E E9 15 B5 AB 56 9A 98 82 26 EA 2A 62',
};

/** The name of a chip whose self-test table is known (a switch: a table would be held for good on Espruino). */
function knownName(raw: number): string | undefined {
  switch (raw) {
    case 0x90:
      return 'MFRC522 v0.0';
    case 0x91:
      return 'MFRC522 v1.0';
    case 0x92:
      return 'MFRC522 v2.0';
    case 0x88:
      return 'FM17522 (MFRC522 clone)';
    default:
      return undefined;
  }
}

/** The data sheet's 64 self-test bytes for a VersionReg value, or null when no table is known for it. */
export function selfTestTable(versionReg: number): Uint8Array | null {
  const t = TABLES[String(versionReg)];
  return t ? hexLiteral(t) : null;
}

/** What VersionReg says about the chip (data sheet 9.3.4.8; field reports in the reference, section 3.10). */
export function describeVersion(raw: number): ChipVersion {
  const name = knownName(raw);
  if (name) return { raw: raw, name: name, selfTestKnown: true };
  if (raw === 0x12) return { raw: raw, name: 'counterfeit MFRC522 (12h)', selfTestKnown: false };
  if (raw >> 4 === 0x9) return { raw: raw, name: 'MFRC522, unknown revision (' + hexH(raw) + ')', selfTestKnown: false };
  return { raw: raw, name: 'unknown chip (' + hexH(raw) + ')', selfTestKnown: false };
}

/**
 * The data sheet's digital self-test (section 16.1.1) on `driver`'s chip, compared with the table for its version.
 * Leaves the chip re-initialised (the driver's {@link Mfrc522.init}).
 */
export async function mfrc522SelfTest(driver: Mfrc522): Promise<SelfTestResult> {
  // Reset, 25 zero bytes into the internal buffer, enable the self-test, start CalcCRC with one 00h byte; the chip
  // then fills the FIFO with 64 bytes that depend only on its revision.
  await driver.softReset();
  const io = driver.io;
  io.write(Reg.FIFOLevelReg, FIFOLevel.FlushBuffer);
  io.writeFifo(new Uint8Array(25));
  io.write(Reg.CommandReg, Cmd.Mem);
  io.write(Reg.AutoTestReg, 0x09);
  io.writeFifo(new Uint8Array(1));
  io.write(Reg.CommandReg, Cmd.CalcCRC);
  // Some chips never raise CRCIRq during the self-test (Arduino MFRC522 library); watch the FIFO level instead.
  await waitUntil(driver.clock, 100, 'self-test', () => (io.read(Reg.FIFOLevelReg) & FIFOLevel.Level) >= FIFO_SIZE);
  io.write(Reg.CommandReg, Cmd.Idle);
  const bytes = io.readFifo(FIFO_SIZE);
  io.write(Reg.AutoTestReg, 0x00);
  const version = await driver.init(); // the chip does not work normally after the test until re-initialised
  const expected = selfTestTable(version.raw);
  let pass = expected !== null;
  for (let i = 0; pass && expected && i < FIFO_SIZE; i++) if (bytes[i] !== expected[i]) pass = false;
  return { pass: pass, version: version, bytes: bytes, expected: expected };
}
