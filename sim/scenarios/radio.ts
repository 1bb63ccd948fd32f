// Scenarios of a bad read: a tag pulled away mid-read, a tag at the edge of the field.
import type { Scenario } from './types.js';

export const pullAway: Scenario = {
  name: 'pull-away',
  title: 'Tag pulled away mid-read',
  summary: 'The inspector pulls the package away while the scanner is still reading. The scanner retries, then says it could not read the tag (amber) and records that: an unreadable scan is evidence too. Tapped again properly, the package is GENUINE.',
  async run(lab) {
    const tag = await lab.sealed('ntag215');
    await lab.boot();
    await lab.login();
    lab.step(`Inspector taps ${tag.label} and pulls it away after 40 bytes of its answers`);
    const next = lab.device.world.nextTap(3000);
    lab.device.world.pullAway(tag, 40);
    const a = await next;
    lab.check('the scanner says it could not read the tag: UNREADABLE, amber', a?.verdict === 'unreadable' && a.led === 'amber', JSON.stringify(a));
    lab.check('the tag is no longer on the reader', !lab.device.world.tags().includes(tag));
    lab.check('the failed read is recorded with its reason', a?.seq !== undefined && !!a.reasons?.some((r) => r.startsWith('read-failed')), JSON.stringify(a?.reasons));
    const b = await lab.tap(tag, 'Inspector taps it again at once and holds it still');
    lab.check('now GENUINE, a new scan with its own record (an unreadable tap is never repeated)', b?.verdict === 'genuine' && b.kind === 'scan' && b.seq !== undefined, JSON.stringify(b));
    lab.check('everything is synced', await lab.synced(30000));
    await lab.checkIngestChain();
  },
};

export const weakField: Scenario = {
  name: 'weak-field',
  title: 'Tag at the edge of the field',
  summary: 'With the package at the edge of the antenna\'s range the tag answers the short wake-up but every longer answer arrives damaged: it cannot even be selected. After a few polls the scanner says NO READ (hold the tag still, closer) and records nothing. Held closer, it reads.',
  async run(lab) {
    const tag = await lab.sealed('ntag213');
    await lab.boot();
    await lab.login();
    const before = lab.device.boot!.queue.nextSeq;
    lab.step('The package is held at the edge of the reader\'s range');
    lab.device.world.setWeakField(true);
    const a = await lab.tap(tag);
    lab.check('the scanner says NO READ, hold the tag still, closer', a?.kind === 'no-read' && a.headline === 'NO READ' && a.detail === 'Hold the tag still, closer', JSON.stringify(a));
    lab.check('no verdict while the field is weak', a?.verdict === undefined);
    lab.check('no record was made', lab.device.boot!.queue.nextSeq === before);
    lab.step('The inspector holds it flat on the reader');
    lab.device.world.setWeakField(false);
    const b = await lab.tap(tag);
    lab.check('GENUINE', b?.verdict === 'genuine');
    lab.check('everything is synced', await lab.synced(30000));
    await lab.checkIngestChain();
  },
};
