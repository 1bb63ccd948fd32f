// The Raspberry Pi as a board: the MFRC522 on spidev, LED and buzzer on GPIO (or the console when none are
// configured), and the Node parts every Node board shares. Loads nothing from the simulator.
import type { Board } from '../board.js';
import { openMfrc522 } from '../mfrc522/open.js';
import { nodeBoardParts, type NodeBoardOptions } from '../node/board-parts.js';
import { createPiFeedback, type GpioPins } from './feedback.js';
import { SpidevSpiDevice, type SpidevOptions } from './spidev.js';

export interface PiBoardOptions extends NodeBoardOptions {
  spi?: SpidevOptions;
  gpio?: GpioPins;
  /** Where console feedback goes (LED and buzzer without GPIO pins, the display). Default console.log. */
  log?: (line: string) => void;
}

/** Opens SPI and GPIO and initialises the chip; everything opened is released by `close`, or here on failure. */
export async function createPiBoard(o: PiBoardOptions): Promise<Board> {
  const parts = nodeBoardParts(o);
  const spi = new SpidevSpiDevice(o.spi ?? {});
  let feedback: ReturnType<typeof createPiFeedback> | undefined;
  try {
    const opened = await openMfrc522(spi, parts.clock);
    feedback = createPiFeedback(o.gpio ?? {}, o.log);
    const gpio = feedback.gpio;
    const close = feedback.close;
    return {
      ...parts,
      reader: opened.reader,
      led: feedback.led,
      buzzer: feedback.buzzer,
      display: feedback.display,
      describe: () => ({
        target: `Raspberry Pi (${spi.path} at ${spi.speedHz / 1e6} MHz)`,
        chip: opened.chip,
        parts: { storage: `segment files in ${o.dataDir}`, uplink: o.ingest, feedback: gpio ? 'GPIO LED and buzzer' : 'console' },
      }),
      close: () => {
        close();
        spi.close();
      },
    };
  } catch (e) {
    feedback?.close();
    spi.close();
    throw e;
  }
}
