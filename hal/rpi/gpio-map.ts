// BCM pin numbers to the kernel's sysfs GPIO numbers. Since kernel 6.6 (Raspberry Pi OS Bookworm and later) the
// header's GPIO chip no longer starts at 0: its base is 512 on a Pi 3, 4 or Zero 2 W and 571 on a Pi 5 (RP1), so
// `new Gpio(17)` names a pin that does not exist. The base is read from /sys/class/gpio/gpiochip*/{base,label}.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HalError } from '../errors.js';

/** Labels of the GPIO chip that drives the 40-pin header, by SoC. */
export const HEADER_CHIP_LABELS: { [label: string]: string } = {
  'pinctrl-bcm2835': 'BCM2835/2836/2837 (Pi 1, 2, 3, Zero, Zero 2 W)',
  'pinctrl-bcm2711': 'BCM2711 (Pi 4, 400, CM4)',
  'pinctrl-rp1': 'RP1 (Pi 5, 500, CM5)',
};

/** The header's BCM numbers: GPIO 0 to 27. */
export const BCM_MAX = 27;

export interface HeaderChip {
  /** e.g. gpiochip512 */
  name: string;
  label: string;
  base: number;
  /** Lines the chip has (ngpio). */
  lines: number;
}

/** Finds the header's GPIO chip under `sysfs` (default /sys/class/gpio). Throws HalError GPIO naming what is missing. */
export function findHeaderChip(sysfs = '/sys/class/gpio'): HeaderChip {
  let names: string[];
  try {
    names = readdirSync(sysfs).filter((n) => n.startsWith('gpiochip'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new HalError('GPIO', `${sysfs} cannot be read by this user: join the gpio group (sudo usermod -aG gpio $USER, then log in again)`);
    throw new HalError('GPIO', `${sysfs} does not exist: this kernel has no sysfs GPIO (CONFIG_GPIO_SYSFS), or this is not a Raspberry Pi`);
  }
  const seen: string[] = [];
  for (const name of names.sort()) {
    const read = (f: string) => readFileSync(join(sysfs, name, f), 'utf8').trim();
    let label: string;
    try {
      label = read('label');
    } catch {
      continue;
    }
    seen.push(`${name} (${label})`);
    if (!(label in HEADER_CHIP_LABELS)) continue;
    const base = Number(read('base'));
    const lines = Number(read('ngpio'));
    if (!Number.isInteger(base) || base < 0) throw new HalError('GPIO', `${join(sysfs, name, 'base')} reads "${read('base')}", not a GPIO number`);
    return { name, label, base, lines: Number.isInteger(lines) ? lines : 0 };
  }
  throw new HalError('GPIO', `no Raspberry Pi header GPIO chip under ${sysfs} (looked for ${Object.keys(HEADER_CHIP_LABELS).join(', ')}; found ${seen.join(', ') || 'no gpiochip at all'})`);
}

/** The sysfs number of BCM pin `bcm` on `chip`, for onoff's `new Gpio(n)`. `field` names the setting in errors. */
export function sysfsNumber(chip: HeaderChip, bcm: number, field: string): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm > BCM_MAX) throw new HalError('BAD_ARGUMENT', `${field}: ${bcm} is not a header GPIO (BCM 0 to ${BCM_MAX})`);
  if (chip.lines && bcm >= chip.lines) throw new HalError('BAD_ARGUMENT', `${field}: BCM ${bcm} is beyond the ${chip.lines} lines of ${chip.name} (${chip.label})`);
  return chip.base + bcm;
}
