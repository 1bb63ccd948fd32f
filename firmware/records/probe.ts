// A device's signed question to the ingest: "am I registered, and how far have you acknowledged me?" (`sealscan
// doctor`). It is a COSE envelope of the record profile around a tiny payload {1: device id, 4: "probe", 5: time},
// so only the key holder can ask about its own device, and no probe can pass for a chain record: the ingest never
// accepts kind "probe" as a record.
import type { RecordSigner } from '../../hal/keys.js';
import { CborError, CborMap, decodeCbor, encodeCbor } from './cbor.js';
import { buildCose } from './cose.js';
import { RecordError } from './errors.js';

export const PROBE_KIND = 'probe';

/** How far a probe's time may be from the ingest's clock, ms (a replayed probe older than this is refused). */
export const PROBE_MAX_SKEW_MS = 5 * 60 * 1000;

/** The probe of `device` at device time `time` (ms since the Unix epoch), authenticated by `signer`. */
export function buildProbe(signer: RecordSigner, device: string, time: number): Uint8Array {
  const payload = encodeCbor(new CborMap([[1, device], [4, PROBE_KIND], [5, Math.floor(time)]]));
  return buildCose(signer, device, payload);
}

/** The device and time of a probe payload; throws RecordError BAD_PAYLOAD when it is not exactly one. */
export function parseProbe(payload: Uint8Array): { device: string; time: number } {
  let m;
  try {
    m = decodeCbor(payload, { maxItems: 7 });
  } catch (e) {
    if (e instanceof CborError) throw new RecordError('BAD_PAYLOAD', 'probe: ' + e.message);
    throw e;
  }
  if (!(m instanceof CborMap) || m.size !== 3) throw new RecordError('BAD_PAYLOAD', 'a probe is a map of exactly keys 1, 4 and 5');
  const device = m.get(1);
  const time = m.get(5);
  if (m.get(4) !== PROBE_KIND) throw new RecordError('BAD_PAYLOAD', 'key 4 (kind) must be "probe"');
  if (typeof device !== 'string') throw new RecordError('BAD_PAYLOAD', 'key 1 (device) must be text');
  if (typeof time !== 'number' || time < 0) throw new RecordError('BAD_PAYLOAD', 'key 5 (time) must be an unsigned integer');
  return { device: device, time: time };
}
