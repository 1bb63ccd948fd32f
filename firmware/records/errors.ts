/**
 * The two error classes of the record format. Both carry a stable `code` for programs and a message for people;
 * `CborError` also carries the byte offset where decoding or encoding went wrong (-1 when no position applies).
 */

import { SealscanError } from '../../hal/errors.js';

/** Why a CBOR encoding or decoding was refused. */
export type CborErrorCode =
  | 'TRUNCATED' // the input ends inside an item's head
  | 'LENGTH' // a declared length or count runs past the end of the input
  | 'TRAILING' // bytes follow the single top-level item
  | 'NON_SHORTEST' // an argument not in its shortest form (RFC 8949 §4.2.1)
  | 'INDEFINITE' // indefinite-length item or a stray break code
  | 'RESERVED' // additional information 28..30
  | 'FLOAT' // floating-point numbers are outside our profile
  | 'SIMPLE' // undefined or another simple value besides false/true/null
  | 'INT_RANGE' // an integer beyond ±(2^53 - 1)
  | 'UNSORTED_KEYS' // map keys not in bytewise order of their encodings
  | 'DUPLICATE_KEY' // a map key appears twice
  | 'BAD_KEY' // a map key that is neither an integer nor a text string
  | 'BAD_UTF8' // a text string that is not valid UTF-8
  | 'BAD_TEXT' // a JS string with a lone surrogate (cannot be UTF-8)
  | 'TOO_DEEP' // nesting beyond the decoder's limit
  | 'TOO_MANY_ITEMS' // more data items than the decoder's budget allows
  | 'UNSUPPORTED'; // a JS value the encoder has no CBOR form for

/** A CBOR input or value that our deterministic profile refuses. */
export class CborError extends SealscanError {
  declare readonly code: CborErrorCode;
  /** Byte offset in the input (decoding) or output (encoding) where the problem sits; -1 if none applies. */
  readonly offset: number;
  constructor(code: CborErrorCode, offset: number, message: string) {
    super(code, (offset >= 0 ? 'CBOR ' + code + ' at byte ' + offset + ': ' : 'CBOR ' + code + ': ') + message);
    this.name = 'CborError';
    this.offset = offset;
  }
}

/** Why a COSE envelope or a record payload was refused. */
export type RecordErrorCode =
  | 'CBOR' // the bytes are not deterministic CBOR (see `cause`)
  | 'NOT_TAGGED' // no COSE_Sign1 (18) / COSE_Mac0 (17) tag
  | 'NOT_COSE' // not a 4-element array of the right types
  | 'ALG_UNPROTECTED' // alg (label 1) in the unprotected header
  | 'KID_UNPROTECTED' // kid (label 4) in the unprotected header
  | 'UNPROTECTED_NOT_EMPTY' // any other label in the unprotected header
  | 'BAD_PROTECTED' // the protected header is not a map of exactly {1: alg, 4: kid}
  | 'ALG_NOT_ALLOWED' // alg missing, unknown, or not the one that goes with the tag
  | 'BAD_KID' // kid not valid UTF-8 text
  | 'WRONG_KID' // kid is not the device expected
  | 'BAD_SIGNATURE_LENGTH' // signature or MAC tag of the wrong size
  | 'BAD_SIGNATURE' // signature or MAC does not verify
  | 'NO_KEY' // no key for this device or the platform cannot check this alg
  | 'WEAK_KEY' // the key given for this device is refused (an HMAC key that is too short, too long or all zero)
  | 'BAD_PAYLOAD' // the payload is not a valid record (see message)
  | 'BAD_INPUT'; // a caller passed something a record cannot hold

/** A COSE envelope or record payload that does not follow docs/record-format.md. */
export class RecordError extends SealscanError {
  declare readonly code: RecordErrorCode;
  constructor(code: RecordErrorCode, message: string) {
    super(code, code + ': ' + message);
    this.name = 'RecordError';
  }
}
