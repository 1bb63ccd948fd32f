// The technician's setup for the SIGKILL sweep, done with the real commands: a `sealscan ingest` child on loopback
// (port 0), an issuer key, virtual tag files (a badge, sealed packages, one with its tamper wire cut, a magic
// clone) and a provisioned device. Every child is ended by its own pid, never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
export const DEVICE_ID = 'kill-1';
const TOKEN = 'tok-kill-provisioning';
/** The auditor token of the ingest child, for status and exports. */
export const AUDITOR_TOKEN = 'tok-kill-auditor-0001';

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** `sealscan ...args` in `cwd`, to the end. */
export function sealscan(cwd: string, ...args: string[]): Promise<Done> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

async function ok(cwd: string, ...args: string[]): Promise<string> {
  const r = await sealscan(cwd, ...args);
  if (r.code !== 0) throw new Error(`sealscan ${args.join(' ')}: exit ${r.code}\n${r.out}${r.err}`);
  return r.out;
}

export interface IngestChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startIngest(dir: string): Promise<IngestChild> {
  const child = spawn(process.execPath, [bin, 'ingest', '--port', '0', '--db', join(dir, 'ingest.db'), '--token', TOKEN, '--auditor-token', AUDITOR_TOKEN], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (c) => reject(new Error(`ingest exited ${c}: ${out}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGTERM');
    });
  return { url, child, stop };
}

/** A package tag file: new, sealed by the issuer, then `after` (tamper, ...) in order. */
async function sealedTag(dir: string, kind: string, file: string, serial: number, after: string[][] = []): Promise<void> {
  await ok(dir, 'tag', 'new', kind, '--out', file);
  await ok(dir, 'seal', '--link', `https://id.gs1.org/01/09506000134352/21/${serial}`, '--key', 'keys/acme.issuer-key.json', '--tag', file);
  for (const a of after) await ok(dir, ...a);
}

/**
 * Issuer key, tags (tapped in file-name order: the badge once, then the packages round and round) and a device
 * provisioned against `url`, with a small queue (16 segments of 16 KiB, so runs rotate and free segments), fast
 * polling and no repeat window. Returns the configuration file.
 */
export async function provisionDevice(dir: string, url: string): Promise<string> {
  await ok(dir, 'issuer-key', 'new', '--name', 'acme', '--out', 'keys');
  mkdirSync(join(dir, 'tags'));
  // Independent tags are made side by side: each command is a Node start-up. The tampered package and the clone
  // come first after the badge, so that even a run killed after a few taps meets them.
  await Promise.all([
    ok(dir, 'tag', 'new', 'mifare-classic-1k', '--badge', 'INSP-9', '--out', 'tags/0-badge.json'),
    sealedTag(dir, 'ntag213tt', 'tags/1-tampered.json', 1, [['tag', 'tamper', 'tags/1-tampered.json', '--open']]),
    sealedTag(dir, 'ntag213', 'tags/3-genuine.json', 3, [['tag', 'clone', 'tags/3-genuine.json', '--out', 'tags/2-clone.json', '--mode', 'magic']]),
    sealedTag(dir, 'ntag213', 'tags/4-genuine.json', 4),
    sealedTag(dir, 'ntag213', 'tags/5-genuine.json', 5),
  ]);
  await ok(dir, 'provision', '--device', DEVICE_ID, '--site', '9506000134352', '--ingest', url, '--token', TOKEN, '--issuer', 'keys/acme.issuer.json', '--simulator', '--data', 'data');
  const file = join(dir, 'device.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(cfg, { dedupeWindowMs: 0, pollIntervalMs: 20, checkpointEvery: 10, queue: { segmentCount: 16, segmentSize: 16384 } });
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  return file;
}

/** One `sealscan run` as the sweep saw it: its boot line and the durable taps it printed. */
export interface RunLog {
  boot: number | null;
  lost: Array<[number, number]>;
  taps: Array<{ kind: string; seq: number; verdict: string; uid: string }>;
}

export function parseRun(out: string): RunLog {
  const log: RunLog = { boot: null, lost: [], taps: [] };
  for (const line of out.split('\n')) {
    const b = /^device \S+ boot (\d+),.*?(?:, lost (\[.*\]) \(fault record written\))?$/.exec(line);
    if (b) {
      log.boot = Number(b[1]);
      if (b[2]) log.lost = JSON.parse(b[2]);
    }
    const t = /^tap (\S+) seq=(\d+) verdict=(\S+) uid=([0-9A-F]+) /.exec(line);
    if (t) log.taps.push({ kind: t[1], seq: Number(t[2]), verdict: t[3], uid: t[4] });
  }
  return log;
}
