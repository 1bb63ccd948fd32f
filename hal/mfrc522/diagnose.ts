// What `doctor` says about a reader chip: its version, the data sheet's self-test, and the antenna gain. Shared by
// every board's checks, so that the Pi and the simulated chip are judged by the same words.
import type { Clock } from '../clock.js';
import type { SpiDevice } from '../spi.js';
import { HalError } from '../errors.js';
import { openMfrc522 } from './open.js';
import { mfrc522SelfTest } from './selftest.js';

/** Initialises the chip on `spi`, runs the self-test and reads the antenna gain; throws naming what failed. */
export async function diagnoseReader(spi: SpiDevice, clock: Clock): Promise<string> {
  const { driver, chip: v } = await openMfrc522(spi, clock);
  const st = await mfrc522SelfTest(driver);
  if (!st.pass) {
    throw new HalError('SELF_TEST', `${v.name}: the data sheet self-test ${st.expected ? 'gave other bytes than the table for this version' : 'has no table for this chip'} (counterfeit or damaged chip; it may still read tags)`);
  }
  return `${v.name} (VersionReg ${v.raw.toString(16).toUpperCase().padStart(2, '0')}h), self-test passed, antenna gain ${driver.antennaGain()} dB`;
}
