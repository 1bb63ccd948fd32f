// What a power cut severs between one boot of the simulated scanner and the world that outlives it: the antenna
// (the RF field and the tags in it stay), the way to the network, the LED, buzzer and display. After the cut, the
// dead firmware instance may still finish an await or two; through a closed gate it can no longer touch anything.
import type { AirContext, AirExchange, AirFrame, AuthOutcome, RfMedium } from '../rf/air.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../hal/uplink.js';

export class PowerGate {
  private open = true;

  get closed(): boolean {
    return !this.open;
  }

  close(): void {
    this.open = false;
  }

  /** The field as this boot's chip drives it: switched off at the cut, deaf and mute afterwards. */
  medium(field: RfMedium): RfMedium {
    const self = this;
    return {
      setField(on: boolean): void {
        if (self.open) field.setField(on);
      },
      fieldOn(): boolean {
        return self.open && field.fieldOn();
      },
      exchange(frame: AirFrame, context: AirContext): AirExchange {
        return self.open ? field.exchange(frame, context) : { answer: null, collisionBit: -1, delayUs: 0 };
      },
      authenticate(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome {
        return self.open ? field.authenticate(keyType, block, key, uid4) : 'no-answer';
      },
    };
  }

  /** The uplink as this boot sees it: nothing leaves after the cut, and an answer arriving after it is lost. */
  uplink(inner: Uplink): Uplink {
    return {
      request: async (req: UplinkRequest): Promise<UplinkResult> => {
        if (!this.open) return { ok: false, reason: 'unreachable', message: 'powered off' };
        const r = await inner.request(req);
        return this.open ? r : { ok: false, reason: 'reset', message: 'the device lost power before the answer came' };
      },
    };
  }

  /** `fn`, or nothing once the gate is closed. */
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      if (this.open) fn(...args);
    };
  }
}
