// Scenarios of power loss: during a scan's write, and during the write that frees synced records.
import type { Scenario } from './types.js';

export const powerCutDuringScan: Scenario = {
  name: 'power-cut-during-scan',
  title: 'Power cut while a scan is being saved',
  summary: 'The battery fails while the scan record is being written. The inspector was shown no verdict, so nothing was promised. At the next boot recovery cuts off the torn record and a signed fault record declares its seq lost; the boot number goes up by one; the ingest sees a gap that is declared, never an undeclared one.',
  async run(lab) {
    const tag = await lab.sealed('ntag213');
    await lab.boot();
    await lab.login();
    lab.check('boot and login are synced', await lab.synced(30000));
    lab.network('down');
    const boot = lab.device.boot!.number;
    const seq = lab.device.boot!.queue.nextSeq;
    lab.cutPower('next-write', 20);
    const t = await lab.tap(tag);
    lab.check('the inspector was shown no verdict', t === null);
    lab.check('the scanner is off', !lab.device.powered);
    await lab.wait(5000);
    await lab.powerOn();
    const b = lab.device.boot!;
    lab.check('the boot number is one more than before', b.number === boot + 1, `${boot} -> ${b.number}`);
    lab.check(`recovery reports seq ${seq} lost`, b.report.lost.length === 1 && b.report.lost[0][0] === seq && b.report.lost[0][1] === seq, JSON.stringify(b.report.lost));
    lab.check('the inspector is logged out by the reboot', lab.device.status().inspector === null);
    await lab.login();
    const again = await lab.tap(tag, 'Inspector taps the package again');
    lab.check('GENUINE', again?.verdict === 'genuine');
    lab.network('up');
    lab.check('everything is synced', await lab.synced(300000));
    const s = await lab.checkIngestChain();
    lab.check(`the ingest records seq ${seq} as declared lost, by the fault record`, s.gaps.declared.length === 1 && s.gaps.declared[0].first === seq && s.gaps.undeclared.length === 0, JSON.stringify(s.gaps));
  },
};

export const powerCutDuringSync: Scenario = {
  name: 'power-cut-during-sync',
  title: 'Power cut while freeing synced records',
  summary: 'The ingest has committed a batch, and the battery fails while the scanner writes down that acknowledgement. After the reboot the scanner still holds those records and sends them again; the ingest recognises them as duplicates. Nothing is lost, nothing is stored twice.',
  async run(lab) {
    const tags = [await lab.sealed('ntag213'), await lab.sealed('ntag213')];
    await lab.boot();
    await lab.login();
    lab.network('down');
    for (const t of tags) await lab.tap(t);
    const made = lab.device.boot!.queue.nextSeq;
    lab.cutPower('next-write', 3);
    lab.network('up');
    lab.check('the power goes while the ack is written', await lab.until(() => !lab.device.powered, 300000));
    const s1 = await lab.ingestStatus();
    lab.check('the ingest had committed every record', s1.ackedThrough === made - 1, `acked ${s1.ackedThrough}, made ${made}`);
    await lab.wait(5000);
    await lab.powerOn();
    lab.check('no record was lost', lab.device.boot!.report.lost.length === 0, JSON.stringify(lab.device.boot!.report.lost));
    lab.check('everything is synced', await lab.synced(300000));
    lab.check('the resent records were counted as duplicates', lab.exchanges.some((x) => (x.ack?.duplicates ?? 0) > 0));
    const s = await lab.checkIngestChain();
    lab.check('no gap at all', s.gaps.declared.length === 0 && s.gaps.undeclared.length === 0, JSON.stringify(s.gaps));
  },
};
