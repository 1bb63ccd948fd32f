// The scanner's LED, buzzer and display as the simulator keeps them: the firmware's feedback parts on one side, a
// snapshot and one event per thing the inspector is shown on the other.
import type { BeepPattern, LedColor } from '../../hal/feedback.js';
import type { FeedbackParts } from '../../firmware/app/feedback.js';

export interface PanelState {
  led: LedColor;
  headline: string;
  detail: string;
  /** The last pattern the buzzer played, and when it started (device wall time; 0: never). */
  beep: BeepPattern;
  beepAt: number;
}

/** What the inspector was shown at once: words, LED colour, and the beep that went with them ([] when none). */
export interface Shown {
  led: LedColor;
  headline: string;
  detail: string;
  beep: BeepPattern;
}

export class FrontPanel {
  private readonly s: PanelState = { led: 'off', headline: '', detail: '', beep: [], beepAt: 0 };
  /** The firmware's Feedback plays the beep just before it shows the words: keep it for that moment. */
  private pendingBeep: BeepPattern = [];

  constructor(
    private readonly now: () => number,
    private readonly shown: (s: Shown) => void,
  ) {}

  /** The parts the firmware drives. */
  readonly parts: FeedbackParts = {
    led: { set: (c) => (this.s.led = c) },
    buzzer: {
      play: (p) => {
        this.s.beep = p.slice();
        this.s.beepAt = this.now();
        this.pendingBeep = this.s.beep;
      },
    },
    display: {
      show: (headline, detail) => {
        this.s.headline = headline;
        this.s.detail = detail ?? '';
        const beep = this.pendingBeep;
        this.pendingBeep = [];
        this.shown({ led: this.s.led, headline, detail: this.s.detail, beep });
      },
    },
  };

  /** Power gone: LED and display dark (the last beep is kept for the record). */
  dark(): void {
    this.s.led = 'off';
    this.s.headline = '';
    this.s.detail = '';
  }

  state(): PanelState {
    return { ...this.s, beep: this.s.beep.slice() };
  }
}
