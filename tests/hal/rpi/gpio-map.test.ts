// BCM to sysfs GPIO numbers on fake sysfs trees: Pi 4 and Pi 5 on kernel 6.6+, a Pi 3 before 6.6, and the errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { sysfsTree } from '../../helpers/pi-doubles.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHeaderChip, sysfsNumber } from '../../../hal/rpi/gpio-map.js';
import { isSealscanError } from '../../../hal/errors.js';

const root = mkdtempSync(join(tmpdir(), 'sealscan-gpio-'));

const tree = (name: string, chips: Array<[number, string, number]>) => sysfsTree(root, name, chips);

test('Pi 4 on kernel 6.6+: the bcm2711 chip at 512, BCM 17 is 529', () => {
  const chip = findHeaderChip(tree('pi4', [[512, 'pinctrl-bcm2711', 58], [570, 'raspberrypi-exp-gpio', 8]]));
  assert.equal([chip.label, chip.base], ['pinctrl-bcm2711', 512]);
  assert.is(sysfsNumber(chip, 17, 'gpio.buzzer'), 529);
});

test('Pi 5: the RP1 chip at 571 among the others, BCM 25 is 596', () => {
  const chip = findHeaderChip(tree('pi5', [[512, 'gpio-brcmstb@107d508500', 32], [544, 'gpio-brcmstb@107d508520', 4], [571, 'pinctrl-rp1', 54]]));
  assert.equal([chip.name, chip.base], ['gpiochip571', 571]);
  assert.is(sysfsNumber(chip, 25, 'gpio.reset'), 596);
});

test('before kernel 6.6: the bcm2835 chip at 0, BCM numbers are sysfs numbers', () => {
  const chip = findHeaderChip(tree('pi3-old', [[0, 'pinctrl-bcm2835', 54], [504, 'raspberrypi-exp-gpio', 8]]));
  assert.is(sysfsNumber(chip, 4, 'gpio.trigger'), 4);
});

test('errors name what is wrong: no sysfs, no header chip, a pin off the header', () => {
  const code = (fn: () => unknown, rx: RegExp, c = 'GPIO') =>
    assert.throws(fn, (e: unknown) => isSealscanError(e, c) && rx.test((e as Error).message), rx.source);
  code(() => findHeaderChip(join(root, 'missing')), /does not exist: this kernel has no sysfs GPIO/);
  code(() => findHeaderChip(tree('pc', [[0, 'INT34C5:00', 360]])), /no Raspberry Pi header GPIO chip .*found gpiochip0 \(INT34C5:00\)/);
  code(() => findHeaderChip(tree('empty', [])), /found no gpiochip at all/);
  const chip = findHeaderChip(join(root, 'pi4'));
  code(() => sysfsNumber(chip, 28, 'gpio.led.red'), /^BAD_ARGUMENT: gpio\.led\.red: 28 is not a header GPIO \(BCM 0 to 27\)/, 'BAD_ARGUMENT');
  code(() => sysfsNumber(chip, 1.5, 'gpio.buzzer'), /gpio\.buzzer: 1\.5 is not a header GPIO/, 'BAD_ARGUMENT');
  if (process.getuid && process.getuid() !== 0) {
    const locked = tree('locked', [[512, 'pinctrl-bcm2711', 58]]);
    chmodSync(locked, 0o000);
    code(() => findHeaderChip(locked), /join the gpio group/);
    chmodSync(locked, 0o755);
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
