// The PC runner's board: a whole scanner on a PC with the register-level simulated MFRC522 in place of the chip (tags
// are placed on its field), and the same Node parts as the Raspberry Pi: files with fdatasync, HTTP, the system clock.
import type { Board } from '../../hal/board.js';
import { openMfrc522 } from '../../hal/mfrc522/open.js';
import { consoleFeedback } from '../../hal/node/console-feedback.js';
import { nodeBoardParts, type NodeBoardOptions } from '../../hal/node/board-parts.js';
import type { Uplink } from '../../hal/uplink.js';
import { VirtualClock } from '../clock.js';
import { RfField } from '../rf/field.js';
import { SimMfrc522 } from '../mfrc522/chip.js';

export interface PcBoardOptions extends NodeBoardOptions {
  /** Where the LED, buzzer and display lines go. Default console.log. */
  log?: (line: string) => void;
  /** In place of HTTP to `ingest` (tests put a scripted ingest here). */
  uplink?: Uplink;
}

export interface PcBoard extends Board {
  /** The simulated field: place and remove tags on it. */
  field: RfField;
}

export async function createPcBoard(o: PcBoardOptions): Promise<PcBoard> {
  const parts = nodeBoardParts(o);
  // The simulated chip keeps its own virtual time for its timer and air time; exchanges finish inside the SPI
  // transfer, so the driver on the system clock never waits for them.
  const field = new RfField();
  const chip = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
  const opened = await openMfrc522(chip, parts.clock);
  return {
    ...parts,
    ...consoleFeedback(o.log ?? console.log),
    uplink: o.uplink ?? parts.uplink,
    reader: opened.reader,
    field,
    describe: () => ({
      target: 'PC with the simulated reader',
      chip: opened.chip,
      parts: { storage: `segment files in ${o.dataDir}`, uplink: o.uplink ? 'in-process' : o.ingest, feedback: 'console' },
    }),
  };
}
