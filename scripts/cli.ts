// sealscan <command>: the one command-line entry for technicians and developers. Each command lives in its own
// module and is loaded only when asked for, so that `sealscan --help` stays fast.
import { readFileSync } from 'node:fs';

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  sim: { summary: 'the simulator: a simulated scanner, virtual tags and an ingest in a web page (npm start)', load: () => import('./commands/sim.js') },
  scenario: { summary: 'run scripted scenarios (taps, clones, pull-away, network down, power cuts) on virtual time', load: () => import('./commands/scenario.js') },
  verify: { summary: 'verify exported scan records offline: signatures, chains, gaps, forks, replays', load: () => import('./commands/verify.js') },
  'issuer-key': { summary: 'make a packaging station issuer key (Ed25519) for sealing', load: () => import('./commands/issuer-key.js') },
  tag: { summary: 'make, show, clone or tamper with virtual tags (files) for the simulator', load: () => import('./commands/tag.js') },
  seal: { summary: 'write a signed seal (Digital Link + seal record) onto the tag on the reader', load: () => import('./commands/seal.js') },
  check: { summary: 'judge the seal of the tag on the reader as a scanner would, without recording', load: () => import('./commands/check.js') },
  ingest: { summary: 'run the ingest service: verify, store and acknowledge uploaded records (SQLite, or PostgreSQL)', load: () => import('./commands/ingest.js') },
  export: { summary: 'export the records an ingest accepted: cose (for verify), epcis 2.0, or json', load: () => import('./commands/export.js') },
  trace: { summary: "a package's story at the ingest: timeline across devices and sites, state, verdicts, alerts", load: () => import('./commands/trace.js') },
  alerts: { summary: 'the closed-loop alerts at the ingest; --rescan runs every rule over the whole store again', load: () => import('./commands/alerts.js') },
  provision: { summary: 'set a scanner up: device key, configuration, registration with the ingest', load: () => import('./commands/provision.js') },
  run: { summary: 'run the scanner (Pi reader, or the simulated one with virtual tag files)', load: () => import('./commands/run.js') },
  doctor: { summary: 'check configuration, key, storage and queue, reader chip and ingest; say what is wrong', load: () => import('./commands/doctor.js') },
  keys: { summary: 'make a device signing key (Ed25519 or HMAC) and show its public part', load: () => import('./commands/keys.js') },
  flash: { summary: 'write the scanner (image, configuration, key) to an Espruino board\'s Storage, or a dry run', load: () => import('./commands/flash.js') },
  'pi-bundle': { summary: 'write the folder that installs the scanner on a Raspberry Pi as a service (install.sh)', load: () => import('./commands/pi-bundle.js') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: sealscan <command> [options]', '', 'commands:', ...lines, '', 'sealscan <command> --help shows the options of one command; sealscan --version (-V) the version.'].join('\n');
}

/** The version in package.json (this file is dist/scripts/cli.js; the Pi bundle keeps the same layout). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    console.log(`sealscan ${version()}`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`sealscan: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
