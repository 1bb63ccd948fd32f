// Scenarios of the everyday tap: a genuine package, counterfeits, and an opened seal.
import type { Scenario } from './types.js';
import { Ntag213TT } from '../tags/index.js';

export const tapSealed: Scenario = {
  name: 'tap-sealed',
  title: 'Tap a sealed package',
  summary: 'An inspector logs in with a badge and taps a package sealed at the packaging station: GENUINE, green, one short beep. Tapped again at once, it reads the same and says so again, marked as already scanned, without a second record. The records reach the ingest and are acknowledged.',
  async run(lab) {
    const tag = await lab.sealed('ntag213');
    await lab.boot();
    const login = await lab.login('INSP-007');
    lab.check('the badge logs the inspector in', login?.kind === 'login');
    const t = await lab.tap(tag);
    lab.check('the scanner says GENUINE with the product on the display', t?.verdict === 'genuine' && /GTIN 09506000134352 SN A1B2C3/.test(t.detail), JSON.stringify(t));
    lab.check('green LED and one short beep', t?.led === 'green' && JSON.stringify(t.beep) === '[120]');
    const again = await lab.tap(tag, 'Inspector taps the same package again at once');
    lab.check(
      'the same reading again: GENUINE, green, one short beep, marked as already scanned, no second record',
      again?.kind === 'repeat' && again.verdict === 'genuine' && again.led === 'green' && JSON.stringify(again.beep) === '[120]' && again.detail === '(already scanned) ' + t?.detail && again.seq === undefined,
      JSON.stringify(again),
    );
    lab.check('every record is synced and acknowledged', await lab.synced(30000));
    const s = await lab.checkIngestChain();
    lab.check('the ingest holds boot, login and scan', s.records === 3 && s.ackedThrough === 2, `records ${s.records}, acked ${s.ackedThrough}`);
  },
};

export const counterfeits: Scenario = {
  name: 'tap-clone',
  title: 'Counterfeits: a cloned tag and a copied seal',
  summary: 'A "magic" clone copies UID and memory but cannot produce NXP\'s originality signature: CLONE SUSPECT, even when tapped right after its original. A seal copied onto another genuine tag no longer matches that tag\'s UID: INVALID SEAL. Both are red, recorded with their reasons.',
  async run(lab) {
    const original = await lab.sealed('ntag213');
    const magic = lab.clone(original, 'magic');
    const copied = lab.clone(original, 'copy-seal');
    await lab.boot();
    await lab.login();
    const a = await lab.tap(original, 'Inspector taps the genuine package');
    lab.check('the original is GENUINE', a?.verdict === 'genuine');
    const b = await lab.tap(magic, 'Right after, inspector taps a package carrying a magic clone of that tag (same UID)');
    lab.check('the magic clone is read and judged although its UID was just scanned: CLONE SUSPECT, red', b?.verdict === 'clone-suspect' && b.led === 'red', JSON.stringify(b));
    lab.check('the clone has a record of its own', b?.kind === 'scan' && b.seq !== undefined && b.seq !== a?.seq, JSON.stringify(b));
    const c = await lab.tap(copied, 'Inspector taps a package whose seal was copied onto another tag');
    lab.check('the copied seal is INVALID SEAL, red', c?.verdict === 'invalid-seal' && c.led === 'red', JSON.stringify(c));
    lab.check('the reasons are recorded', !!b?.reasons?.length && !!c?.reasons?.length);
    lab.check('everything is synced', await lab.synced(30000));
    await lab.checkIngestChain();
  },
};

export const tamperedSeal: Scenario = {
  name: 'tampered-seal',
  title: 'An opened tamper loop',
  summary: 'An NTAG213 TT seal is genuine while its wire is intact. Once the package is opened the scanner says TAMPERED, and it keeps saying so after the wire is twisted back together: the tag remembers.',
  async run(lab) {
    const tag = await lab.sealed('ntag213tt');
    if (!(tag instanceof Ntag213TT)) throw new Error('expected an NTAG213 TT');
    await lab.boot();
    await lab.login();
    const a = await lab.tap(tag);
    lab.check('intact: GENUINE', a?.verdict === 'genuine');
    await lab.wait(2500);
    lab.step('Someone cuts the seal\'s wire and opens the package');
    tag.openTamperLoop();
    const b = await lab.tap(tag);
    lab.check('opened: TAMPERED, red', b?.verdict === 'tampered' && b.led === 'red', JSON.stringify(b));
    await lab.wait(2500);
    lab.step('The wire is twisted back together');
    tag.closeTamperLoop();
    const c = await lab.tap(tag);
    lab.check('repaired: still TAMPERED', c?.verdict === 'tampered', JSON.stringify(c));
    lab.check('everything is synced', await lab.synced(30000));
    await lab.checkIngestChain();
  },
};
