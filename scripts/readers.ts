// Where a command finds its reader: a virtual tag file on the simulated chip, or the MFRC522 on a Pi's SPI0.
import { Mfrc522 } from '../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../hal/iso14443a/reader.js';
import { isRaspberryPi, SpidevSpiDevice } from '../hal/rpi/spidev.js';
import { SystemClock } from '../hal/node/clock.js';
import type { Activation } from '../hal/reader.js';
import { isSealscanError } from '../hal/errors.js';
import { onSimReader, ReaderUseError } from '../sim/tag-reader.js';

export { ReaderUseError };

/**
 * When `e` is the Pi reader failing on a machine that is no Raspberry Pi: "; on a PC, use the simulated reader:
 * OPTIONS" (each command names its own options). Otherwise ''.
 */
export function notAPiHint(e: unknown, options: string): string {
  return isSealscanError(e, 'SPI_IO') && !isRaspberryPi() ? `; on a PC, use the simulated reader: ${options}` : '';
}

/**
 * Runs `fn` with a tag selected on the reader named by `--tag FILE` (simulator; the tag file is saved afterwards
 * when `save`) or `--reader pi` (waits up to `waitMs` for a tag on the real reader).
 */
export async function withTag<T>(where: { tag?: string; reader?: string }, save: boolean, waitMs: number, fn: (reader: Iso14443aReader, a: Activation) => T): Promise<T> {
  if (where.tag) return onSimReader(where.tag, save, (r, a) => fn(r, a));
  if (where.reader !== 'pi') throw new ReaderUseError('say where the tag is: --tag FILE (simulator) or --reader pi');
  const clock = new SystemClock();
  let spi: SpidevSpiDevice;
  try {
    spi = new SpidevSpiDevice();
  } catch (e) {
    const hint = notAPiHint(e, '--tag FILE');
    if (hint) throw new ReaderUseError((e as Error).message + hint);
    throw e;
  }
  try {
    const driver = new Mfrc522(spi, clock);
    await driver.init();
    const reader = new Iso14443aReader(driver);
    const until = clock.now() + waitMs;
    for (;;) {
      const a = reader.activate({ wakeup: true });
      if (a.ok) return fn(reader, a.value);
      if (clock.now() > until) throw new ReaderUseError(`no tag on the reader within ${Math.round(waitMs / 1000)} s`);
      await clock.sleep(100);
    }
  } finally {
    spi.close();
  }
}
