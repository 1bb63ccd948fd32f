// `sealscan provision` registers with the ingest using the one registration body (upstream/registration.ts); a site
// id is sent as the site's GLN only when it is one, check digit included, so 13 other digits do not get a scanner
// refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { promisify } from 'node:util';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { createIssuerKey } from '../../sim/issuer-keys.js';
import { isGln, siteFor } from '../../upstream/registration.js';
import { read, startIngest, TOKEN, type RunningIngest } from '../upstream/helpers.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('provision');
const GLN = '9506000134352';
const NOT_A_GLN = '9506000134353'; // 13 digits, wrong check digit
let ing: RunningIngest;

test.before(async () => {
  ing = await startIngest();
  mkdirSync(join(dir, 'keys'));
  createIssuerKey(join(dir, 'keys'), 'acme', createNodeCrypto());
});
test.after(() => ing.close());

async function provision(device: string, site: string): Promise<{ code: number; out: string; err: string }> {
  const args = [bin, 'provision', '--device', device, '--site', site, '--site-name', 'Depot', '--ingest', ing.url, '--token', TOKEN,
    '--issuer', 'keys/acme.issuer.json', '--data', `data-${device}`, '--out', `${device}.json`];
  try {
    const r = await promisify(execFile)(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

test('siteFor: the id is the GLN only when its check digit is right', () => {
  assert.ok(isGln(GLN));
  assert.not.ok(isGln(NOT_A_GLN));
  assert.equal(siteFor(GLN, 'Depot'), { id: GLN, name: 'Depot', gln: GLN });
  assert.equal(siteFor(NOT_A_GLN), { id: NOT_A_GLN });
  assert.equal(siteFor('depot-7', ''), { id: 'depot-7' });
});

test('provision registers a site whose 13-digit id is no GLN (it used to be refused), and keeps a real GLN', async () => {
  const plain = await provision('pi-7', NOT_A_GLN);
  assert.is(plain.code, 0, plain.err);
  assert.match(plain.out, /registered with/);
  assert.equal((await read(ing.url, '/v1/devices/pi-7')).json.site, { id: NOT_A_GLN, name: 'Depot' });
  const gln = await provision('pi-8', GLN);
  assert.is(gln.code, 0, gln.err);
  assert.equal((await read(ing.url, '/v1/devices/pi-8')).json.site, { id: GLN, name: 'Depot', gln: GLN });
});

test.run();
