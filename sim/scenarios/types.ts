// Scenarios: scripted, deterministic runs of a whole simulated scanner and ingest on virtual time.
import type { LabOptions, ScenarioLab } from './lab.js';

export interface Scenario {
  /** kebab-case, what `sealscan scenario run NAME` takes. */
  name: string;
  title: string;
  /** What it shows and why it matters, in a sentence or three. */
  summary: string;
  /** Device settings for this run: flash size in sectors, scanner settings, the scanner's id and site. */
  setup?: LabOptions;
  /** The script: acts on the lab's world face, narrates with `lab.step`, states expectations with `lab.check`. */
  run(lab: ScenarioLab): Promise<void>;
}

/** step: narration; screen: what the inspector saw and heard; record: a record made; sync: a request and its answer. */
export type LineKind = 'step' | 'screen' | 'record' | 'sync' | 'network' | 'power' | 'boot' | 'world' | 'check' | 'ingest' | 'storage';

export interface TranscriptLine {
  /** Virtual ms since the scenario started. */
  t: number;
  kind: LineKind;
  text: string;
  /** Unsynced records on the device at that moment (null while it is off). */
  queue: number | null;
  /** Sync worker state at that moment (off while the device is off). */
  sync: string;
  /** For check lines: whether the expectation held. */
  ok?: boolean;
}

export interface CheckResult {
  text: string;
  ok: boolean;
  detail?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  ok: boolean;
  checks: CheckResult[];
  lines: TranscriptLine[];
  /** Virtual time the run covered, ms. */
  virtualMs: number;
  /** Real time it took, ms (not part of the deterministic transcript). */
  realMs: number;
  /** Set when the script itself threw (a bug or an impossible step): the run fails. */
  error?: string;
}
