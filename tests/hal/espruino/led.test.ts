// The Espruino board's status LED: which legs each colour drives high (amber = red + green), and no LED, no writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { espruinoLed } from '../../../hal/espruino/board.js';
import type { EspruinoRuntime } from '../../../hal/espruino/runtime.js';

test('each colour drives its legs: off, green, red, amber (red + green), blue', () => {
  const writes: string[] = [];
  const rt = { digitalWrite: (pin: unknown, v: number) => writes.push(`${String(pin)}=${v}`) } as unknown as EspruinoRuntime;
  const led = espruinoLed(rt, { red: 'R', green: 'G', blue: 'B' });
  const legs = (color: 'off' | 'green' | 'red' | 'amber' | 'blue') => {
    writes.length = 0;
    led.set(color);
    return writes.join(' ');
  };
  assert.is(legs('off'), 'R=0 G=0 B=0');
  assert.is(legs('green'), 'R=0 G=1 B=0');
  assert.is(legs('red'), 'R=1 G=0 B=0');
  assert.is(legs('amber'), 'R=1 G=1 B=0');
  assert.is(legs('blue'), 'R=0 G=0 B=1');
  const none = espruinoLed(rt, undefined);
  writes.length = 0;
  none.set('red');
  assert.equal(writes, []);
});

test.run();
