// The values our CBOR profile carries. JS objects cannot tell the integer key 1 from the text key "1", and
// Espruino has no Map, so maps are a small class over [key, value] pairs.

/** A map key: an integer or a text string (our profile refuses other key types). */
export type CborKey = number | string;

/**
 * A CBOR data item: integers (exact to ±(2^53 - 1)), text (string), bytes (Uint8Array), arrays, maps, tags,
 * true/false/null. No floats, no undefined.
 */
export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap | CborTag;

/**
 * A CBOR map that keeps integer and text keys apart. Order of insertion does not matter for encoding: the encoder
 * sorts keys by their encoded bytes. `set` replaces an equal key; the constructor keeps pairs as given (so that a
 * duplicate handed to it reaches the encoder, which refuses it).
 */
export class CborMap {
  private readonly pairs: Array<[CborKey, CborValue]>;

  constructor(pairs?: Array<[CborKey, CborValue]>) {
    this.pairs = pairs ? pairs.slice() : [];
  }

  /** Number of pairs. */
  get size(): number {
    return this.pairs.length;
  }

  /** The value under `key` (1 and "1" are different keys), or undefined. */
  get(key: CborKey): CborValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.pairs[i][1];
  }

  has(key: CborKey): boolean {
    return this.indexOf(key) >= 0;
  }

  /** Sets `key` to `value`, replacing an existing equal key. Returns the map for chaining. */
  set(key: CborKey, value: CborValue): this {
    const i = this.indexOf(key);
    if (i < 0) this.pairs.push([key, value]);
    else this.pairs[i] = [key, value];
    return this;
  }

  /** The pairs in insertion (for decoded maps: encoded) order. Do not modify. */
  entries(): ReadonlyArray<readonly [CborKey, CborValue]> {
    return this.pairs;
  }

  keys(): CborKey[] {
    const out: CborKey[] = [];
    for (let i = 0; i < this.pairs.length; i++) out.push(this.pairs[i][0]);
    return out;
  }

  private indexOf(key: CborKey): number {
    for (let i = 0; i < this.pairs.length; i++) if (this.pairs[i][0] === key) return i;
    return -1;
  }
}

/** A tagged item (RFC 8949 §3.4), e.g. tag 18 around a COSE_Sign1 array. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** Largest integer magnitude both JS numbers and our profile carry exactly. */
export const MAX_SAFE = 9007199254740991;

/** Containers (arrays, maps, tags) nested deeper than this are refused by both encoder and decoder. */
export const MAX_DEPTH = 16;
