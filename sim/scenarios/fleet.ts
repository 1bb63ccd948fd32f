// The closed loop over a day (issue 13, docs/closed-loop.md): a packaging station, a distributor, two pharmacies
// and a customs point, each with its scanners, syncing to one ingest on virtual time. Scanners are switched on for
// their shift and off between shifts, as handhelds are, which is also what keeps a day of virtual time quick.
import type { Step } from '../../firmware/records/kinds.js';
import type { Site } from '../../upstream/store.js';
import type { SimDevice } from '../device.js';
import type { Picc } from '../rf/air.js';
import { Ntag213TT } from '../tags/index.js';
import type { ScenarioLab } from './lab.js';
import type { Scenario } from './types.js';

const SITES = {
  plant: { id: 'plant-basel', name: 'Demo Pharma packaging, Basel', gln: '4000001000005', geo: { latitude: 47.56, longitude: 7.59 } },
  dist: { id: 'dist-frankfurt', name: 'Distributor, Frankfurt', geo: { latitude: 50.11, longitude: 8.68 } },
  zurich: { id: 'pharm-zurich', name: 'Pharmacy, Zurich', geo: { latitude: 47.37, longitude: 8.54 } },
  lisbon: { id: 'pharm-lisbon', name: 'Pharmacy, Lisbon', geo: { latitude: 38.72, longitude: -9.14 } },
  customs: { id: 'customs-basel-airport', name: 'Customs, EuroAirport', geo: { latitude: 47.6, longitude: 7.53 } },
} satisfies { [name: string]: Site };

const H = 3_600_000;
const link = (serial: string) => `https://id.gs1.org/01/09506000134352/21/${serial}`;

/** The alerts the day must raise, as `rule serial`, and nothing else. */
export const FLEET_DAY_ALERTS = [
  'scan-after-terminal DIV-1', // dispensed in Zurich, dispensed again in Lisbon: diverted
  'copied-seal FAKE-2', // its seal and link copied onto another tag, which turns up in Lisbon
  'bad-verdict FAKE-2', // the Lisbon scanner said INVALID SEAL
  'steps-out-of-order FAKE-2', // and the copy was received in Lisbon without being shipped there
  'bad-verdict TT-5', // the tamper loop opened on the way to Zurich: TAMPERED at receiving
];

export const fleetDay: Scenario = {
  name: 'fleet-day',
  title: 'A day in the closed loop: diversion, a copied seal, a tampered pack',
  summary: 'Five packages are sealed and commissioned in Basel, shipped to a distributor in Frankfurt, and on to two pharmacies and a customs point, each scanned at every hand-over by the scanner for that step. One pack is dispensed in Zurich and dispensed again in Lisbon, a copy of another one\'s seal turns up in Lisbon, and a pack arrives opened. The ingest follows every package across the eight devices and raises exactly the alerts those three stories call for, and none on the honest packages.',
  setup: { device: { id: 'station-basel', site: SITES.plant }, config: { step: 'shipping' } },
  async run(lab) {
    const station = lab.device;
    const scanner = (id: string, site: Site, step: Step) => lab.addDevice({ id, site, step });
    const distIn = await scanner('dist-in-1', SITES.dist, 'receiving');
    const distOut = await scanner('dist-out-1', SITES.dist, 'shipping');
    const zurichIn = await scanner('zurich-in-1', SITES.zurich, 'receiving');
    const zurichCounter = await scanner('zurich-counter-1', SITES.zurich, 'dispensing');
    const lisbonIn = await scanner('lisbon-in-1', SITES.lisbon, 'receiving');
    const lisbonCounter = await scanner('lisbon-counter-1', SITES.lisbon, 'dispensing');
    const customs = await scanner('customs-1', SITES.customs, 'exporting');

    /** One shift: the scanner is switched on, the inspector logs in, taps each package, syncs, switches off. */
    let inspectors = 0;
    const shift = async (on: SimDevice, what: string, taps: Array<[Picc, string]>) => {
      lab.step(what);
      await lab.boot(on);
      await lab.login(`INSP-${String(++inspectors).padStart(3, '0')}`, on);
      const seen: Array<{ name: string; verdict?: string }> = [];
      for (const [tag, name] of taps) {
        const t = await lab.tap(tag, `${on.config.deviceId} taps ${name}`, on);
        seen.push({ name, verdict: t?.verdict });
      }
      lab.check(`${on.config.deviceId}: every record synced before it is switched off`, await lab.synced(60_000, on));
      await lab.switchOff(on);
      return seen;
    };
    const verdicts = (seen: Array<{ name: string; verdict?: string }>) => seen.map((s) => `${s.name} ${s.verdict ?? 'no reaction'}`).join(', ');

    // 08:00 Basel: seal, commission, ship.
    lab.step('08:00 The packaging line in Basel starts');
    await lab.boot(station);
    const div = await lab.commission(station, link('DIV-1'));
    const fake = await lab.commission(station, link('FAKE-2'));
    const lis = await lab.commission(station, link('LIS-3'));
    const exp = await lab.commission(station, link('EXP-4'));
    const tt = await lab.commission(station, link('TT-5'), 'ntag213tt');
    if (!(tt instanceof Ntag213TT)) throw new Error('expected an NTAG213 TT');
    const all: Array<[Picc, string]> = [[div, 'DIV-1'], [fake, 'FAKE-2'], [lis, 'LIS-3'], [exp, 'EXP-4'], [tt, 'TT-5']];
    await lab.wait(20 * 60_000);
    const shipped = await shift(station, '08:20 The station\'s scanner ships the five packs to Frankfurt', all);
    lab.check('Basel ships five genuine packs', shipped.every((s) => s.verdict === 'genuine'), verdicts(shipped));

    await lab.wait(2.5 * H);
    const received = await shift(distIn, '11:00 Frankfurt receives them', all);
    lab.check('Frankfurt receives five genuine packs', received.every((s) => s.verdict === 'genuine'), verdicts(received));
    await lab.wait(2 * H);
    const out = await shift(distOut, '13:00 Frankfurt ships DIV-1, FAKE-2 and TT-5 to Zurich, LIS-3 to Lisbon, EXP-4 to customs', all);
    lab.check('Frankfurt ships five genuine packs', out.every((s) => s.verdict === 'genuine'), verdicts(out));
    lab.step('On the lorry to Zurich, TT-5 is opened: its tamper wire is cut');
    tt.openTamperLoop();

    await lab.wait(2.5 * H);
    const zurich = await shift(zurichIn, '15:30 Zurich receives DIV-1, FAKE-2 and TT-5', [[div, 'DIV-1'], [fake, 'FAKE-2'], [tt, 'TT-5']]);
    lab.check('Zurich: DIV-1 and FAKE-2 genuine, TT-5 TAMPERED', verdicts(zurich) === 'DIV-1 genuine, FAKE-2 genuine, TT-5 tampered', verdicts(zurich));
    const customsDay = await shift(customs, '15:45 Customs at the EuroAirport clears EXP-4 for export', [[exp, 'EXP-4']]);
    lab.check('customs: EXP-4 genuine', customsDay[0]?.verdict === 'genuine', verdicts(customsDay));
    await lab.wait(30 * 60_000);
    const counter = await shift(zurichCounter, '16:30 The Zurich counter dispenses DIV-1', [[div, 'DIV-1']]);
    lab.check('Zurich dispenses DIV-1: genuine', counter[0]?.verdict === 'genuine', verdicts(counter));

    lab.step('Someone copies FAKE-2\'s seal and link onto a blank tag of the same type');
    const copy = lab.clone(fake, 'copy-seal');
    await lab.wait(1.5 * H);
    const lisbon = await shift(lisbonIn, '18:00 Lisbon receives LIS-3, and a package carrying the copy of FAKE-2', [[lis, 'LIS-3'], [copy, 'the copy of FAKE-2']]);
    lab.check('Lisbon: LIS-3 genuine, the copy INVALID SEAL', verdicts(lisbon) === 'LIS-3 genuine, the copy of FAKE-2 invalid-seal', verdicts(lisbon));
    await lab.wait(2 * H);
    const lisbonCounterDay = await shift(lisbonCounter, '20:00 The Lisbon counter dispenses LIS-3, and DIV-1, brought back from Zurich', [[lis, 'LIS-3'], [div, 'DIV-1']]);
    lab.check('Lisbon dispenses both: each tag is genuine, which is why only the loop can see the diversion', lisbonCounterDay.every((s) => s.verdict === 'genuine'), verdicts(lisbonCounterDay));

    await checkAlerts(lab);
  },
};

/** Each expected alert fired (with its evidence), and no other. */
async function checkAlerts(lab: ScenarioLab): Promise<void> {
  const alerts = await lab.alerts();
  const serial = (pkg: string) => pkg.slice(pkg.lastIndexOf('/') + 1);
  const found = alerts.map((a) => `${a.rule} ${serial(a.package)}`);
  for (const a of alerts) lab.line('ingest', `alert ${a.severity} ${a.rule}: ${a.message} [evidence ${a.evidence.map((e) => `${e.device}#${e.seq}`).join(', ')}]`);
  for (const want of FLEET_DAY_ALERTS) {
    const hit = alerts.find((a) => `${a.rule} ${serial(a.package)}` === want);
    lab.check(`alert: ${want}`, !!hit && hit.evidence.length > 0, hit ? 'no evidence' : `not raised (raised: ${found.join('; ') || 'none'})`);
  }
  const extra = found.filter((f) => !FLEET_DAY_ALERTS.includes(f));
  lab.check('no other alert: the honest packages LIS-3 and EXP-4 and every device chain are quiet', extra.length === 0, extra.join('; '));
}
