import type { BeepPattern, Buzzer, LedColor, StatusLed, TextDisplay } from '../../hal/feedback.js';
import type { Verdict } from '../records/kinds.js';

/**
 * Every distinct thing the inspector can be told. Each has its own colour, sound and words. A repeat tap has no signal
 * of its own: it gives its verdict's, so a counterfeit sounds like one however often it is tapped.
 */
export type Signal = Verdict | 'genuine-expired' | 'full' | 'login' | 'logout' | 'step' | 'login-required' | 'badge-unreadable' | 'ready' | 'error';

interface Look {
  led: LedColor;
  beep: BeepPattern;
}

// Good news is one short beep; anything to act on is long or repeated, so an inspector can tell them apart
// without looking. A switch rather than a table: on Espruino a table of fifteen looks would stay in memory, while a
// look made when it is given costs nothing between taps.
function lookOf(signal: Signal): Look {
  switch (signal) {
    case 'genuine':
      return { led: 'green', beep: [120] };
    case 'genuine-expired':
      return { led: 'amber', beep: [120, 80, 120, 80, 120] };
    case 'tampered':
    case 'clone-suspect':
    case 'invalid-seal':
      return { led: 'red', beep: [600, 150, 600] };
    case 'unknown':
      return { led: 'amber', beep: [250, 120, 250] };
    case 'unreadable':
      return { led: 'amber', beep: [60, 60, 60, 60, 60] };
    case 'full':
      return { led: 'blue', beep: [900] };
    case 'login':
      return { led: 'blue', beep: [80, 60, 80] };
    case 'step':
      return { led: 'blue', beep: [80, 60, 80, 60, 80] };
    case 'logout':
      return { led: 'off', beep: [80] };
    case 'login-required':
      return { led: 'amber', beep: [250] };
    case 'badge-unreadable':
      return { led: 'amber', beep: [60, 60, 60] };
    case 'ready':
      return { led: 'off', beep: [] };
    case 'error':
      return { led: 'red', beep: [900, 200, 900] };
  }
}

export interface FeedbackParts {
  led: StatusLed;
  buzzer: Buzzer;
  display: TextDisplay;
}

/** What the inspector was last told, for the web console and tests. */
export interface Shown {
  signal: Signal;
  led: LedColor;
  beep: BeepPattern;
  headline: string;
  detail: string;
}

export class Feedback {
  last: Shown | null = null;

  constructor(private readonly parts: FeedbackParts) {}

  give(signal: Signal, headline: string, detail?: string): Shown {
    const look = lookOf(signal);
    const d = detail === undefined ? '' : detail;
    this.parts.led.set(look.led);
    if (look.beep.length) this.parts.buzzer.play(look.beep);
    this.parts.display.show(headline, d);
    this.last = { signal: signal, led: look.led, beep: look.beep, headline: headline, detail: d };
    return this.last;
  }
}
