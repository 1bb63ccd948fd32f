// The packaging station's commands as a technician runs them: issuer key, virtual tags, seal, check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { loadTag, saveTag, newTag, TAG_KINDS } from '../../sim/tag-file.js';
import { Ntag213TT } from '../../sim/tags/index.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('pack');
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const LINK = 'https://id.gs1.org/01/09506000134352/21/42';

test('issuer key: private file 0600, public file, key never printed', () => {
  const r = sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys');
  assert.is(r.code, 0, r.err);
  const priv = JSON.parse(readFileSync(join(dir, 'keys/acme.issuer-key.json'), 'utf8'));
  assert.is(statSync(join(dir, 'keys/acme.issuer-key.json')).mode & 0o777, 0o600);
  assert.not.ok(r.out.includes(priv.privateKey), 'the private key is not printed');
  assert.match(r.out, /key id\s+[0-9a-f]{8}/);
  assert.is(sealscan('issuer-key', 'new', '--name', 'acme', '--out', 'keys').code, 2, 'never overwritten');
});

test('seal a tag, check it genuine; copies and clones are caught', () => {
  assert.is(sealscan('tag', 'new', 'ntag213', '--out', 't.json').code, 0);
  const s = sealscan('seal', '--link', LINK, '--key', 'keys/acme.issuer-key.json', '--tag', 't.json');
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^sealed NTAG213 04[0-9A-F]{12} for acme/);
  const ok = sealscan('check', '--tag', 't.json', '--trust', 'keys/acme.issuer.json');
  assert.is(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /^GENUINE/);
  assert.is(sealscan('tag', 'clone', 't.json', '--out', 'copy.json', '--mode', 'copy-seal').code, 0);
  const copy = sealscan('check', '--tag', 'copy.json', '--trust', 'keys/acme.issuer.json');
  assert.is(copy.code, 1);
  assert.match(copy.out, /^INVALID SEAL[\s\S]*seal-signature-bad/);
  assert.is(sealscan('tag', 'clone', 't.json', '--out', 'magic.json', '--mode', 'magic').code, 0);
  const magic = sealscan('check', '--tag', 'magic.json', '--trust', 'keys/acme.issuer.json', '--json');
  assert.is(magic.code, 1);
  assert.is(JSON.parse(magic.out).verdict, 'clone-suspect');
  assert.is(sealscan('issuer-key', 'new', '--name', 'other', '--out', 'keys').code, 0);
  const unknownIssuer = sealscan('check', '--tag', 't.json', '--trust', 'keys/other.issuer.json');
  assert.is(unknownIssuer.code, 1);
  assert.match(unknownIssuer.out, /issuer-unknown/);
});

test('sealscan seal on each virtual Type 2 tag type reads back genuine', () => {
  const kinds: Array<[string, string]> = [
    ['ntag215', LINK],
    ['ntag216', LINK],
    ['ntag213tt', LINK],
    ['ultralight-ev1', 'https://a.co/01/09506000134352/21/42'],
  ];
  for (const [kind, link] of kinds) {
    assert.is(sealscan('tag', 'new', kind, '--out', `${kind}.json`).code, 0, kind);
    const s = sealscan('seal', '--link', link, '--key', 'keys/acme.issuer-key.json', '--tag', `${kind}.json`);
    assert.is(s.code, 0, kind + ': ' + s.err);
    const c = sealscan('check', '--tag', `${kind}.json`, '--trust', 'keys/acme.issuer.json', '--json');
    assert.is(c.code, 0, kind + ': ' + c.out);
    assert.is(JSON.parse(c.out).verdict, 'genuine', kind);
  }
});

test('tamper loop of an NTAG213 TT, via the tag command', () => {
  assert.is(sealscan('tag', 'new', 'ntag213tt', '--out', 'tt.json').code, 0);
  assert.is(sealscan('seal', '--link', LINK, '--key', 'keys/acme.issuer-key.json', '--tag', 'tt.json').code, 0);
  assert.is(sealscan('tag', 'tamper', 'tt.json', '--open').code, 0);
  const r = sealscan('check', '--tag', 'tt.json', '--trust', 'keys/acme.issuer.json');
  assert.match(r.out, /^TAMPERED/);
  assert.is(sealscan('tag', 'tamper', 'tt.json', '--close').code, 0);
  assert.match(sealscan('check', '--tag', 'tt.json', '--trust', 'keys/acme.issuer.json').out, /^TAMPERED[\s\S]*tamper-loop-was-opened/);
});

test('usage errors name what is wrong and exit 2', () => {
  const bad = sealscan('seal', '--link', 'https://id.gs1.org/01/09506000134353', '--key', 'keys/acme.issuer-key.json', '--tag', 't.json');
  assert.is(bad.code, 2);
  assert.match(bad.err, /DL_GTIN_CHECK_DIGIT/);
  assert.match(sealscan('seal', '--key', 'keys/acme.issuer-key.json', '--tag', 't.json').err, /--link is required/);
  const pi = sealscan('seal', '--link', LINK, '--key', 'keys/acme.issuer-key.json', '--reader', 'pi');
  assert.is(pi.code, 2);
  assert.match(pi.err, /not a Raspberry Pi/);
  writeFileSync(join(dir, 'broken.json'), '{"format":"sealscan-virtual-tag/1","kind":"ntag213","uid":"04","memory":""}');
  const broken = sealscan('check', '--tag', 'broken.json', '--trust', 'keys/acme.issuer.json');
  assert.is(broken.code, 2);
  assert.match(broken.err, /uid: must be 7 bytes/);
  const again = sealscan('seal', '--link', LINK, '--key', 'keys/acme.issuer-key.json', '--tag', 't.json');
  assert.is(again.code, 1);
  assert.match(again.err, /already carries a seal/);
  for (const cmd of ['seal', 'check', 'tag', 'issuer-key']) assert.is(sealscan(cmd, '--help').code, 0, cmd);
});

test('a tag file round-trips every non-volatile part', () => {
  for (const kind of TAG_KINDS) {
    const t = newTag(kind);
    const back = loadTag(JSON.parse(JSON.stringify(saveTag(t))));
    assert.equal(saveTag(back), saveTag(t), kind);
  }
  const tt = new Ntag213TT();
  tt.openTamperLoop();
  tt.powerOn();
  const f = saveTag(tt);
  assert.is(f.tamperDetected, true);
  assert.is(loadTag(f) instanceof Ntag213TT, true);
  assert.is((loadTag(f) as Ntag213TT).tamperDetected, true);
});

test.run();
