// The scanner's fixtures the sweeps and the tests share: a crypto, an issuer the scanner trusts, a device key, the
// configuration, an inspector badge.
import { createNodeCrypto } from '../../hal/node/crypto.js';
import type { ScannerConfig } from '../../firmware/app/config.js';
import { badgeBlock } from '../../firmware/app/badge.js';
import { SIM_ORIGINALITY_PUBLIC_KEY, MifareClassic1K } from '../tags/index.js';

export const crypto = createNodeCrypto();
export const issuer = crypto.ed25519!.generateKeyPair();
export const deviceKey = crypto.ed25519!.generateKeyPair();
export const DEVICE = 'scanner-test-1';

export function config(extra: Partial<ScannerConfig> = {}): ScannerConfig {
  return {
    deviceId: DEVICE,
    site: '9506000000001',
    firmware: 'sealscan-test',
    trust: { issuers: [{ name: 'Acme Pharma', publicKey: issuer.publicKey }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] },
    ...extra,
  };
}

export function badge(inspector: string, uid = [0xba, 0xd6, 0xe0, 0x01]): MifareClassic1K {
  return new MifareClassic1K({ uid, blocks: { 4: Array.from(badgeBlock(inspector)) } });
}
