// The worked example of docs/seal-format.md, built by the real code from fixed inputs. A test checks the doc.
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { issuerKeyId, sealMessage, encodeSeal } from '../../firmware/records/seal.js';
import { sealNdefRecords } from '../../firmware/seals/seal-ndef.js';
import { encodeNdefMessage } from '../../firmware/tags/ndef.js';
import { hexLiteral, toHexUpper } from '../../hal/hex.js';

export const EXAMPLE = {
  // RFC 8032 section 7.1 test 1 secret key, so that the signature is reproducible.
  issuerSeed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  uid: '04E141124C2880',
  link: 'https://id.gs1.org/01/09506000134352/21/42',
  sealedAt: Date.UTC(2026, 10, 1, 8, 30) / 1000,
};


export function exampleBytes() {
  const crypto = createNodeCrypto();
  const seed = hexLiteral(EXAMPLE.issuerSeed);
  const pub = crypto.ed25519!.publicKeyOf(seed);
  const uid = hexLiteral(EXAMPLE.uid);
  const keyId = issuerKeyId(pub, crypto);
  const message = sealMessage(uid, EXAMPLE.link, EXAMPLE.sealedAt, keyId);
  const signature = crypto.ed25519!.sign(seed, message);
  const seal = { keyId, sealedAt: EXAMPLE.sealedAt, signature };
  const records = sealNdefRecords(EXAMPLE.link, seal);
  if (!records.ok) throw new Error(records.finding.message);
  const ndef = encodeNdefMessage(records.value);
  if (!ndef.ok) throw new Error(ndef.finding.message);
  const tlv = new Uint8Array(ndef.value.length + 3);
  tlv[0] = 0x03;
  tlv[1] = ndef.value.length;
  tlv.set(ndef.value, 2);
  tlv[tlv.length - 1] = 0xfe;
  return { publicKey: toHexUpper(pub), keyId: toHexUpper(keyId), message: toHexUpper(message), payload: toHexUpper(encodeSeal(seal)), ndef: toHexUpper(ndef.value), tlv: toHexUpper(tlv), tlvLength: tlv.length };
}

/** Hex in rows of 16 bytes, as in the doc. */
export function rows(hex: string): string {
  const out: string[] = [];
  for (let i = 0; i < hex.length; i += 32) out.push(hex.slice(i, i + 32).replace(/(..)(?!$)/g, '$1 '));
  return out.join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('seal-example.js')) {
  const b = exampleBytes();
  for (const [k, v] of Object.entries(b)) console.log(`## ${k}\n${typeof v === 'string' ? rows(v) : v}\n`);
}
