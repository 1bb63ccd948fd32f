// Ed25519 checks on worker threads, so that verification (the largest cost per record) runs beside parsing, the
// chain rules and SQLite on the main thread. HMAC checks and alg mismatches stay here: they cost next to nothing.
import { Worker } from 'node:worker_threads';
import { toBeSigned } from '../firmware/records/cose.js';
import type { Sha256 } from '../hal/crypto.js';
import { checkOne, type CheckResult, type SignatureCheck, type SignatureChecker } from './signature-check.js';
import type { PoolJob } from './signature-worker.js';

interface Pending {
  resolve: (ok: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** A pool of `size` worker threads; a request's Ed25519 checks are split evenly across them. */
export class SignaturePool implements SignatureChecker {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private next = 0;

  constructor(
    readonly size: number,
    private readonly sha256: Sha256,
  ) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./signature-worker.js', import.meta.url));
      w.on('message', (m: { id: number; ok: Uint8Array }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.hold();
        p?.resolve(m.ok);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        this.hold();
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Workers keep the process alive only while a check is out: an idle pool must not, a waiting caller must. */
  private hold(): void {
    for (const w of this.workers) {
      if (this.pending.size) w.ref();
      else w.unref();
    }
  }

  private run(job: Omit<PoolJob, 'id'>): Promise<Uint8Array> {
    const id = this.nextId++;
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold();
      w.postMessage({ id, ...job });
    });
  }

  async check(items: SignatureCheck[]): Promise<CheckResult[]> {
    const out: CheckResult[] = new Array(items.length);
    const remote: number[] = [];
    items.forEach((it, i) => {
      if (it.key.alg === -8 && it.msg.alg === -8) remote.push(i);
      else out[i] = checkOne(it, this.sha256);
    });
    if (!remote.length) return out;
    const per = Math.ceil(remote.length / this.workers.length);
    const jobs: Array<Promise<void>> = [];
    for (let start = 0; start < remote.length; start += per) {
      const idx = remote.slice(start, start + per);
      const job = { publicKeys: [] as Uint8Array[], tbs: [] as Uint8Array[], signatures: [] as Uint8Array[] };
      for (const i of idx) {
        const { msg, key } = items[i];
        // Copies: a view would make postMessage clone the whole request body it points into.
        job.publicKeys.push(key.alg === -8 ? key.publicKey.slice() : new Uint8Array(0));
        job.tbs.push(toBeSigned(msg.alg, msg.protectedBytes, msg.payload));
        job.signatures.push(msg.signature.slice());
      }
      jobs.push(this.run(job).then((ok) => idx.forEach((i, k) => (out[i] = ok[k] ? 'ok' : 'bad'))));
    }
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
