// `sealscan tag show` and the console's tag shelf present one reading of a tag (sim/tag-view.ts describeTag).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { readTagFile } from '../../sim/tag-reader.js';
import { tagView } from '../../sim/console/shelf.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('tagview');
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
};
const LINK = 'https://id.gs1.org/01/09506000134352/21/VIEW1';

test('a sealed NTAG213 TT with its wire cut: the same UID, link, seal and tamper state in both', () => {
  sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys');
  sealscan('tag', 'new', 'ntag213tt', '--out', 'tt.json', '--label', 'pack 1');
  sealscan('seal', '--link', LINK, '--key', 'keys/acme.issuer-key.json', '--tag', 'tt.json');
  sealscan('tag', 'tamper', 'tt.json', '--open');
  const shown = sealscan('tag', 'show', 'tt.json');
  const v = tagView({ id: 't1', label: 'pack 1', tag: readTagFile(join(dir, 'tt.json')).tag }, false);
  assert.is(v.kind, 'ntag213tt');
  assert.match(shown, new RegExp(`^${v.model} ${v.uid}  \\(pack 1\\)\\n  UID ${v.uid.toLowerCase()}\\n`));
  assert.match(shown, /  NDEF: 2 record\(s\)\n/);
  assert.ok(shown.includes(`  link: ${v.link}\n`) && v.link === LINK, shown);
  assert.ok(shown.includes(`  seal: issuer key id ${v.seal!.keyId}, sealed ${v.seal!.sealedAt}\n`), shown);
  assert.equal(v.tamper, { loopClosed: false, seenOpen: false }, 'cut, not yet powered up open');
  assert.match(shown, /  tamper wire: cut\n  originality signature: [0-9a-f]{64}\n$/);
});

test('a badge: block 4 in the command, the inspector id on the shelf', () => {
  sealscan('tag', 'new', 'mifare-classic-1k', '--badge', 'INSP-7', '--out', 'badge.json');
  const shown = sealscan('tag', 'show', 'badge.json');
  const v = tagView({ id: 't2', label: 'badge', tag: readTagFile(join(dir, 'badge.json')).tag }, true);
  assert.is(v.badge, 'INSP-7');
  assert.ok(shown.endsWith(`  block 4: ${Buffer.from('INSP-7').toString('hex')}${'00'.repeat(10)}\n`), shown);
  assert.equal([v.link, v.seal, v.tamper, v.onReader], [null, null, null, true]);
});

test.run();
