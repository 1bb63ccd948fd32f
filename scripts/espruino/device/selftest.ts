/**
 * The Espruino self-test (dist/espruino/selftest.js): the same device assembly and Espruino board parts as the
 * firmware image, with the simulator's MFRC522 and tags behind the driver (the tags' contents and originality
 * signatures made at build time on Node: SELFTEST below), the queue on the interpreter's Storage, and a loopback
 * uplink that acknowledges every batch and prints it (`BATCH <hex>`) so that a host can hand the records to a real
 * ingest. It taps a badge, then the sealed tags in turn, lets sync empty the queue, and prints last
 * `SELFTEST PASS <n> records ...` or `SELFTEST FAIL <reason>`, with the peak of `process.memory().usage` and the
 * wall time per tap in the interpreter (the driver's polls included, the simulated chip's own time excluded).
 */
import { Device } from '../../../firmware/app/device.js';
import { hmacSigner } from '../../../firmware/records/signers.js';
import type { Board } from '../../../hal/board.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../../hal/uplink.js';
import { hexLiteral, toHex } from '../../../hal/hex.js';
import { openMfrc522 } from '../../../hal/mfrc522/open.js';
import { EspruinoClock, espruinoCrypto, useInterpreterText } from '../../../hal/espruino/board.js';
import { EspruinoSegmentStorage } from '../../../hal/espruino/storage.js';
import type { EspruinoRuntime } from '../../../hal/espruino/runtime.js';
import { SimMfrc522 } from '../../../sim/mfrc522/chip.js';
import { RfField } from '../../../sim/rf/field.js';
import { VirtualClock } from '../../../sim/clock.js';
import { espruinoRuntime } from './globals.js';
import { selftestTags, type SelftestData } from '../../../sim/selftest-data.js';


declare const SELFTEST: SelftestData;

/** Acknowledges every batch (cumulatively, with the hash the worker checks) and prints it for the host. */
class LoopbackUplink implements Uplink {
  private acked = -1;
  constructor(private readonly rt: EspruinoRuntime, private readonly sha: (b: Uint8Array) => Uint8Array, private readonly device: string) {}

  request(r: UplinkRequest): Promise<UplinkResult> {
    const body = r.body || new Uint8Array(0);
    // The batch: a CBOR array of byte strings (firmware/sync/protocol.ts encodeBatch). Count them; hash the last.
    let at = 0;
    const head = (): number => {
      const ai = body[at] & 31;
      at++;
      if (ai < 24) return ai;
      let n = 0;
      const size = ai === 24 ? 1 : ai === 25 ? 2 : 4;
      for (let i = 0; i < size; i++) n = n * 256 + body[at++];
      return n;
    };
    const count = head();
    let last: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < count; i++) {
      const len = head();
      last = body.subarray(at, at + len);
      at += len;
    }
    console.log('BATCH ' + toHex(body));
    this.acked += count;
    const devices: { [id: string]: object } = {};
    devices[this.device] = { ackedThrough: this.acked, ackedHash: toHex(this.sha(last)), accepted: count, duplicates: 0, rejected: [] };
    const text = JSON.stringify({ devices: devices });
    return Promise.resolve<UplinkResult>({ ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body: this.rt.toUint8Array(text) } });
  }
}

/** Time spent inside some methods of an object, in ms, and how many calls. */
interface Spent {
  ms: number;
  calls: number;
}

/** Replaces `names` on `obj` with wrappers that add their wall time to `into` (the self-test's time split). */
function timeMethods(rt: EspruinoRuntime, obj: object, names: string[], into: Spent): void {
  const o = obj as { [name: string]: unknown };
  for (let i = 0; i < names.length; i++) {
    const f = o[names[i]] as (...args: unknown[]) => unknown;
    if (typeof f !== 'function') continue;
    o[names[i]] = function (): unknown {
      const t = rt.getTime();
      into.calls++;
      try {
        return f.apply(obj, arguments as unknown as unknown[]);
      } finally {
        into.ms += (rt.getTime() - t) * 1000;
      }
    };
  }
}

function fail(why: string): void {
  console.log('SELFTEST FAIL ' + why);
}

function run(): Promise<void> {
  const rt = espruinoRuntime();
  // As createEspruinoBoard does for the device: text to bytes and back by the interpreter's own functions.
  useInterpreterText(rt);
  // Where the variables go: the loaded code and globals, then the simulator's objects, then the device's.
  const atStart = rt.memoryUsage();
  const d = SELFTEST;
  const clock = new EspruinoClock(rt);
  const crypto = espruinoCrypto(rt);
  const field = new RfField();
  const chip = new SimMfrc522({ clock: new VirtualClock(), field: field });
  let chipMs = 0;
  const spi = {
    transfer: function (tx: Uint8Array): Uint8Array {
      const t0 = rt.getTime();
      const rx = chip.transfer(tx);
      chipMs += (rt.getTime() - t0) * 1000;
      return rx;
    },
  };
  const made = selftestTags(d);
  const badge = made.badge;
  const tags = made.tags;
  let peak = rt.memoryUsage();
  const simulator = peak - atStart;
  // Where a tap's time goes: SHA-256 (the HMAC, the chain and queue hashes) and the Storage calls, besides the chip.
  const hashing: Spent = { ms: 0, calls: 0 };
  const storing: Spent = { ms: 0, calls: 0 };
  timeMethods(rt, crypto, ['sha256'], hashing);
  const storage = new EspruinoSegmentStorage(rt.storage, { prefix: 'st', segmentCount: 4, segmentSize: 8192 }, rt.toUint8Array);
  timeMethods(rt, storage, ['list', 'length', 'read', 'append', 'sync', 'erase', 'readState', 'writeState'], storing);
  let tapHashMs = 0;
  let tapHashCalls = 0;
  let tapStoreMs = 0;
  let tapStoreCalls = 0;
  return openMfrc522(spi, clock).then(function (opened) {
    const board: Board = {
      reader: opened.reader,
      clock: clock,
      crypto: crypto,
      signer: hmacSigner(crypto, hexLiteral(d.hmacKey)),
      storage: storage,
      uplink: new LoopbackUplink(rt, crypto.sha256, d.deviceId),
      led: { set: function () {} },
      buzzer: { play: function () {} },
      describe: function () {
        return { target: 'Espruino self-test', chip: opened.chip, parts: {} };
      },
    };
    const device = new Device(board, {
      config: { deviceId: d.deviceId, site: d.site, firmware: 'sealscan-espruino-selftest', dedupeWindowMs: 0, trust: { issuers: [{ name: d.issuer.name, publicKey: hexLiteral(d.issuer.publicKey) }], originalityKeys: [{ name: 'simulator', publicKey: hexLiteral(d.originalityKey) }] } },
      polling: 'manual',
    });
    device.start();
    const built = rt.memoryUsage();
    let tap = 0;
    let tapMs = 0;
    let scans = 0;
    // One tap per timer turn, as the poll loop's pause between polls would give: the sync worker runs in between.
    const taps = new Promise<void>(function (resolve, reject) {
      const next = function (): void {
        if (tap > d.taps) return resolve();
        const tag = tap === 0 ? badge : tags[(tap - 1) % tags.length];
        field.place(tag);
        const t0 = rt.getTime();
        const c0 = chipMs;
        const h0 = hashing.ms;
        const hc0 = hashing.calls;
        const s0 = storing.ms;
        const sc0 = storing.calls;
        let e;
        try {
          e = device.scanner.pollOnce();
        } catch (err) {
          return reject(err);
        }
        if (tap > 0) {
          tapMs += (rt.getTime() - t0) * 1000 - (chipMs - c0);
          tapHashMs += hashing.ms - h0;
          tapHashCalls += hashing.calls - hc0;
          tapStoreMs += storing.ms - s0;
          tapStoreCalls += storing.calls - sc0;
        }
        field.remove(tag);
        // The simulated chip logs every exchange for tests (its back door): simulator memory, not the device's.
        chip.resetStats();
        const u = rt.memoryUsage();
        if (u > peak) peak = u;
        if (!e) return reject(new Error('tap ' + tap + ' read nothing'));
        if (tap === 0 && e.kind !== 'login') return reject(new Error('the badge gave ' + e.kind));
        if (tap > 0) {
          if (e.kind !== 'scan') return reject(new Error('tap ' + tap + ' gave ' + e.kind));
          scans++;
        }
        tap++;
        rt.setTimeout(next, 0);
      };
      next();
    });
    return taps.then(function () {
      return new Promise<void>(function (resolve) {
        let waited = 0;
        const check = function (): void {
          const u = rt.memoryUsage();
          if (u > peak) peak = u;
          const q = device.queue.status();
          if (q.unacked === 0 || waited > 20000) {
            device.stop().then(function () {
              if (q.unacked !== 0) fail(q.unacked + ' records not synced after 20 s');
              else console.log('SELFTEST PASS ' + (q.nextSeq) + ' records, ' + scans + ' scans; peak ' + peak + ' variables (code and globals ' + atStart + ', simulator ' + simulator + ', device built ' + (built - atStart - simulator) + '); ' + (tapMs / d.taps).toFixed(1) + ' ms per tap (wall time in the interpreter, the simulated chip\'s own time excluded; of it SHA-256 ' + (tapHashMs / d.taps).toFixed(1) + ' ms in ' + (tapHashCalls / d.taps).toFixed(1) + ' calls, Storage ' + (tapStoreMs / d.taps).toFixed(1) + ' ms in ' + (tapStoreCalls / d.taps).toFixed(1) + ' calls)');
              resolve();
            });
            return;
          }
          waited += 100;
          rt.setTimeout(check, 100);
        };
        check();
      });
    });
  });
}

run().catch(function (e: unknown) {
  fail(String((e as Error).message || e));
});
