// Not compiled with the project (tsconfig.json excludes it): tests/espruino-compat.test.ts type-checks it against scripts/espruino/lib.d.ts alone. Lines marked "refused" must
// fail to type-check (Espruino lacks what they use); every other line must pass.
declare const bytes: Uint8Array;
declare const text: string;
export const copy: Uint8Array = bytes.subarray(1, 3);
export const sliced: Uint8Array = bytes.slice(1, 3); // refused
export const asArray: number[] = bytes.slice(1, 3);
export const utc = Date.UTC(2026, 0, 1); // refused
export const now: number = Date.now();
export const map = new Map<string, number>(); // refused
export const set = new Set<number>(); // refused
export const matched = /^a{2}$/.test(text); // refused
export const replaced = text.replace(/a/g, 'b'); // refused
export const replacedPlain: string = text.replace('a', 'b');
export const imul = Math.imul(3, 4); // refused
export const isInt = Number.isInteger(3); // refused
export const from = Uint8Array.from([1, 2]); // refused
export const frozen = Object.freeze({}); // refused
export const raced = Promise.race([Promise.resolve(1)]); // refused
export const all: Promise<number[]> = Promise.all([Promise.resolve(1)]);
export const range = new RangeError('x'); // refused
export const keys: string[] = Object.keys({ a: 1 });
export const padded: string = 'a'.padStart(3, '0');
export async function waits(): Promise<number> {
  return (await Promise.resolve(2)) + 1;
}
