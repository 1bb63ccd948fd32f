// Every error class sealscan throws on purpose is a SealscanError with a stable code; callers decide by code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HalError, isSealscanError, SealscanError } from '../../hal/errors.js';
import { CborError, RecordError } from '../../firmware/records/errors.js';
import { ConfigError } from '../../firmware/app/config.js';
import { KeyStoreError } from '../../hal/node/key-store.js';
import { PowerLossError } from '../../sim/flash/nor-flash.js';
import { TagFileError } from '../../sim/tag-file.js';
import { ApiError } from '../../upstream/http-util.js';
import { IngestLimitError } from '../../upstream/ingest.js';
import { SchemaError } from '../../upstream/schema-error.js';
import { TokenError } from '../../upstream/guards.js';
import { ReaderUseError } from '../../sim/tag-reader.js';
import { KeysFileError } from '../../upstream/keys-file.js';
import { Ed25519KeyError } from '../../hal/node/ed25519-keys.js';

const cases: Array<[SealscanError, Function, string, string]> = [
  [new HalError('NO_CHIP', 'VersionReg reads 00h'), HalError, 'NO_CHIP', 'NO_CHIP: VersionReg reads 00h'],
  [new CborError('TRAILING', 3, 'one item only'), CborError, 'TRAILING', 'CBOR TRAILING at byte 3: one item only'],
  [new RecordError('BAD_KID', 'kid x'), RecordError, 'BAD_KID', 'BAD_KID: kid x'],
  [new ConfigError('site', 'must be 1 to 64 characters'), ConfigError, 'BAD_CONFIG', 'site: must be 1 to 64 characters'],
  [new KeyStoreError('KEY_EXISTS', 'k'), KeyStoreError, 'KEY_EXISTS', 'KEY_EXISTS: k'],
  [new PowerLossError('program'), PowerLossError, 'POWER_LOSS', 'POWER_LOSS: program after the power cut'],
  [new TagFileError('uid', 'must be 7 bytes'), TagFileError, 'TAG_FILE_INVALID', 'uid: must be 7 bytes'],
  [new ApiError(400, 'bad-field', 'id: bad'), ApiError, 'bad-field', 'id: bad'],
  [new IngestLimitError('too-many-devices', 'n'), IngestLimitError, 'too-many-devices', 'n'],
  [new SchemaError('NEWER', 's'), SchemaError, 'NEWER', 's'],
  [new TokenError('t'), TokenError, 'BAD_TOKEN', 't'],
  [new ReaderUseError('r'), ReaderUseError, 'READER_USE', 'r'],
  [new KeysFileError('k'), KeysFileError, 'KEYS_FILE_INVALID', 'k'],
  [new Ed25519KeyError('is a small-order point'), Ed25519KeyError, 'WEAK_KEY', 'Ed25519 public key refused: is a small-order point'],
];

test('each error class: a SealscanError and itself, with its code and its message as before', () => {
  for (const [e, cls, code, message] of cases) {
    assert.ok(e instanceof SealscanError && e instanceof Error && e instanceof cls, cls.name);
    assert.is(e.code, code, cls.name);
    assert.is(e.message, message, cls.name);
    assert.is(e.name, cls.name);
    assert.ok(isSealscanError(e) && isSealscanError(e, code), cls.name);
    assert.not.ok(isSealscanError(e, code + '-other'), cls.name);
  }
});

test('isSealscanError refuses errors of others', () => {
  const plain = Object.assign(new Error('x'), { code: 'NO_CHIP' });
  assert.not.ok(isSealscanError(plain));
  assert.not.ok(isSealscanError(plain, 'NO_CHIP'));
  assert.not.ok(isSealscanError({ code: 'NO_CHIP', message: 'x' }));
  assert.not.ok(isSealscanError(undefined));
});

test.run();
