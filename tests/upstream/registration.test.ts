// POST /v1/devices: the provisioning token, new and identical registrations, a different key for a known id,
// refusals that name the field, and GET /v1/devices never showing an HMAC key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ed25519Device, hmacDevice } from '../../sim/sweeps/fixtures.js';
import { call, register, registration, startIngest, TOKEN, read, storeTest } from './helpers.js';
import { toHex } from '../../hal/hex.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');
const site = { id: 'pharmacy-12', name: 'Pharmacy 12', gln: '4012345000009', geo: { latitude: 52.52, longitude: 13.405 } };

storeTest('token: none is 401, a wrong one 403, and without a configured token registration is disabled', async () => {
  const ing = await startIngest();
  try {
    const none = await call(ing.url, 'POST', '/v1/devices', JSON.stringify(registration(ed)), { 'content-type': 'application/json' });
    assert.is(none.status, 401);
    assert.is(none.json.error.code, 'unauthorized');
    assert.is(none.headers.get('www-authenticate'), 'Bearer');
    const wrong = await register(ing.url, ed, undefined, 'not-the-token');
    assert.is(wrong.status, 403);
    assert.is(wrong.json.error.code, 'forbidden');
    assert.is((await read(ing.url, '/v1/devices')).json.devices.length, 0, 'nothing registered');
  } finally {
    await ing.close();
  }
  const closed = await startIngest({ token: null });
  try {
    const r = await register(closed.url, ed, undefined, TOKEN);
    assert.is(r.status, 403);
    assert.is(r.json.error.code, 'registration-disabled');
  } finally {
    await closed.close();
  }
});

storeTest('201 for a new device, 200 for the identical registration, 409 for another key under the same id', async () => {
  const ing = await startIngest();
  try {
    const first = await register(ing.url, ed, site);
    assert.is(first.status, 201);
    assert.is(first.json.created, true);
    assert.is(first.json.device.id, 'scanner-0001');
    assert.is(first.json.device.publicKey, toHex(ed.key.alg === -8 ? ed.key.publicKey : new Uint8Array()));
    assert.equal(first.json.device.site, site);
    const again = await register(ing.url, ed, site);
    assert.is(again.status, 200);
    assert.is(again.json.created, false);
    const other = ed25519Device('scanner-0001', 'another key');
    const conflict = await register(ing.url, other);
    assert.is(conflict.status, 409);
    assert.is(conflict.json.error.code, 'key-conflict');
    const asHmac = await register(ing.url, hmacDevice('scanner-0001'));
    assert.is(asHmac.status, 409, 'another alg is another key');
    const d = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(d.json.publicKey, first.json.device.publicKey, 'the first key stays');
  } finally {
    await ing.close();
  }
});

storeTest('an HMAC key is accepted but never shown', async () => {
  const ing = await startIngest();
  try {
    assert.is((await register(ing.url, mac)).status, 201);
    const list = await read(ing.url, '/v1/devices');
    assert.is(list.json.devices.length, 1);
    const text = JSON.stringify(list.json);
    assert.not.ok(text.includes(toHex(mac.key.alg === 5 ? mac.key.hmacKey : new Uint8Array())), 'HMAC key not in the answer');
    assert.is(list.json.devices[0].alg, 'hmac-sha256');
    assert.is(list.json.devices[0].publicKey, undefined);
  } finally {
    await ing.close();
  }
});

storeTest('400 naming the field for bad registrations', async () => {
  const ing = await startIngest();
  const post = (body: unknown) => call(ing.url, 'POST', '/v1/devices', typeof body === 'string' ? body : JSON.stringify(body), { authorization: `Bearer ${TOKEN}` });
  try {
    const good = registration(ed);
    const cases: Array<[unknown, string]> = [
      ['{not json', 'body is not JSON'],
      [[1, 2], 'body must be a JSON object'],
      [{ ...good, id: 'bad id!' }, 'id:'],
      [{ ...good, alg: 'rsa' }, 'alg:'],
      [{ ...good, publicKey: 'abcd' }, 'publicKey:'],
      [{ ...good, publicKey: 'zz'.repeat(32) }, 'publicKey:'],
      [{ id: 'esp-1', alg: 'hmac-sha256', hmacKey: '00'.repeat(16) }, 'hmacKey:'],
      [{ ...good, hmacKey: '00'.repeat(32) }, 'hmacKey:'],
      [{ ...good, color: 'red' }, 'color:'],
      [{ ...good, site: { id: 's', gln: '4012345000008' } }, 'site.gln:'],
      [{ ...good, site: { id: 's', geo: { latitude: 91, longitude: 0 } } }, 'site.geo.latitude:'],
      [{ ...good, site: { name: 'no id' } }, 'site.id:'],
    ];
    for (const [body, field] of cases) {
      const r = await post(body);
      assert.is(r.status, 400, JSON.stringify(body));
      assert.ok(r.json.error.message.includes(field), `${r.json.error.message} should name ${field}`);
    }
    assert.is((await read(ing.url, '/v1/devices')).json.devices.length, 0);
  } finally {
    await ing.close();
  }
});

test.run();
