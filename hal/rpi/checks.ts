// What `sealscan doctor` checks on a Raspberry Pi before the reader: the SPI device node, the GPIO chip and each
// configured pin, then the chip itself (after its reset line is pulsed). Each check opens what it needs and releases
// it, so that doctor can run beside a stopped service and leave nothing exported.
import type { Clock } from '../clock.js';
import { diagnoseReader } from '../mfrc522/diagnose.js';
import type { GpioPins } from './feedback.js';
import { usesGpio } from './feedback.js';
import { PiGpio, pulseReset, type OnoffGpio, type OnoffModule } from './gpio.js';
import { SpidevSpiDevice, type SpidevOptions } from './spidev.js';

export interface PiCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PiCheckOptions {
  spi?: SpidevOptions;
  gpio?: GpioPins;
  gpioBackend?: { sysfs?: string; onoff?: OnoffModule };
  clock: Clock;
}

/** The pins of `g` as [field, BCM] pairs, in the order the board opens them. */
function pinList(g: GpioPins): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  if (g.reset !== undefined) out.push(['reset', g.reset]);
  if (g.led) out.push(['led.red', g.led.red], ['led.green', g.led.green], ['led.blue', g.led.blue]);
  if (g.buzzer !== undefined) out.push(['buzzer', g.buzzer]);
  if (g.trigger) out.push(['trigger', g.trigger.pin]);
  if (g.step) out.push(['step', g.step.pin]);
  return out;
}

/** Runs the Pi's checks in order; a check that cannot run because an earlier one failed says so. */
export async function piChecks(o: PiCheckOptions): Promise<PiCheck[]> {
  const out: PiCheck[] = [];
  let spi: SpidevSpiDevice | undefined;
  try {
    spi = new SpidevSpiDevice(o.spi ?? {});
    out.push({ name: 'spi', ok: true, detail: `${spi.path} opened by this user, mode 0 at ${spi.speedHz / 1e6} MHz` });
  } catch (e) {
    out.push({ name: 'spi', ok: false, detail: (e as Error).message });
  }
  const pins = o.gpio ?? {};
  let gpio: PiGpio | undefined;
  let reset: OnoffGpio | undefined;
  if (usesGpio(pins)) {
    try {
      gpio = new PiGpio(o.gpioBackend);
      const c = gpio.chip;
      // Opening each pin (and releasing it at the end) is the only proof that the kernel and this user allow it.
      const opened = pinList(pins).map(([field, bcm]) => {
        if (field === 'trigger' || field === 'step') {
          const line = gpio!.input(bcm, `gpio.${field}`, pins[field]!.activeLow ?? true);
          return `${field} BCM ${bcm} → ${c.base + bcm} (${line.readSync() ? 'held now' : 'released'})`;
        }
        const line = gpio!.output(bcm, `gpio.${field}`, field === 'reset' ? 1 : 0);
        if (field === 'reset') reset = line;
        return `${field} BCM ${bcm} → ${c.base + bcm}`;
      });
      out.push({ name: 'gpio', ok: true, detail: `${c.name} (${c.label}, base ${c.base}); ${opened.join(', ')}` });
    } catch (e) {
      gpio?.close();
      gpio = undefined;
      out.push({ name: 'gpio', ok: false, detail: (e as Error).message });
    }
  }
  try {
    if (!spi) throw new Error('not checked: the SPI device could not be opened (see "spi")');
    if (pins.reset !== undefined) {
      if (!reset) throw new Error('not checked: the reset line could not be opened (see "gpio")');
      await pulseReset(reset, o.clock);
    }
    out.push({ name: 'reader', ok: true, detail: (await diagnoseReader(spi, o.clock)) + (pins.reset !== undefined ? `, hard reset on BCM ${pins.reset}` : '') });
  } catch (e) {
    out.push({ name: 'reader', ok: false, detail: (e as Error).message });
  } finally {
    gpio?.close();
    spi?.close();
  }
  return out;
}
