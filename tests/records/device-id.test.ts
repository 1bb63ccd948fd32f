// One device-id rule (hal/keys.ts isDeviceId): the scanner's configuration, the key store, the record parser, the
// ingest's registration and its export cursors take the same ids and refuse the same ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../helpers/tmp.js';
import { isDeviceId } from '../../hal/keys.js';
import { resolveConfig } from '../../firmware/app/config.js';
import { FileKeyStore } from '../../hal/node/key-store.js';
import { parseCursor } from '../../upstream/export.js';
import { parseRegistration } from '../../upstream/registration.js';

const good = ['a', 'scanner-0001', 'pi.1_x:y-z', 'A'.repeat(64)];
const bad = ['', 'A'.repeat(65), 'pi 1', 'pi/1', 'pi~1', 'é'];

test('isDeviceId: 1..64 characters of A-Z a-z 0-9 . _ : -', () => {
  for (const id of good) assert.ok(isDeviceId(id), id);
  for (const id of bad) assert.not.ok(isDeviceId(id), id);
  assert.not.ok(isDeviceId(7));
});

test('configuration, key store, registration and export cursor follow it', () => {
  const store = new FileKeyStore(tempDir('ids'));
  const config = (deviceId: string) => () => resolveConfig({ deviceId, site: 's', firmware: '1', trust: { issuers: [] } });
  const register = (id: string) => () => parseRegistration({ id, alg: 'hmac-sha256', hmacKey: '11'.repeat(32) });
  for (const id of good) {
    config(id)();
    store.pathOf(id);
    register(id)();
    assert.equal(parseCursor(`${id}~12`), { device: id, seq: 12 }, id);
  }
  for (const id of bad) {
    assert.throws(config(id), /deviceId/, id);
    assert.throws(() => store.pathOf(id), /invalid device id/, id);
    assert.throws(register(id), /id: must be/, id);
    assert.is(parseCursor(`${id}~12`), undefined, id);
  }
});

test.run();
