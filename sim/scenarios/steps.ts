// A site that does several steps with one scanner: a step badge or the step button switches what scans record.
import { readRecords, FIRST } from '../../upstream/export.js';
import { decodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';
import type { Scenario } from './types.js';

export const switchStep: Scenario = {
  name: 'switch-step',
  title: 'One scanner, several steps: a step badge and the step button',
  summary: 'A small pharmacy receives and dispenses with one scanner set up for both. The pharmacist taps the STEP:dispensing badge, or presses the step button, and the display says which step scans now record. A step the scanner is not set up for is refused on the display, and after a reboot the scanner starts at its configured step again.',
  setup: { config: { step: 'receiving', steps: ['receiving', 'dispensing'] } },
  async run(lab) {
    const pack = await lab.sealed('ntag213');
    await lab.boot();
    await lab.login();
    const received = await lab.tap(pack, 'The delivery arrives: the pharmacist taps the package');
    lab.check('a genuine scan', received?.verdict === 'genuine');
    const toDispensing = await lab.tap(lab.badge('STEP:dispensing'), 'The pharmacist taps the STEP:dispensing badge');
    lab.check('the display says STEP: DISPENSING, and the inspector stays logged in', toDispensing?.kind === 'step' && toDispensing.headline === 'STEP: DISPENSING' && lab.device.status().inspector === 'INSP-007', JSON.stringify(toDispensing));
    const dispensed = await lab.tap(pack, 'A customer brings a prescription at once: the pharmacist taps the package again');
    lab.check('a genuine scan with a record of its own, although the same package was just scanned: the step changed', dispensed?.verdict === 'genuine' && dispensed.kind === 'scan' && dispensed.seq !== undefined, JSON.stringify(dispensed));
    const refused = await lab.tap(lab.badge('STEP:destroying'), 'Someone taps a STEP:destroying badge from the hospital next door');
    lab.check('refused: STEP NOT USED HERE, still dispensing', refused?.kind === 'refused' && refused.headline === 'STEP NOT USED HERE' && lab.device.status().step === 'dispensing', JSON.stringify(refused));
    lab.step('The pharmacist presses the step button');
    const next = lab.device.world.nextTap(3000);
    lab.device.pressStepButton();
    const pressed = await next;
    lab.check('the button goes round to STEP: RECEIVING', pressed?.kind === 'step' && pressed.headline === 'STEP: RECEIVING', JSON.stringify(pressed));
    lab.check('every record is synced', await lab.synced(30000));
    const steps: string[] = [];
    for await (const batch of readRecords(lab.store, FIRST, Infinity, lab.device.config.deviceId)) {
      for (const r of batch) {
        const p = decodePayload(parseCose(r.bytes).payload);
        if (p.kind === 'scan') steps.push(p.step ?? 'inspecting');
      }
    }
    lab.line('ingest', `scans at the ingest record: ${steps.join(', ')}`);
    lab.check('the two scans record receiving, then dispensing; switching wrote no record', steps.join(',') === 'receiving,dispensing', steps.join(','));
    await lab.checkIngestChain();
    lab.cutPower('now');
    await lab.powerOn();
    lab.check('after a reboot the scanner starts at its configured step', lab.device.status().step === 'receiving');
  },
};
