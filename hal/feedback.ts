/**
 * What the inspector sees and hears. Small on purpose: a status LED, a buzzer and one or two lines of text. The
 * firmware decides colours, patterns and words; backends only drive hardware (GPIO on a Pi, pins on Espruino, the
 * web console in the simulator).
 */
export type LedColor = 'off' | 'green' | 'red' | 'amber' | 'blue';

export interface StatusLed {
  set(color: LedColor): void;
}

/** Alternating on/off durations in ms, starting with on: [100] is one short beep, [80, 60, 80] two. */
export type BeepPattern = number[];

export interface Buzzer {
  /** Starts the pattern and returns at once; a new pattern replaces one still playing. */
  play(pattern: BeepPattern): void;
}

export interface TextDisplay {
  /** Replaces what is shown. `detail` is a second, smaller line (may be ignored by one-line displays). */
  show(headline: string, detail?: string): void;
}
