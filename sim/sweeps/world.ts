/** A simulated reader world for tests: virtual clock, RF field, register-level chip, our driver and ISO 14443-3A reader. */
import { VirtualClock } from '../clock.js';
import { RfField } from '../rf/field.js';
import { SimMfrc522, type SimMfrc522Options } from '../mfrc522/index.js';
import { Mfrc522 } from '../../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import type { Picc } from '../rf/air.js';

export interface World {
  clock: VirtualClock;
  field: RfField;
  chip: SimMfrc522;
  driver: Mfrc522;
  reader: Iso14443aReader;
}

export async function world(tags: Picc[] = [], chipOptions: Partial<SimMfrc522Options> = {}): Promise<World> {
  const clock = new VirtualClock();
  const field = new RfField();
  const chip = new SimMfrc522({ clock, field, ...chipOptions });
  const driver = new Mfrc522(chip, clock);
  await driver.init();
  for (const t of tags) field.place(t);
  return { clock, field, chip, driver, reader: new Iso14443aReader(driver) };
}

export const hex = (b: Uint8Array | readonly number[]) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const bytes = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
