// The CBV 2.0 hash eventID against epcis2.js (the reference implementation of the EPCIS event hash algorithm) on
// random scan records: whenever we give a CBV eventID it is the one epcis2.js computes; values we cannot
// canonicalise exactly make us fall back to the record's ni: name, and that fallback stays rare.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, T0 } from '../../sim/sweeps/fixtures.js';
import { epcisDocument, recordNi, scanEvent } from '../../upstream/epcis.js';
import { cbvEventId } from '../../upstream/cbv-hash.js';
import type { DeviceRow } from '../../upstream/store.js';
import type { ScanEvidence } from '../../firmware/records/kinds.js';

const epcis = createRequire(import.meta.url)('epcis2.js') as { eventToHashedId(event: unknown, context: unknown): string };
const dev = ed25519Device('scanner.0001');
const code = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}$/);
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('badge-0042', ' spaced ', '00042', '12.50', 'https://x.example/01/09506000134352/21/A', 'May 5 2020 at the depot', '4012345000009'));
const link = fc.oneof(
  fc.constant(undefined),
  fc.stringMatching(/^[A-Za-z0-9]{1,12}$/).map((s) => `https://id.example.org/01/09506000134352/21/${s}`),
  fc.constantFrom('https://a.example/01/09506000134352/10/L1/21/A%2F1?17=270101', 'https://a.example/01/09506000134352', 'not a link', 'https://a.example/01/09506000134353/21/X'),
);

const evidence: fc.Arbitrary<ScanEvidence> = fc.record({
  uid: fc.constantFrom(4, 7, 10).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  tagType: code,
  seal: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
  digitalLink: link,
  originality: fc.constantFrom('valid', 'invalid', 'unreadable', 'not-supported'),
  tamper: fc.constantFrom('closed', 'open', 'unreadable', 'no-loop'),
  verdict: fc.constantFrom('genuine', 'tampered', 'clone-suspect', 'invalid-seal', 'unknown', 'unreadable'),
  reasons: fc.array(code, { maxLength: 4 }),
  inspector: text,
  site: text,
}, { requiredKeys: ['uid', 'tagType', 'originality', 'tamper', 'verdict', 'reasons', 'inspector', 'site'] }) as fc.Arbitrary<ScanEvidence>;

const registered = fc.option(fc.record({ id: text, gln: fc.constantFrom('4012345000009', undefined), geo: fc.option(fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }), { nil: undefined }) }), { nil: undefined });

test('every CBV eventID we give equals the one epcis2.js computes; the fallback is the record name', () => {
  let cbv = 0;
  let fallback = 0;
  fc.assert(
    fc.property(evidence, registered, fc.nat({ max: 1e9 }), (e, site, dt) => {
      const r = RecordChain.start(dev.signer, crypto, dev.id, 1).append({ kind: 'scan', ...e }, T0 + dt);
      const stored = { device: dev.id, seq: 0, hash: Buffer.from(r.hash).toString('hex'), prev: '', boot: 1, kind: 'scan', time: T0, lost: [], faultReason: '', bytes: r.bytes, receivedAt: T0 };
      const device = { id: dev.id, alg: 'ed25519', key: new Uint8Array(32), registeredAt: 0, ackedThrough: -1, ackedHash: null, ackedBoot: 0, lastSeenAt: null, site: site && { ...site, id: site.id } } as DeviceRow;
      const ev = scanEvent(stored, device)!;
      const { eventID, ...rest } = ev;
      if ((eventID as string).endsWith('?ver=CBV2.0')) {
        cbv++;
        const context = epcisDocument([], new Date())['@context'];
        assert.is(eventID, epcis.eventToHashedId(rest, context), JSON.stringify(rest));
      } else {
        fallback++;
        assert.is(eventID, recordNi(stored.hash));
      }
    }),
    { numRuns: 400, seed: 42 },
  );
  assert.ok(cbv > 200 && fallback > 20, `both paths taken: ${cbv} CBV eventIDs, ${fallback} fallbacks`);
});

test('values the reference would rewrite are not guessed at: an http string in an extension field, a date-like text', () => {
  const base = { type: 'ObjectEvent', eventTime: '2026-11-28T09:30:00.000Z', eventTimeZoneOffset: '+00:00', epcList: ['urn:x'], action: 'OBSERVE' };
  assert.is(cbvEventId({ ...base, 'sealscan:site': 'https://a.example/01/09506000134352/21/A' }, { sealscan: 'urn:sealscan:epcis:' }), undefined);
  assert.is(cbvEventId({ ...base, 'sealscan:site': 'Tuesday, May 5 2020 10:00' }, { sealscan: 'urn:sealscan:epcis:' }), undefined);
  assert.is(cbvEventId({ ...base, 'other:x': 1 }, { sealscan: 'urn:sealscan:epcis:' }), undefined, 'undeclared prefix');
  assert.is(cbvEventId({ ...base, 'sealscan:n': 7 }, { sealscan: 'urn:sealscan:epcis:' }), epcis.eventToHashedId({ ...base, 'sealscan:n': 7 }, { sealscan: 'urn:sealscan:epcis:' }));
});

test.run();
