// A scripted Pcd for framing tests: records every call and answers from a handler, like the real driver does
// (CRC stripped when rxCrc, 4-bit ACK/NAK frames passed through with bits = 4).
import type { Frame, Pcd, RadioResult, TransceiveOptions } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';

export interface Call {
  frame: number[];
  options: TransceiveOptions;
}

export type Handler = (frame: Uint8Array, options: TransceiveOptions) => RadioResult<Frame>;

export class ScriptPcd implements Pcd {
  readonly calls: Call[] = [];
  readonly auths: Array<{ keyType: 'A' | 'B'; block: number; key: number[]; uid: number[] }> = [];
  authResult: RadioResult<true> = radioOk(true);
  crypto1 = false;

  constructor(public handler: Handler) {}

  transceive(frame: Uint8Array, options: TransceiveOptions = {}): RadioResult<Frame> {
    this.calls.push({ frame: [...frame], options: { ...options } });
    return this.handler(frame, options);
  }

  mifareAuthenticate(keyType: 'A' | 'B', block: number, key: Uint8Array, uid: Uint8Array): RadioResult<true> {
    this.auths.push({ keyType, block, key: [...key], uid: [...uid] });
    if (this.authResult.ok) this.crypto1 = true;
    return this.authResult;
  }

  stopCrypto1(): void {
    this.crypto1 = false;
  }

  resetField(): void {}

  frames(): number[][] {
    return this.calls.map((c) => c.frame);
  }
}

export function data(bytes: number[] | Uint8Array): RadioResult<Frame> {
  const b = Uint8Array.from(bytes);
  return radioOk({ bytes: b, bits: b.length * 8 });
}

export function nibble(code: number): RadioResult<Frame> {
  return radioOk({ bytes: Uint8Array.of(code), bits: 4 });
}

export const ack = (): RadioResult<Frame> => nibble(0x0a);
export const nak = (code: number): RadioResult<Frame> => nibble(code);
export const silence = (): RadioResult<Frame> => radioError('timeout', 'no answer');

/** Answers in order from a list; fails the test loudly when the code sends more frames than scripted. */
export function sequence(answers: RadioResult<Frame>[]): Handler {
  let i = 0;
  return () => {
    if (i >= answers.length) throw new Error('unscripted frame #' + (i + 1));
    return answers[i++];
  };
}

/** An activation for a tag with this UID. */
export function activation(uid: number[], sak = 0, atqa = [0x44, 0x00]) {
  return { uid: Uint8Array.from(uid), atqa: Uint8Array.from(atqa), sak };
}
