// Ed25519's eight small-order points and every 32-byte string that encodes one of them, derived here with BigInt
// arithmetic from the curve equation (RFC 8032 §5.1), not copied from a list: an oracle independent of
// hal/node/ed25519-keys.ts and of @noble/curves. It is the set libsodium blocklists (crypto_core_ed25519
// has_small_order: seven y values, each with either sign bit).
import { ed25519 } from '@noble/curves/ed25519.js';

export const P = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;

function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b = mod(b);
  for (; e > 0n; e >>= 1n, b = mod(b * b)) if (e & 1n) r = mod(r * b);
  return r;
}

const inv = (a: bigint): bigint => pow(a, P - 2n);
/** sqrt(-1) mod p. */
export const I = pow(2n, (P - 1n) / 4n);
/** d = -121665/121666 (RFC 8032 §5.1). */
export const D = mod(-121665n * inv(121666n));

/** A square root of `a` mod p (p ≡ 5 mod 8, RFC 8032 §5.1.3), or undefined when `a` is not a square. */
export function sqrt(a: bigint): bigint | undefined {
  a = mod(a);
  let r = pow(a, (P + 3n) / 8n);
  if (mod(r * r) !== a) r = mod(r * I);
  return mod(r * r) === a ? r : undefined;
}

export interface Affine {
  x: bigint;
  y: bigint;
}

/** On the curve -x² + y² = 1 + d x² y²? */
export const onCurve = (p: Affine): boolean => mod(-p.x * p.x + p.y * p.y) === mod(1n + D * p.x * p.x * p.y * p.y);

/** Edwards addition (a = -1), complete on this curve. */
export function add(p: Affine, q: Affine): Affine {
  const t = mod(D * p.x * q.x * p.y * q.y);
  return { x: mod((p.x * q.y + p.y * q.x) * inv(1n + t)), y: mod((p.y * q.y + p.x * q.x) * inv(1n - t)) };
}

export const IDENTITY_POINT: Affine = { x: 0n, y: 1n };
const same = (p: Affine, q: Affine) => p.x === q.x && p.y === q.y;

/** The order of a point whose order divides 8 (1, 2, 4 or 8), or undefined. */
export function smallOrderOf(p: Affine): number | undefined {
  let q = p;
  for (let n = 1; n <= 8; n *= 2) {
    if (same(q, IDENTITY_POINT)) return n;
    q = add(q, q);
  }
  return undefined;
}

/**
 * The eight points of order dividing 8: the identity (0, 1); (0, -1) of order 2; (±√-1, 0) of order 4; and the
 * four of order 8, whose double has y = 0, i.e. x² = -y², so d·y⁴ + 2y² - 1 = 0 and y² = (-1 ± √(1+d)) / d.
 */
export function torsionPoints(): Affine[] {
  return (torsion ??= deriveTorsion()).slice();
}

let torsion: Affine[] | undefined;

function deriveTorsion(): Affine[] {
  const pts: Affine[] = [IDENTITY_POINT, { x: 0n, y: P - 1n }, { x: I, y: 0n }, { x: P - I, y: 0n }];
  const s = sqrt(1n + D)!;
  for (const y2 of [mod((-1n + s) * inv(D)), mod((-1n - s) * inv(D))]) {
    const y = sqrt(y2);
    if (y === undefined) continue;
    for (const yy of [y, P - y]) {
      const x = sqrt(mod((yy * yy - 1n) * inv(D * yy * yy + 1n)))!;
      pts.push({ x, y: yy }, { x: P - x, y: yy });
    }
  }
  return pts;
}

/** 32-byte little-endian encoding of `y` (any value below 2^255) with the sign bit `sign`. */
export function encode(y: bigint, sign: 0 | 1): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++, y >>= 8n) b[i] = Number(y & 0xffn);
  if (sign) b[31] |= 0x80;
  return b;
}

/**
 * Every 32-byte string that decodes (leniently: y taken mod p, any sign bit, as ZIP 215 allows) to a small-order
 * point: each torsion y and y + p while below 2^255, each with sign bit 0 and 1. Canonical and non-canonical alike.
 */
export function smallOrderEncodings(): Array<{ bytes: Uint8Array; label: string }> {
  const ys = [...new Set(torsionPoints().map((p) => p.y))];
  const out: Array<{ bytes: Uint8Array; label: string }> = [];
  for (const y of ys) {
    for (let k = 0n; y + k * P < 2n ** 255n; k++) {
      for (const sign of [0, 1] as const) out.push({ bytes: encode(y + k * P, sign), label: `y = ${k ? 'p + ' : ''}${y === P - 1n ? 'p - 1' : y < 2n ? y : '0x' + y.toString(16).slice(0, 8) + '…'}${sign ? ', sign bit set' : ''}` });
    }
  }
  return out;
}

/** The identity point's canonical encoding, 01 00 … 00. */
export const IDENTITY = encode(1n, 0);

/** R = identity, S = 0: verifies under the identity key for every message in plain RFC 8032 verification. */
export const FORGED_SIGNATURE = new Uint8Array(64);
FORGED_SIGNATURE.set(IDENTITY, 0);

/** An honest public key plus a point of order 8: on the curve, not small order, but not in the prime-order subgroup. */
export function mixedOrderKey(publicKey: Uint8Array): Uint8Array {
  const t = torsionPoints().find((p) => smallOrderOf(p) === 8)!;
  return ed25519.Point.fromBytes(publicKey).add(ed25519.Point.fromAffine(t)).toBytes();
}

