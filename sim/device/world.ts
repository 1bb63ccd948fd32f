// The world face of a simulated scanner: what a hand, a wall or a bad antenna can do to it. Tests, scenarios and
// the console drive the device only through this and the power and network controls.
import type { Picc } from '../rf/air.js';
import type { RfField } from '../rf/field.js';
import type { SimClock } from '../clock.js';
import { corruptAnswers, dropAnswers, pullAwayAfterBytes, weakField, type Disposer, type PiccFaultTarget } from '../faults.js';
import type { DeviceEvent, TapSummary } from './events.js';

/** What the world face needs of its device. */
export interface WorldHost {
  readonly field: RfField;
  readonly clock: SimClock;
  on(listener: (e: DeviceEvent) => void): () => void;
}

function hasFaults(tag: Picc): tag is Picc & PiccFaultTarget {
  return typeof (tag as Partial<PiccFaultTarget>).addFault === 'function';
}

/**
 * Guarantees: every change is reported through `say` in words; faults stay armed until used up or turned off, per
 * device; {@link tap} always lifts the tag again, whatever happened.
 */
export class DeviceWorld {
  private weak: Disposer | undefined;

  constructor(
    private readonly host: WorldHost,
    private readonly say: (what: 'place' | 'remove' | 'fault', message: string) => void,
  ) {}

  /** The tags on the reader now, in the order they were placed. */
  tags(): Picc[] {
    return this.host.field.tags();
  }

  /** Puts a tag on the reader (it stays until {@link remove}). */
  place(tag: Picc): void {
    if (this.host.field.tags().includes(tag)) return;
    this.host.field.place(tag);
    this.say('place', `${tag.label} placed on the reader`);
  }

  remove(tag: Picc): void {
    if (!this.host.field.tags().includes(tag)) return;
    this.host.field.remove(tag);
    this.say('remove', `${tag.label} lifted off the reader`);
  }

  /**
   * Places `tag` and pulls it away after `afterBytes` bytes of its answers: the answer during which that count is
   * reached is cut short and the tag leaves the field (sim/faults.ts pullAwayAfterBytes).
   */
  pullAway(tag: Picc, afterBytes = 40): void {
    if (!hasFaults(tag)) throw new Error(`${tag.label} takes no fault hooks`);
    this.remove(tag);
    pullAwayAfterBytes(this.host.field, tag, afterBytes);
    this.host.field.place(tag);
    this.say('fault', `${tag.label} placed, to be pulled away after ${afterBytes} bytes of its answers`);
  }

  /** A weak field (tag at the edge of the range): short answers get through, long ones arrive damaged. */
  setWeakField(on: boolean): void {
    if (on === !!this.weak) return;
    if (on) this.weak = weakField(this.host.field);
    else {
      this.weak!();
      this.weak = undefined;
    }
    this.say('fault', on ? 'weak field: tags at the edge of the range' : 'field back to full strength');
  }

  get weakField(): boolean {
    return !!this.weak;
  }

  /** The next `count` answers of any tag are lost on the air. */
  dropAnswers(count = 1): void {
    dropAnswers(this.host.field, count);
    this.say('fault', `the next ${count} tag answer(s) will be lost`);
  }

  /** The next `count` answers of any tag arrive with a flipped bit (CRC error). */
  corruptAnswers(count = 1): void {
    corruptAnswers(this.host.field, { count });
    this.say('fault', `the next ${count} tag answer(s) will arrive corrupted`);
  }

  /**
   * The next tap the scanner reports, or null when none comes within `timeoutMs` of device time or the power goes
   * first.
   */
  nextTap(timeoutMs = 5000): Promise<TapSummary | null> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (t: TapSummary | null) => {
        if (done) return;
        done = true;
        off();
        resolve(t);
      };
      const off = this.host.on((e) => {
        if (e.type === 'tap') finish(e.tap);
        else if (e.type === 'power') finish(null);
      });
      void this.host.clock.sleep(timeoutMs).then(() => finish(null));
    });
  }

  /** A tap: places the tag, waits for the scanner's verdict (or `timeoutMs`), lifts the tag. */
  async tap(tag: Picc, timeoutMs = 5000): Promise<TapSummary | null> {
    const next = this.nextTap(timeoutMs);
    this.place(tag);
    try {
      return await next;
    } finally {
      this.remove(tag);
    }
  }
}
