// One badge-id rule (firmware/app/badge.ts: 1 to 16 characters, what one 16-byte MIFARE Classic block holds): the
// `sealscan tag new --badge` command, the console's tag shelf and the scanner's badge reader agree on it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { badgeBlock, isBadgeId, readBadge } from '../../firmware/app/badge.js';
import { onStationReader } from '../../sim/station.js';
import { readTagFile } from '../../sim/tag-reader.js';
import { createTag } from '../../sim/console/tag-actions.js';
import { TagShelf } from '../../sim/console/shelf.js';
import type { ConsoleSession } from '../../sim/console/session.js';
import { ApiError } from '../../upstream/http-util.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('badge');
const KEY = new Uint8Array(6).fill(0xff);

const LONGEST = 'INSP-0123456789A'; // 16 characters
const TOO_LONG = LONGEST + 'B';

test('the rule: 1 to 16 characters of A-Z a-z 0-9 . _ : -', () => {
  for (const ok of ['I', 'INSP-1', 'a.b_c:d-e', LONGEST]) assert.ok(isBadgeId(ok), ok);
  for (const bad of ['', TOO_LONG, 'INSP 1', 'INSP/1', 'Ä']) assert.not.ok(isBadgeId(bad), bad);
  assert.throws(() => badgeBlock(TOO_LONG), /1 to 16 characters/);
});

test('the command line, the console and the scanner agree on the longest id and refuse one more character', async () => {
  const cli = (id: string, out: string) => spawnSync(process.execPath, [bin, 'tag', 'new', 'mifare-classic-1k', '--badge', id, '--out', out], { cwd: dir, encoding: 'utf8' });
  const made = cli(LONGEST, 'badge.json');
  assert.is(made.status, 0, made.stderr);
  assert.is(cli(TOO_LONG, 'long.json').status, 2, 'the command refuses 17 characters');

  const { tag } = readTagFile(join(dir, 'badge.json'));
  const read = await onStationReader(tag, (reader, a) => readBadge(reader, a, 4, KEY));
  assert.equal(read, { ok: true, inspector: LONGEST }, 'the scanner reads what the command wrote');

  const shelf = new TagShelf(join(dir, 'shelf'));
  const session = { shelf, note: () => undefined, device: { world: { tags: () => [] } } } as unknown as ConsoleSession;
  assert.is(createTag(session, { inspector: LONGEST }).badge, LONGEST, 'the console makes and shows it');
  assert.throws(() => createTag(session, { inspector: TOO_LONG }), (e: unknown) => e instanceof ApiError && e.status === 400);
});

test.run();
