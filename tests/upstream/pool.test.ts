// The worker-thread signature pool gives the same verdicts as checks on the main thread: accepted chains, bad
// signatures, alg mismatches, HMAC devices (checked locally), through the whole ingest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ingest } from '../../upstream/ingest.js';
import { SignaturePool } from '../../upstream/signature-pool.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { crypto, ed25519Device, history, hmacDevice } from '../../sim/sweeps/fixtures.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');

test('pool verdicts equal local verdicts for a mixed request', async () => {
  const h = history(ed, 300);
  const m = history(mac, 20);
  const bad = h.map((r, i) => {
    if (i % 37 !== 5) return r;
    const c = r.slice();
    c[c.length - 2] ^= 0x10;
    return c;
  });
  const asMac = history(hmacDevice('scanner-0001'), 1);
  const request = [...bad, ...m, ...asMac];
  const answers = [];
  for (const pool of [undefined, new SignaturePool(2, crypto)]) {
    const store = new SqliteStore(':memory:');
    await store.register({ id: ed.id, alg: 'ed25519', key: ed.key.alg === -8 ? ed.key.publicKey : new Uint8Array() }, 0);
    await store.register({ id: mac.id, alg: 'hmac-sha256', key: mac.key.alg === 5 ? mac.key.hmacKey : new Uint8Array() }, 0);
    const ingest = new Ingest({ store, sha256: crypto, checker: pool, now: () => 0 });
    answers.push(await ingest.ingest(request));
    await pool?.close();
    await store.close();
  }
  assert.equal(answers[1], answers[0]);
  const d = answers[0].devices.get('scanner-0001')!;
  assert.is(d.ackedThrough, 4);
  assert.is(d.rejected.filter((r) => r.reason === 'bad-signature').length, 8);
  assert.is(d.rejected.filter((r) => r.reason === 'alg-mismatch').length, 1);
  assert.is(answers[0].devices.get('esp-0007')!.ackedThrough, 19);
});

test.run();
