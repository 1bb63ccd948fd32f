// The closed-loop rules as pure functions of one package's events: the verdict rule and the two-seals rule each
// fire on their case, with evidence by device and seq, and stay quiet on the honest story and on its neighbours.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluatePackage, type RuleOptions } from '../../upstream/rules.js';
import type { PackageEvent } from '../../upstream/packages.js';

const PKG = 'https://id.gs1.org/01/09506000134352/21/R1';
const T0 = Date.UTC(2026, 11, 1, 8);
const H = 3_600_000;
const noGeo: RuleOptions = { site: () => undefined };
let seq = 0;
const ev = (o: Partial<PackageEvent>): PackageEvent => ({
  device: 'd-1', seq: seq++, package: PKG, uid: '04aabbccddeeff', sealHash: 'aa'.repeat(32), kind: 'scan', step: 'inspecting', site: 'site-a', time: T0, verdict: 'genuine', ...o,
});
const rules = (events: PackageEvent[]) => evaluatePackage(events, noGeo).map((a) => `${a.rule}/${a.severity}`);

const honest = () => [
  ev({ kind: 'commission', step: 'commissioning', verdict: null, device: 'station', time: T0 }),
  ev({ step: 'shipping', time: T0 + H }),
  ev({ step: 'receiving', time: T0 + 5 * H }),
  ev({ step: 'dispensing', time: T0 + 6 * H }),
];

test('the honest story raises nothing', () => {
  assert.equal(rules(honest()), []);
});

test('bad-verdict: one alert per verdict, invalid-seal and clone-suspect critical, tampered high, every such scan as evidence', () => {
  const events = [
    ...honest().slice(0, 2),
    ev({ verdict: 'tampered', time: T0 + 2 * H, device: 'd-2', seq: 40 }),
    ev({ verdict: 'tampered', time: T0 + 3 * H, device: 'd-3', seq: 41 }),
    ev({ verdict: 'clone-suspect', time: T0 + 4 * H, device: 'd-2', seq: 42 }),
    ev({ verdict: 'unknown', time: T0 + 4.5 * H }),
  ];
  const alerts = evaluatePackage(events, noGeo);
  assert.equal(alerts.map((a) => `${a.rule}/${a.severity}`), ['bad-verdict/critical', 'bad-verdict/high']);
  assert.equal(alerts[1].evidence, [{ device: 'd-2', seq: 40 }, { device: 'd-3', seq: 41 }]);
  assert.match(alerts[1].message, /2 scan\(s\) judged tampered \(first at site-a\)/);
  assert.equal(rules([...honest(), ev({ verdict: 'invalid-seal', time: T0 + 7 * H, step: 'dispensing' })]).filter((r) => r.startsWith('bad-verdict')), ['bad-verdict/critical']);
  assert.equal(rules([...honest().slice(0, 3), ev({ verdict: 'unreadable', time: T0 + 6 * H })]), [], 'unknown and unreadable raise nothing');
});

test('uid-two-seals: one UID with a seal no station wrote; quiet when every seal was commissioned (a reseal at the station)', () => {
  const other = 'bb'.repeat(32);
  const resealedOutside = [...honest().slice(0, 3), ev({ sealHash: other, time: T0 + 6 * H, device: 'd-9', seq: 90 })];
  const alerts = evaluatePackage(resealedOutside, noGeo);
  assert.equal(alerts.map((a) => a.rule), ['uid-two-seals']);
  assert.equal(alerts[0].evidence, [{ device: 'station', seq: resealedOutside[0].seq }, { device: 'd-9', seq: 90 }]);
  const resealedAtStation = [...honest().slice(0, 2), ev({ kind: 'commission', step: 'commissioning', verdict: null, device: 'station', sealHash: other, time: T0 + 2 * H }), ev({ sealHash: other, step: 'receiving', time: T0 + 5 * H })];
  assert.equal(rules(resealedAtStation), []);
  // Two different UIDs with their own seals are not this rule's business (copied-seal looks at one seal on two UIDs).
  assert.equal(rules([...honest().slice(0, 3), ev({ uid: '04111111111111', sealHash: other, time: T0 + 6 * H })]).filter((r) => r.startsWith('uid-two-seals')), []);
});

test('steps-out-of-order: received without shipping, dispensed without receiving at that site; quiet on the honest trip and after a terminal step', () => {
  const trip = () => [
    ev({ kind: 'commission', step: 'commissioning', verdict: null, device: 'station', site: 'plant', time: T0 }),
    ev({ step: 'shipping', site: 'plant', time: T0 + H }),
    ev({ step: 'receiving', site: 'dist', time: T0 + 2 * H }),
    ev({ step: 'inspecting', site: 'dist', time: T0 + 3 * H }),
    ev({ step: 'shipping', site: 'dist', time: T0 + 4 * H }),
    ev({ step: 'receiving', site: 'pharm', time: T0 + 5 * H }),
    ev({ step: 'inspecting', site: 'pharm', time: T0 + 5.5 * H }),
    ev({ step: 'dispensing', site: 'pharm', time: T0 + 6 * H }),
  ];
  assert.equal(rules(trip()), [], 'the honest trip');
  const skipped = trip().filter((e) => !(e.step === 'shipping' && e.site === 'dist'));
  const a = evaluatePackage(skipped, noGeo);
  assert.equal(a.map((x) => x.rule), ['steps-out-of-order']);
  assert.equal(a[0].evidence, [{ device: 'd-1', seq: skipped[3].seq }, { device: 'd-1', seq: skipped[4].seq }], 'the last event at dist, then the receiving at pharm');
  const unreceived = trip().filter((e) => !(e.step === 'receiving' && e.site === 'pharm'));
  assert.equal(evaluatePackage(unreceived, noGeo).map((x) => x.message.replace(PKG + ' ', '')), ['was dispensed at pharm without being received there (last seen: shipping at dist)']);
  // Received at the pharmacy long ago, then elsewhere, then dispensed back at the pharmacy without a new receiving.
  const back = [...trip().slice(0, 6), ev({ step: 'shipping', site: 'pharm', time: T0 + 7 * H }), ev({ step: 'receiving', site: 'dist', time: T0 + 8 * H }), ev({ step: 'dispensing', site: 'dist', time: T0 + 9 * H }), ev({ step: 'dispensing', site: 'pharm', time: T0 + 10 * H })];
  assert.equal(rules(back).filter((r) => r.startsWith('steps')), [], 'what follows the first terminal step is scan-after-terminal\'s');
  assert.ok(rules(back).includes('scan-after-terminal/high'));
  // A package first seen at a receiving (nothing before it) is never-commissioned's case, not this rule's.
  assert.equal(rules([ev({ step: 'receiving', site: 'pharm', time: T0 })]), ['never-commissioned/medium']);
});

test('the same events in any order give the same alerts', () => {
  const events = [...honest(), ev({ verdict: 'tampered', time: T0 + 7 * H }), ev({ sealHash: 'cc'.repeat(32), time: T0 + 8 * H })];
  const a = JSON.stringify(evaluatePackage(events, noGeo));
  assert.is(JSON.stringify(evaluatePackage(events.slice().reverse(), noGeo)), a);
});

test.run();
