// The promises of store and forward, checked against the ledger after every power cut (on what recovery found,
// before the new boot writes anything) and at the end of a pass (after sync drained).
import * as assert from './check.js';
import { decodeCbor } from '../../firmware/records/cbor.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import { collectExport } from '../../upstream/export.js';
import { deviceStatus } from '../../upstream/status.js';
import type { Queue } from '../../firmware/queue/queue.js';
import { crypto } from './fixtures.js';
import { sameBytes } from './ledger.js';
import { SWEEP_DEVICE, type SimSystem } from './system.js';

export interface FinalFigures {
  records: number;
  declaredLost: number;
  faults: number;
}

const ID = SWEEP_DEVICE.id;

export class Checker {
  /** Records the ingest has accepted so far (they never change, so only new ones are fetched). */
  private readonly ingested = new Map<number, Uint8Array>();
  private ingestTop = -1;

  constructor(private readonly sys: SimSystem) {}

  private async fetchIngest(): Promise<void> {
    for (;;) {
      const batch = await this.sys.store.records(ID, this.ingestTop + 1, 1000);
      for (const r of batch) {
        assert.ok(this.sys.ledger.writtenAs(r.seq, r.bytes), `the ingest holds seq ${r.seq} with bytes no boot wrote`);
        this.ingested.set(r.seq, r.bytes);
        this.ingestTop = r.seq;
      }
      if (batch.length < 1000) return;
    }
  }

  /** The ingest's view of the device: an intact chain, nothing held, forked or refused. */
  private async ingestIntact(where: string): Promise<number> {
    const row = await this.sys.store.device(ID);
    assert.ok(row, 'the device is registered');
    const st = deviceStatus(row!, await this.sys.store.counts(ID));
    const what = `${where}: ingest chain ${st.chain}, held ${st.held}, forks ${JSON.stringify(st.forks)}, undeclared ${JSON.stringify(st.gaps.undeclared)}, rejects ${JSON.stringify(st.rejectReasons)}`;
    assert.ok((st.chain === 'intact' || st.chain === 'empty') && st.held === 0 && st.forks.length === 0 && st.rejects === 0, what);
    return st.ackedThrough;
  }

  /** Right after recovery of boot `number`: nothing told is lost, nothing corrupt surfaces, boots only grow. */
  async afterRecovery(where: string, b: { number: number; queue: Queue }): Promise<void> {
    const ledger = this.sys.ledger;
    assert.equal(ledger.violations, [], where);
    const onDevice = new Map<number, Uint8Array>();
    let newest = -1;
    for (const e of b.queue.read({ maxCount: 1e9, maxBytes: 1e12 })) {
      const a = ledger.writtenAs(e.seq, e.record);
      assert.ok(a, `${where}: the queue surfaced seq ${e.seq} with bytes no boot wrote`);
      newest = Math.max(newest, a!.boot);
      onDevice.set(e.seq, e.record);
    }
    await this.fetchIngest();
    // Boot counts never go down along the seqs, so the newest stored record has the highest.
    if (this.ingestTop >= 0) newest = Math.max(newest, ledger.writtenAs(this.ingestTop, this.ingested.get(this.ingestTop)!)!.boot);
    for (const [seq, bytes] of ledger.told) {
      const kept = onDevice.get(seq) ?? this.ingested.get(seq);
      assert.ok(kept, `${where}: told seq ${seq} is neither on the device nor at the ingest`);
      assert.ok(sameBytes(kept!, bytes), `${where}: told seq ${seq} changed`);
    }
    const last = ledger.boots.length ? ledger.boots[ledger.boots.length - 1] : -1;
    assert.ok(b.number > newest && b.number >= last, `${where}: boot ${b.number} after boot ${last}, surviving records from boot ${newest}`);
    await this.ingestIntact(where);
  }

  /** After the workload and a drained sync: the ingest holds every told record and a chain with declared gaps only. */
  async final(b: { queue: Queue }): Promise<FinalFigures> {
    const ledger = this.sys.ledger;
    assert.equal(ledger.violations, [], 'final');
    const q = b.queue.status();
    assert.is(q.unacked, 0, 'sync drained the queue');
    const acked = await this.ingestIntact('final');
    assert.is(acked, q.nextSeq - 1, 'the ingest acknowledged every seq the device used');
    await this.fetchIngest();
    const records = decodeCbor(await collectExport(this.sys.store, 'cose', ID)) as Uint8Array[];
    const report = verifyRecords(records, (id) => (id === ID ? SWEEP_DEVICE.key : undefined), crypto);
    const dev = report.devices[0];
    const summary = JSON.stringify({ firstBreak: dev?.firstBreak, undeclared: dev?.undeclaredGaps, forks: dev?.forks.length, truncations: dev?.truncations, malformed: report.malformed });
    assert.ok(report.ok && dev.chainIntact && dev.verified === records.length, `export verifies: ${summary}`);
    assert.ok(!dev.forks.length && !dev.undeclaredGaps.length && !dev.truncations.length && !dev.declaredButPresent.length, summary);
    const declared = new Set<number>();
    for (const g of dev.declaredGaps) for (let s = g.first; s <= g.last; s++) declared.add(s);
    for (let s = 0; s < q.nextSeq; s++) assert.ok(this.ingested.has(s) !== declared.has(s), `seq ${s} is exactly one of stored, declared lost`);
    assert.is(this.ingested.size, records.length, 'every record the ingest holds was counted once');
    for (const [seq, bytes] of ledger.told) assert.ok(sameBytes(this.ingested.get(seq) ?? new Uint8Array(0), bytes), `told seq ${seq} reached the ingest intact`);
    return { records: records.length, declaredLost: declared.size, faults: new Set(dev.declaredGaps.map((g) => g.faultSeq)).size };
  }
}
