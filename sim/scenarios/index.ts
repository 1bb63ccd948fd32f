// Every scripted scenario, in the order `sealscan scenario list` shows them.
import type { Scenario } from './types.js';
import { counterfeits, tamperedSeal, tapSealed } from './taps.js';
import { pullAway, weakField } from './radio.js';
import { flakyIngest, networkDownHour } from './network.js';
import { powerCutDuringScan, powerCutDuringSync } from './power.js';
import { storageFull } from './storage.js';
import { fleetDay } from './fleet.js';
import { switchStep } from './steps.js';

export type { Scenario, ScenarioResult, TranscriptLine, CheckResult } from './types.js';
export { runScenario } from './runner.js';
export { formatResult } from './transcript.js';

export const SCENARIOS: readonly Scenario[] = [
  tapSealed,
  counterfeits,
  tamperedSeal,
  pullAway,
  weakField,
  networkDownHour,
  flakyIngest,
  powerCutDuringScan,
  powerCutDuringSync,
  storageFull,
  switchStep,
  fleetDay,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
