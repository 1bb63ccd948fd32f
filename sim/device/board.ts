// The simulator's device as a board (DESIGN.md "Boards"): a register-level MFRC522 over the shared RF field, the NOR
// flash, the simulated network and the front panel, all behind one power gate. When the gate closes (a power cut),
// the chip goes deaf, nothing leaves for the network and the LED, buzzer and display stay as they were.
import type { Board, StepButton } from '../../hal/board.js';
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import type { Uplink } from '../../hal/uplink.js';
import type { Buzzer, StatusLed, TextDisplay } from '../../hal/feedback.js';
import { openMfrc522 } from '../../hal/mfrc522/open.js';
import { SimMfrc522 } from '../mfrc522/chip.js';
import type { RfMedium } from '../rf/air.js';
import type { SimClock } from '../clock.js';
import type { NorFlash } from '../flash/nor-flash.js';
import { NorSegmentStorage } from '../flash/nor-segment-storage.js';
import { PowerGate } from './power-gate.js';

export interface SimBoardParts {
  clock: SimClock;
  field: RfMedium;
  flash: NorFlash;
  crypto: Crypto;
  signer: RecordSigner;
  uplink: Uplink;
  feedback: { led: StatusLed; buzzer: Buzzer; display: TextDisplay };
  /** The step button on the device's case (it outlives boots; a press while off is lost, as on the hardware). */
  stepButton?: StepButton;
}

/** A board for one boot, and the gate that ends it. */
export interface SimBoard extends Board {
  gate: PowerGate;
  chip: SimMfrc522;
}

/** Powers up the simulated hardware for one boot: a new chip on the field, initialised by the real driver. */
export async function createSimBoard(p: SimBoardParts): Promise<SimBoard> {
  const gate = new PowerGate();
  const chip = new SimMfrc522({ clock: p.clock, field: gate.medium(p.field) });
  const opened = await openMfrc522(chip, p.clock);
  const f = p.feedback;
  const flash = p.flash;
  return {
    gate,
    chip,
    reader: opened.reader,
    clock: p.clock,
    crypto: p.crypto,
    signer: p.signer,
    storage: new NorSegmentStorage(p.flash),
    uplink: gate.uplink(p.uplink),
    led: { set: gate.guard((c) => f.led.set(c)) },
    buzzer: { play: gate.guard((b) => f.buzzer.play(b)) },
    display: { show: gate.guard((h, d) => f.display.show(h, d)) },
    stepButton: p.stepButton ? { pressed: () => !gate.closed && p.stepButton!.pressed() } : undefined,
    describe: () => ({
      target: 'simulator',
      chip: opened.chip,
      parts: {
        storage: `NOR flash, ${flash.sectorCount} sectors of ${flash.sectorSize} bytes`,
        uplink: 'simulated network',
        feedback: 'front panel in the console',
      },
    }),
  };
}
