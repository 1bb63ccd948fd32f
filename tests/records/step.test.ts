// Payload key 19 (the scan's step) and the commission kind: what a scanner at a dispensing site writes, what old
// records without the key mean, what the parser refuses, and how EPCIS names each step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePayload, encodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';
import { encodeCbor, decodeCbor, CborMap } from '../../firmware/records/cbor.js';
import { RecordError } from '../../firmware/records/errors.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import { resolveConfig, ConfigError } from '../../firmware/app/config.js';
import { STEPS, type RecordPayload } from '../../firmware/records/kinds.js';
import { scanCbv } from '../../upstream/epcis.js';
import { examples } from './doc-examples.js';
import { ed25519Device, crypto } from '../../sim/sweeps/fixtures.js';
import { device, badge, tapOnce, queued, sealed, verify } from '../helpers/device.js';
import { Ntag213 } from '../../sim/tags/index.js';

const byKind = (k: string) => examples().find((e) => e.kind === k)!.record;

test('a scan made before key 19 (the doc example) still decodes and verifies, with no step', () => {
  const old = byKind('scan');
  const p = decodePayload(parseCose(old.bytes).payload);
  assert.is(p.kind, 'scan');
  assert.is((p as { step?: string }).step, undefined);
  const ed = ed25519Device('scanner-0001');
  const all = examples().filter((e) => e.record.payload.device === 'scanner-0001').map((e) => e.record.bytes);
  const report = verifyRecords(all, (id) => (id === 'scanner-0001' ? ed.key : undefined), crypto);
  assert.ok(report.ok, JSON.stringify(report.devices));
});

test('key 19 round-trips every step; an unknown step is refused naming the key', () => {
  const p = decodePayload(parseCose(byKind('scan-step').bytes).payload) as RecordPayload & { step?: string };
  assert.is(p.step, 'dispensing');
  for (const step of STEPS) {
    const again = decodePayload(encodePayload({ ...p, step } as RecordPayload)) as RecordPayload & { step?: string };
    assert.is(again.step, step);
  }
  const m = decodeCbor(parseCose(byKind('scan-step').bytes).payload) as CborMap;
  m.set(19, 'smuggling');
  assert.throws(() => decodePayload(encodeCbor(m)), (e: unknown) => e instanceof RecordError && /key 19 \(step\)/.test(e.message));
  // Key 19 belongs to scans only.
  const boot = decodeCbor(parseCose(examples()[0].record.bytes).payload) as CborMap;
  boot.set(19, 'inspecting');
  assert.throws(() => decodePayload(encodeCbor(boot)), /key 19 is not defined for kind boot/);
});

test('a commission record carries UID, link, seal hash and issuer key id; each is checked', () => {
  const p = decodePayload(parseCose(byKind('commission').bytes).payload);
  assert.is(p.kind, 'commission');
  if (p.kind !== 'commission') return;
  assert.is(p.sealHash.length, 32);
  assert.is(p.issuerKeyId.length, 4);
  assert.throws(() => encodePayload({ ...p, issuerKeyId: new Uint8Array(5) }), /key 51 \(issuerKeyId\)/);
  const { sealHash: _drop, ...missing } = p;
  assert.throws(() => encodePayload(missing as unknown as RecordPayload), /key 50 \(sealHash\) is missing/);
});

test('the scanner writes its configured step, inspecting by default; a bad step is a config error', async () => {
  assert.is(resolveConfig({ deviceId: 'd', site: 's', firmware: 'f', trust: { issuers: [] } }).step, 'inspecting');
  assert.throws(() => resolveConfig({ deviceId: 'd', site: 's', firmware: 'f', trust: { issuers: [] }, step: 'selling' as never }), (e: unknown) => e instanceof ConfigError && e.field === 'step');
  for (const step of [undefined, 'receiving'] as const) {
    const d = await device({ config: step ? { step } : {} });
    d.scanner.start();
    await tapOnce(d, badge('INSP-1'));
    await tapOnce(d, await sealed(new Ntag213()));
    const records = queued(d.queue);
    const scan = records.map((r) => decodePayload(parseCose(r).payload)).find((x) => x.kind === 'scan') as { step?: string };
    assert.is(scan.step, step ?? 'inspecting');
    assert.ok(verify(records).ok);
  }
});

test('steps a scanner may switch to: default only its step; each checked by name, none twice, the starting step included', () => {
  const base = { deviceId: 'd', site: 's', firmware: 'f', trust: { issuers: [] } };
  assert.equal(resolveConfig({ ...base, step: 'shipping' }).steps, ['shipping']);
  assert.equal(resolveConfig({ ...base, step: 'receiving', steps: ['receiving', 'dispensing'] }).steps, ['receiving', 'dispensing']);
  const field = (c: object) => {
    try {
      resolveConfig({ ...base, ...c });
    } catch (e) {
      return e instanceof ConfigError ? `${e.field}: ${e.message}` : String(e);
    }
    return 'accepted';
  };
  assert.match(field({ steps: [] }), /^steps: steps: must list at least one step/);
  assert.match(field({ steps: ['inspecting', 'selling'] }), /^steps\[1\]: .*must be one of receiving/);
  assert.match(field({ steps: ['inspecting', 'inspecting'] }), /^steps\[1\]: .*inspecting is listed twice/);
  assert.match(field({ step: 'shipping', steps: ['receiving'] }), /^steps: .*must include the starting step shipping/);
});

test('EPCIS: each step has its CBV 2.0 bizStep and disposition; a bad verdict is non_conformant except when destroyed', () => {
  assert.equal(scanCbv(undefined, 'genuine'), { bizStep: 'inspecting', disposition: 'conformant' });
  assert.equal(scanCbv('receiving', 'genuine'), { bizStep: 'receiving', disposition: 'in_progress' });
  assert.equal(scanCbv('shipping', 'genuine'), { bizStep: 'shipping', disposition: 'in_transit' });
  assert.equal(scanCbv('dispensing', 'genuine'), { bizStep: 'dispensing', disposition: 'dispensed' });
  assert.equal(scanCbv('exporting', 'genuine'), { bizStep: 'departing', disposition: 'in_transit' });
  assert.equal(scanCbv('destroying', 'tampered'), { bizStep: 'destroying', disposition: 'destroyed' });
  assert.equal(scanCbv('dispensing', 'clone-suspect'), { bizStep: 'dispensing', disposition: 'non_conformant' });
});

test.run();
