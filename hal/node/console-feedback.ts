import type { Buzzer, StatusLed, TextDisplay } from '../feedback.js';

/** Feedback written as lines (a terminal, the journal): what a board without LED, buzzer or display shows. */
export function consoleFeedback(log: (line: string) => void): { led: StatusLed; buzzer: Buzzer; display: TextDisplay } {
  return {
    led: { set: (c) => log(`[led ${c}]`) },
    buzzer: { play: (p) => log(`[beep ${p.join('/')}]`) },
    display: { show: (h, d) => log(d ? `${h} | ${d}` : h) },
  };
}
