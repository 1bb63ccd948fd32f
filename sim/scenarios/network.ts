// Scenarios of the way to the ingest: a long outage, and an ingest that errs, throttles and loses answers.
import type { Scenario } from './types.js';

const MINUTE = 60000;

export const networkDownHour: Scenario = {
  name: 'network-down-hour',
  title: 'Network down for an hour',
  summary: 'The scanner loses its network for an hour of inspections. Scans go on, each durable before its verdict; the queue grows; sync backs off to its 5-minute cap with full jitter. When the network returns, the backlog drains within one backoff period and the ingest holds an intact chain.',
  async run(lab) {
    const tags = [await lab.sealed('ntag213'), await lab.sealed('ntag215'), await lab.sealed('ntag216'), await lab.sealed('ultralight-ev1')];
    await lab.boot();
    await lab.login();
    lab.check('boot and login are synced', await lab.synced(30000));
    lab.step('The van drives into a dead zone');
    lab.network('down');
    const downAt = lab.clock.wallTime();
    for (let i = 0; i < tags.length; i++) {
      const t = await lab.tap(tags[i]);
      lab.check(`scan ${i + 1} gets its verdict offline`, t?.verdict === 'genuine', JSON.stringify(t));
      await lab.wait(15 * MINUTE - 3000, 'Fifteen minutes to the next pallet');
    }
    const q = lab.device.status().queue!;
    lab.check('the queue holds the four scans', q.unacked === 4, `unacked ${q.unacked}`);
    lab.check('the oldest unsynced record has waited about an hour', (q.oldestUnackedAgeMs ?? 0) >= 55 * MINUTE, `age ${q.oldestUnackedAgeMs} ms`);
    const tries = lab.exchanges.filter((x) => x.at >= downAt);
    let widest = 0;
    for (let i = 1; i < tries.length; i++) widest = Math.max(widest, tries[i].at - tries[i - 1].at);
    lab.check('sync kept trying, never waiting longer than the 5-minute cap', tries.length >= 12 && widest <= 5 * MINUTE + 1000, `${tries.length} tries, widest wait ${widest} ms`);
    lab.check('nothing reached the ingest while down', tries.every((x) => !x.delivered));
    lab.step('Back in coverage');
    const upAt = lab.clock.wallTime();
    lab.network('up');
    lab.check('the backlog drains within one backoff period', await lab.synced(5 * MINUTE + 5000));
    lab.line('step', `drained ${Math.round((lab.clock.wallTime() - upAt) / 1000)} s after the network came back`);
    await lab.checkIngestChain();
  },
};

export const flakyIngest: Scenario = {
  name: 'flaky-ingest',
  title: 'An ingest that errs, throttles and loses answers',
  summary: 'The ingest answers 500, then 429 with Retry-After, then commits a batch but the answer is lost on the way (connection reset). The worker backs off, honours Retry-After, and resends: the ingest counts the resent records as duplicates, so every scan is stored exactly once.',
  async run(lab) {
    const tag = await lab.sealed('ntag213');
    await lab.boot();
    await lab.login();
    lab.check('boot and login are synced', await lab.synced(30000));
    lab.network('http-500');
    await lab.tap(tag);
    lab.check('the ingest answers 500 and the worker backs off', await lab.until(() => lab.exchanges.some((x) => x.result === 500) && lab.device.boot!.sync.status().state === 'backoff', 30000));
    lab.network('http-429', { retryAfterS: 120 });
    const got429 = await lab.until(() => lab.exchanges.some((x) => x.result === 429), 60000);
    const at429 = lab.exchanges.find((x) => x.result === 429)?.at ?? 0;
    lab.check('then 429 with Retry-After: 120', got429);
    lab.network('up');
    lab.check('synced after the rate limit', await lab.synced(300000));
    const next = lab.exchanges.find((x) => x.at > at429);
    lab.check('the worker waited at least the 120 s Retry-After asked for', !!next && next.at - at429 >= 120000, `waited ${next ? next.at - at429 : '?'} ms`);
    lab.network('reset-after-commit');
    await lab.wait(2500);
    await lab.tap(tag);
    lab.check('a batch is committed but its answer lost', await lab.until(() => lab.exchanges.some((x) => x.mode === 'reset-after-commit' && x.delivered && !!x.ack), 30000));
    lab.network('up');
    lab.check('synced after the resend', await lab.synced(300000));
    lab.check('the ingest counted the resent records as duplicates', lab.exchanges.some((x) => x.result === 200 && (x.ack?.duplicates ?? 0) > 0));
    const s = await lab.checkIngestChain();
    lab.check('exactly once in effect: the ingest holds each record once', s.records === lab.device.boot!.queue.nextSeq, `ingest ${s.records}, device made ${lab.device.boot!.queue.nextSeq}`);
  },
};
