// The Raspberry Pi as a board: the MFRC522 on spidev, its reset line, LED, buzzer and trigger on GPIO (or the console
// when no pins are configured), and the Node parts every Node board shares. Loads nothing from the simulator.
import type { Board } from '../board.js';
import { openMfrc522 } from '../mfrc522/open.js';
import { nodeBoardParts, type NodeBoardOptions } from '../node/board-parts.js';
import { createPiFeedback, usesGpio, type GpioPins, type PiFeedback } from './feedback.js';
import { PiGpio, pulseReset, stepButtonOn, triggerOn, type OnoffModule, type TriggerPin } from './gpio.js';
import { SpidevSpiDevice, type SpidevOptions } from './spidev.js';

export interface PiBoardOptions extends NodeBoardOptions {
  spi?: SpidevOptions;
  gpio?: GpioPins;
  /** Where the kernel lists its GPIO chips (default /sys/class/gpio) and the onoff module (tests pass fakes). */
  gpioBackend?: { sysfs?: string; onoff?: OnoffModule };
  /** Where console feedback goes (LED and buzzer without GPIO pins, the display). Default console.log. */
  log?: (line: string) => void;
}

/**
 * Opens SPI and GPIO, pulses the reader's reset line (when wired) and initialises the chip; everything opened is
 * released by `close`, or here on failure.
 */
export async function createPiBoard(o: PiBoardOptions): Promise<Board> {
  const parts = nodeBoardParts(o);
  const pins = o.gpio ?? {};
  const spi = new SpidevSpiDevice(o.spi ?? {});
  let gpio: PiGpio | null = null;
  let feedback: PiFeedback | undefined;
  try {
    gpio = usesGpio(pins) ? new PiGpio(o.gpioBackend) : null;
    if (gpio && pins.reset !== undefined) await pulseReset(gpio.output(pins.reset, 'gpio.reset'), parts.clock);
    const opened = await openMfrc522(spi, parts.clock);
    feedback = createPiFeedback(pins, gpio, o.log);
    const trigger = gpio && pins.trigger ? triggerOn(gpio, pins.trigger, parts.clock) : undefined;
    const stepButton = gpio && pins.step ? stepButtonOn(gpio, pins.step, parts.clock) : undefined;
    const chipName = gpio ? `${gpio.chip.name}, ${gpio.chip.label}` : '';
    const f = feedback;
    const g = gpio;
    return {
      ...parts,
      reader: opened.reader,
      led: f.led,
      buzzer: f.buzzer,
      display: f.display,
      trigger,
      stepButton,
      describe: () => ({
        target: `Raspberry Pi (${spi.path} at ${spi.speedHz / 1e6} MHz${chipName ? `; GPIO ${chipName}` : ''})`,
        chip: opened.chip,
        parts: {
          storage: `segment files in ${o.dataDir}`,
          uplink: o.ingest,
          feedback: f.gpio ? 'GPIO LED and buzzer' : 'console',
          reset: pins.reset !== undefined ? `BCM ${pins.reset}, pulsed at start` : 'not wired (soft reset only)',
          trigger: pins.trigger ? buttonText(pins.trigger) : 'none',
          'step button': pins.step ? buttonText(pins.step) : 'none',
        },
      }),
      close: () => {
        f.close();
        g?.close();
        spi.close();
      },
    };
  } catch (e) {
    feedback?.close();
    gpio?.close();
    spi.close();
    throw e;
  }
}

const buttonText = (b: TriggerPin) => `BCM ${b.pin}, ${b.activeLow === false ? 'active high' : 'active low'}, ${b.debounceMs ?? 20} ms debounce`;
