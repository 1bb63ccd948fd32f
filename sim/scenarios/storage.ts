// The scenario of a full device: scans refused with their own signal until sync makes room.
import type { Scenario } from './types.js';

export const storageFull: Scenario = {
  name: 'storage-full',
  title: 'Storage full',
  summary: 'A scanner with a small flash stays offline. Storage goes low, then full: from then on scans are refused with their own signal (blue, one long beep) and nothing is recorded that the inspector was not told about. Back online, sync frees the space and scans are accepted again.',
  setup: { sectors: 6, config: { dedupeWindowMs: 0 } },
  async run(lab) {
    const tag = await lab.sealed('ntag213');
    await lab.boot();
    await lab.login();
    lab.network('down');
    lab.step('The inspector scans package after package, offline');
    let refused = null;
    let scans = 0;
    for (let i = 0; i < 200 && !refused; i++) {
      const t = await lab.device.world.tap(tag, 3000);
      if (t?.kind === 'refused') refused = t;
      else if (t?.kind === 'scan') scans++;
    }
    lab.check(`storage filled up after ${scans} scans`, !!refused && scans > 5);
    lab.check('the refusal has its own signal: STORAGE FULL, blue, one long beep', !!refused && /STORAGE FULL/.test(refused.headline) && refused.led === 'blue' && JSON.stringify(refused.beep) === '[900]', JSON.stringify(refused));
    const seq = lab.device.boot!.queue.nextSeq;
    const again = await lab.tap(tag, 'One more try');
    lab.check('refused again, and nothing recorded', again?.kind === 'refused' && lab.device.boot!.queue.nextSeq === seq);
    lab.step('Back online');
    lab.network('up');
    lab.check('sync empties the queue', await lab.synced(300000));
    lab.check('storage is ok again', lab.device.status().queue?.state === 'ok');
    const ok = await lab.tap(tag);
    lab.check('scans are accepted again', ok?.kind === 'scan' && ok.verdict === 'genuine');
    lab.check('and synced', await lab.synced(30000));
    await lab.checkIngestChain();
  },
};
