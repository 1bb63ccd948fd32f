// Everything `sealscan sim` runs in one process: the ingest on loopback with its own SQLite file, one simulated
// scanner syncing to it over HTTP on real (paced) time, the packaging station (a device of its own, with a demo
// issuer key, whose seals become commission records in its chain), and the tag shelf. The web API (api.ts) is a thin
// face over this.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import type { Crypto } from '../../hal/crypto.js';
import type { IssuerKey } from '../../firmware/seals/sealer.js';
import { issuerKeyId } from '../../firmware/records/seal.js';
import { createIssuerKey } from '../issuer-keys.js';
import { loadIssuerKey } from '../../hal/node/issuer-files.js';
import { PacedClock } from '../paced-clock.js';
import { SimDevice, type DeviceEvent, type SimDeviceStatus } from '../device.js';
import { registerDevice, startIngestHost, type IngestHost } from '../ingest-host.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../tags/index.js';
import { eventLine } from '../scenarios/transcript.js';
import { STEPS } from '../../firmware/records/kinds.js';
import { TagShelf, tagView, type TagView } from './shelf.js';

export interface ConsoleOptions {
  /** Folder for the flash image, keys, boot count, ingest database and tag files; created when missing. */
  dataDir: string;
  /** Where the ingest listens (loopback by default; port 0 = any free port). */
  ingestHost?: string;
  ingestPort?: number;
  /** Warnings (a tag file that did not load). */
  warn?: (message: string) => void;
}

/** One line of the console's event log. */
export interface LogEntry {
  id: number;
  /** Device wall time, ms since the Unix epoch. */
  at: number;
  type: DeviceEvent['type'] | 'console';
  text: string;
}

export interface ConsoleStatus {
  device: SimDeviceStatus;
  tags: TagView[];
  /** The scanner's wall time, and how far "skip ahead" moved it (SPI and air time are not counted). */
  clock: { wallTime: number; skippedMs: number };
  ingest: { url: string };
  issuer: { name: string; keyId: string };
}

const LOG_SIZE = 300;

export class ConsoleSession {
  readonly crypto: Crypto = createNodeCrypto();
  readonly shelf: TagShelf;
  readonly issuer: IssuerKey & { name: string };
  private readonly entries: LogEntry[] = [];
  private nextLogId = 1;
  private skippedMs = 0;
  private listeners: Array<(e: LogEntry) => void> = [];

  private constructor(
    readonly dataDir: string,
    readonly clock: PacedClock,
    readonly ingest: IngestHost,
    readonly device: SimDevice,
    /** The packaging station: seals written in the console are commission records in its chain, synced like scans. */
    readonly station: SimDevice,
    shelf: TagShelf,
    issuer: IssuerKey & { name: string },
  ) {
    this.shelf = shelf;
    this.issuer = issuer;
    device.on((e) => this.onDevice(e));
    // The station's boots, syncs and power in the same log, marked as the station's.
    station.on((e) => {
      const line = e.type === 'feedback' || e.type === 'tap' || e.type === 'world' ? undefined : eventLine(e);
      if (line) this.push({ id: 0, at: e.at, type: e.type, text: `[${station.config.deviceId}] ${line.text}` });
    });
  }

  /** Starts the ingest, registers the scanner with it (provisioning token, over HTTP) and powers the scanner on. */
  static async open(o: ConsoleOptions): Promise<ConsoleSession> {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    const crypto = createNodeCrypto();
    const issuerDir = join(o.dataDir, 'issuer');
    const issuerFile = join(issuerDir, 'demo.issuer-key.json');
    if (!existsSync(issuerFile)) {
      mkdirSync(issuerDir, { recursive: true, mode: 0o700 });
      createIssuerKey(issuerDir, 'demo', crypto);
    }
    const issuer = loadIssuerKey(issuerFile);
    const trust = { issuers: [{ name: 'Demo Pharma (simulator issuer)', publicKey: issuer.publicKey }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] };
    // The ingest trusts what the scanner trusts, so it can re-judge what a scanner could not check.
    const ingest = await startIngestHost({ db: join(o.dataDir, 'ingest.db'), host: o.ingestHost, port: o.ingestPort, trust });
    const clock = new PacedClock();
    let device: SimDevice | undefined;
    let station: SimDevice | undefined;
    try {
      device = SimDevice.create({
        clock,
        uplink: new HttpUplink(ingest.url, { 'user-agent': 'sealscan-sim' }),
        trust,
        dataDir: join(o.dataDir, 'device'),
        site: 'sim-site-1',
        // The console's scanner may do every step: its step button (and STEP:<step> badges) switch between them.
        config: { steps: STEPS.slice() },
        crypto,
      });
      station = SimDevice.create({
        clock,
        uplink: new HttpUplink(ingest.url, { 'user-agent': 'sealscan-sim-station' }),
        trust,
        deviceId: 'sim-station-1',
        dataDir: join(o.dataDir, 'station'),
        site: 'sim-plant-1',
        crypto,
      });
      await registerDevice(ingest.url, ingest.token, device.identity.registration(), { id: 'sim-site-1', name: 'Simulated depot' });
      await registerDevice(ingest.url, ingest.token, station.identity.registration(), { id: 'sim-plant-1', name: 'Simulated packaging station' });
      const session = new ConsoleSession(o.dataDir, clock, ingest, device, station, new TagShelf(join(o.dataDir, 'tags'), o.warn), issuer);
      await station.powerOn('power-on');
      await device.powerOn('power-on');
      return session;
    } catch (e) {
      await device?.close();
      await station?.close();
      clock.dispose();
      await ingest.close();
      throw e;
    }
  }

  /** The newest log entries, oldest first. */
  log(): LogEntry[] {
    return this.entries.slice();
  }

  onLog(listener: (e: LogEntry) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Moves the scanner's clock ahead by `ms` (the console's "skip ahead"). */
  skip(ms: number): void {
    this.clock.advance(ms);
    this.skippedMs += ms;
    this.note(`skipped ${Math.round(ms / 1000)} s ahead`);
  }

  /** Adds a line of the console's own (a tag made, a scenario run) to the log. */
  note(text: string): void {
    this.push({ id: 0, at: this.clock.wallTime(), type: 'console', text });
  }

  status(): ConsoleStatus {
    const on = new Set(this.device.world.tags());
    return {
      device: this.device.status(),
      tags: this.shelf.list().map((t) => tagView(t, on.has(t.tag))),
      clock: { wallTime: this.clock.wallTime(), skippedMs: this.skippedMs },
      ingest: { url: this.ingest.url },
      issuer: { name: this.issuer.name, keyId: Buffer.from(issuerKeyId(this.issuer.publicKey, this.crypto)).toString('hex') },
    };
  }

  async close(): Promise<void> {
    await this.device.close();
    await this.station.close();
    for (const t of this.shelf.list()) this.shelf.save(t);
    this.clock.dispose();
    await this.ingest.close();
  }

  private onDevice(e: DeviceEvent): void {
    const line = eventLine(e);
    // A tap without a record (refused, repeat, no read) is on the display line already; say that nothing was kept.
    const text = line ? line.text : e.type === 'world' ? e.message : e.type === 'tap' ? `${e.tap.kind}: nothing recorded` : e.type;
    this.push({ id: 0, at: e.at, type: e.type, text });
    // Reading changes what a tag keeps (NFC counter, the tamper loop seen open): keep its file in step.
    if (e.type === 'tap' || (e.type === 'world' && e.what === 'remove')) for (const t of this.shelf.list()) this.shelf.save(t);
  }

  private push(e: LogEntry): void {
    e.id = this.nextLogId++;
    this.entries.push(e);
    if (this.entries.length > LOG_SIZE) this.entries.shift();
    for (const l of this.listeners.slice()) l(e);
  }
}
