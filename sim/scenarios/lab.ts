// The world a scenario acts on: one simulated scanner syncing to an in-process ingest (SQLite in memory) through
// the simulated network, a packaging station with a demo issuer key, all on one virtual clock. Every action
// narrates itself into the transcript, so scripts stay a list of plain steps.
import type { Crypto } from '../../hal/crypto.js';
import { createNodeCrypto, nodeSha256 } from '../../hal/node/crypto.js';
import type { ScannerConfig } from '../../firmware/app/config.js';
import type { Step } from '../../firmware/records/kinds.js';
import type { TrustConfig } from '../../firmware/seals/verdict.js';
import type { Site, StoredAlert } from '../../upstream/store.js';
import type { IssuerKey } from '../../firmware/seals/sealer.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import type { VerifyReport } from '../../firmware/records/verify-report.js';
import { Ingest } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { FIRST, readRecords } from '../../upstream/export.js';
import { deviceStatus, type DeviceStatus } from '../../upstream/status.js';
import { VirtualClock } from '../clock.js';
import { SimDevice, type TapSummary } from '../device.js';
import { IngestUplink } from '../ingest-uplink.js';
import type { NetworkMode, NetworkSetting, UplinkExchange } from '../network.js';
import type { Picc } from '../rf/air.js';
import { cloneTag, makeBadge, recordSeal, sealFailure, sealVirtualTag } from '../station.js';
import { newTag, type TagKind } from '../tag-file.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../tags/index.js';
import { Transcript } from './transcript.js';
import type { CheckResult, LineKind } from './types.js';

/** The Digital Link scenarios seal with (GTIN and serial; 47 characters fit an NTAG213's 144 bytes with the seal). */
export const DEMO_LINK = 'https://id.gs1.org/01/09506000134352/21/A1B2C3';
/** An Ultralight EV1 (MF0UL21) takes links of at most 39 characters beside a seal: a short resolver domain. */
export const SHORT_LINK = 'https://acme.eu/01/09506000134352/21/7';
/** Virtual time 0 of every scenario: 2026-03-02T08:00:00Z, a Monday morning at the depot. */
export const SCENARIO_EPOCH = Date.UTC(2026, 2, 2, 8, 0, 0);

/** A small deterministic generator (mulberry32) for the sync worker's jitter, so transcripts repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LabOptions {
  sectors?: number;
  config?: Partial<ScannerConfig>;
  /** The lab's scanner's id and the site it is registered at (default sim-scanner-1 at depot-north). */
  device?: { id: string; site: Site };
}

/** A further device in the lab: a scanner at another site, or a packaging station. */
export interface LabDeviceOptions {
  id: string;
  /** Where it is registered (with coordinates, for the travel rule). */
  site: Site;
  /** The step its scans record (default inspecting). */
  step?: Step;
}

/** Guarantees: nothing reads the real clock or the network; the same script gives the same transcript. */
export class ScenarioLab {
  readonly clock = new VirtualClock({ epochMs: SCENARIO_EPOCH });
  readonly crypto: Crypto = createNodeCrypto();
  readonly issuer: IssuerKey;
  readonly store = new SqliteStore(':memory:');
  readonly ingest: Ingest;
  readonly device: SimDevice;
  /** Devices added with {@link addDevice}, in the order they were added. */
  readonly others: SimDevice[] = [];
  readonly transcript: Transcript;
  readonly checks: CheckResult[] = [];
  /** Every request the scanner made, as the network saw it (time is device wall time). */
  readonly exchanges: UplinkExchange[] = [];
  private serial = 0;
  private readonly trust: TrustConfig;
  private readonly site: Site;

  private constructor(o: LabOptions) {
    this.issuer = this.crypto.ed25519!.generateKeyPair();
    this.trust = { issuers: [{ name: 'Demo Pharma', publicKey: this.issuer.publicKey }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] };
    this.ingest = new Ingest({ store: this.store, sha256: { sha256: nodeSha256 }, now: () => this.clock.wallTime(), trust: this.trust });
    this.site = o.device?.site ?? { id: 'depot-north' };
    this.device = SimDevice.create({
      clock: this.clock,
      uplink: new IngestUplink(this.ingest),
      trust: this.trust,
      deviceId: o.device?.id,
      site: this.site.id,
      sectors: o.sectors,
      config: o.config,
      crypto: this.crypto,
      sync: { random: seededRandom(1) },
    });
    this.transcript = new Transcript(this.device, SCENARIO_EPOCH);
    this.device.network.onExchange((x) => this.exchanges.push(x));
  }

  /** A lab whose scanner is registered with the ingest and still switched off. */
  static async open(o: LabOptions = {}): Promise<ScenarioLab> {
    const lab = new ScenarioLab(o);
    await lab.register(lab.device, lab.site);
    return lab;
  }

  private async register(d: SimDevice, site: Site): Promise<void> {
    const r = d.identity.registration();
    if (r.alg !== 'ed25519') throw new Error('scenario devices sign with Ed25519');
    await this.store.register({ id: r.device, alg: 'ed25519', key: r.publicKey, site }, this.clock.wallTime());
  }

  /**
   * Another device on the lab's clock and ingest (a scanner at another site, a packaging station), registered at
   * its site and still off; its events go into the transcript marked with its id.
   */
  async addDevice(o: LabDeviceOptions): Promise<SimDevice> {
    const d = SimDevice.create({
      clock: this.clock,
      uplink: new IngestUplink(this.ingest),
      trust: this.trust,
      deviceId: o.id,
      site: o.site.id,
      config: o.step ? { step: o.step } : {},
      crypto: this.crypto,
      sync: { random: seededRandom(this.others.length + 2) },
    });
    this.others.push(d);
    await this.register(d, o.site);
    this.transcript.follow(d, o.id);
    return d;
  }

  async close(): Promise<void> {
    for (const d of [this.device, ...this.others]) await d.close();
    await this.store.close();
  }

  line(kind: LineKind, text: string): void {
    this.transcript.add(kind, text);
  }

  /** Narration: what the people in the scenario do next. */
  step(text: string): void {
    this.line('step', text);
  }

  /** States an expectation; a false one fails the scenario (the run goes on, so the transcript shows why). */
  check(text: string, ok: boolean, detail?: string): boolean {
    const c: CheckResult = { text, ok };
    if (detail !== undefined && !ok) c.detail = detail;
    this.checks.push(c);
    this.transcript.add('check', text + (c.detail ? ` (${c.detail})` : ''), ok);
    return ok;
  }

  // ---- tags (the packaging station) -----------------------------------------------------------------------------

  /** A blank tag with a UID fixed by its order in the script. */
  tag(kind: TagKind = 'ntag213'): Picc {
    const n = ++this.serial;
    return newTag(kind, kind === 'mifare-classic-1k' ? Uint8Array.of(0xb0, 0x0d, 0x00, n) : Uint8Array.of(0x04, 0x53, 0x43, 0x4e, 0x00, 0x00, n));
  }

  /** A tag sealed by the demo issuer for `link`, sealed a day before the scenario starts. */
  async sealed(kind: TagKind = 'ntag213', link = kind.startsWith('ultralight') ? SHORT_LINK : DEMO_LINK): Promise<Picc> {
    const tag = this.tag(kind);
    const r = await sealVirtualTag(tag, { link, issuer: this.issuer, sealedAtMs: SCENARIO_EPOCH - 86400000 }, this.crypto);
    if (!r.ok) throw new Error(`sealing ${tag.label} failed: ${sealFailure(r)}`);
    return tag;
  }

  /**
   * The packaging station at work: a fresh tag of `kind` sealed now by the demo issuer for `link`, and the seal as a
   * signed commission record in `station`'s chain (the station must be on).
   */
  async commission(station: SimDevice, link: string, kind: TagKind = 'ntag213'): Promise<Picc> {
    const tag = this.tag(kind);
    this.step(`${station.config.deviceId} seals ${tag.label} for ${link}`);
    const r = await sealVirtualTag(tag, { link, issuer: this.issuer, sealedAtMs: this.clock.wallTime() }, this.crypto);
    if (!r.ok) throw new Error(`sealing ${tag.label} failed: ${sealFailure(r)}`);
    const seq = recordSeal(station, r, link, this.crypto);
    if (seq === undefined) throw new Error(`${station.config.deviceId} is off: no commission record`);
    if (seq === null) throw new Error(`${station.config.deviceId}'s queue is full: no commission record`);
    this.line('record', `[${station.config.deviceId}] seq ${seq}: commission ${link}`);
    return tag;
  }

  badge(inspector: string): Picc {
    return makeBadge(inspector, Uint8Array.of(0xba, 0xd6, 0x00, ++this.serial));
  }

  clone(tag: Picc, mode: 'magic' | 'copy-seal'): Picc {
    return cloneTag(tag, mode, mode === 'copy-seal' ? Uint8Array.of(0x04, 0x53, 0x43, 0x4e, 0x00, 0x01, ++this.serial) : undefined);
  }

  // ---- the scanner's world face ----------------------------------------------------------------------------------

  async boot(on: SimDevice = this.device): Promise<void> {
    this.step(on === this.device ? 'The scanner is switched on' : `${on.config.deviceId} is switched on`);
    await on.powerOn('power-on');
  }

  /** The power switch: the device stops between two operations; what is not synced waits for its next boot. */
  async switchOff(on: SimDevice = this.device): Promise<void> {
    this.step(on === this.device ? 'The scanner is switched off' : `${on.config.deviceId} is switched off`);
    await on.switchOff();
  }

  async powerOn(): Promise<void> {
    this.step('Power comes back');
    await this.device.powerOn('power-on');
  }

  cutPower(when: 'now' | 'next-write', bytes?: number): void {
    this.step(when === 'now' ? 'The battery is pulled' : `The battery will fail during the next flash write${bytes === undefined ? '' : `, after ${bytes} bytes of it`}`);
    this.device.cutPower(when, bytes);
  }

  async login(inspector = 'INSP-007', on: SimDevice = this.device): Promise<TapSummary | null> {
    return this.tap(this.badge(inspector), `Inspector taps badge ${inspector}` + (on === this.device ? '' : ` on ${on.config.deviceId}`), on);
  }

  /** A tap of `tag` (on the lab's scanner unless `on` names another); no reaction within 3 s is noted as such. */
  async tap(tag: Picc, text?: string, on: SimDevice = this.device): Promise<TapSummary | null> {
    this.step(text ?? `Inspector taps ${tag.label}` + (on === this.device ? '' : ` on ${on.config.deviceId}`));
    const t = await on.world.tap(tag, 3000);
    if (!t && on.powered) this.line('screen', '(no reaction within 3 s)');
    return t;
  }

  network(mode: NetworkMode, extra: Partial<NetworkSetting> = {}): void {
    this.device.setNetwork({ mode, ...extra });
  }

  /** Lets `ms` of virtual time pass (the scanner polls and syncs meanwhile). */
  async wait(ms: number, text?: string): Promise<void> {
    if (text) this.step(text);
    await this.clock.sleep(ms);
  }

  /** Waits until `cond` holds, looking every `stepMs`; false when `timeoutMs` passed first. */
  async until(cond: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
    const end = this.clock.now() + timeoutMs;
    while (!cond()) {
      if (this.clock.now() >= end) return false;
      await this.clock.sleep(stepMs);
    }
    return true;
  }

  /** Unsynced records on the device (-1 while it is off). */
  queueDepth(on: SimDevice = this.device): number {
    const b = on.boot;
    return b ? b.queue.status().unacked : -1;
  }

  /** Waits until the device has nothing left to sync. */
  synced(timeoutMs = 600000, on: SimDevice = this.device): Promise<boolean> {
    return this.until(() => this.queueDepth(on) === 0 && on.boot!.sync.status().state !== 'sending', timeoutMs);
  }

  // ---- the ingest's view -------------------------------------------------------------------------------------------

  /** Every alert the ingest's closed-loop rules raised, open or acknowledged. */
  alerts(): Promise<StoredAlert[]> {
    return this.store.alerts({ state: 'all', limit: 1000 });
  }

  async ingestStatus(): Promise<DeviceStatus> {
    const d = await this.store.device(this.device.config.deviceId);
    return deviceStatus(d!, await this.store.counts(d!.id));
  }

  /** Every record the ingest stored, checked with the offline verifier against the device's key. */
  async verifyIngest(): Promise<VerifyReport> {
    const records: Uint8Array[] = [];
    for await (const batch of readRecords(this.store, FIRST, Infinity, this.device.config.deviceId)) for (const r of batch) records.push(r.bytes);
    const reg = this.device.identity.registration();
    const key = reg.alg === 'ed25519' ? { alg: -8 as const, publicKey: reg.publicKey } : { alg: 5 as const, hmacKey: reg.hmacKey };
    return verifyRecords(records, (id) => (id === reg.device ? key : undefined), this.crypto);
  }

  /** Notes the ingest's view in the transcript and checks the chain is whole, declared gaps allowed. */
  async checkIngestChain(): Promise<DeviceStatus> {
    const s = await this.ingestStatus();
    const gaps = s.gaps.declared.map((g) => (g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`));
    this.line('ingest', `${s.records} records, acked through ${s.ackedThrough}, chain ${s.chain}` + (gaps.length ? `, declared lost: seq ${gaps.join(', ')}` : '') + (s.gaps.undeclared.length ? `, UNDECLARED gaps ${JSON.stringify(s.gaps.undeclared)}` : ''));
    const v = await this.verifyIngest();
    const dev = v.devices[0];
    this.check('every record at the ingest verifies offline and the chain is intact (declared gaps only)', v.ok && !!dev && dev.chainIntact && dev.undeclaredGaps.length === 0, dev ? dev.firstBreak?.reason ?? JSON.stringify(dev.undeclaredGaps) : 'no records');
    return s;
  }
}
