// What the Espruino self-test is built with (scripts/espruino/build.ts writes it to dist/espruino/selftest.json and
// into selftest.js): the device, the issuer it trusts, and its simulated tags, made on Node. Tests read the same
// file to give the simulator's scanner the same taps.

export interface SelftestData {
  deviceId: string;
  site: string;
  hmacKey: string;
  issuer: { name: string; publicKey: string };
  originalityKey: string;
  badge: { uid: string; block4: string };
  tags: Array<{ uid: string; memory: string; signature: string }>;
  /** Taps after the badge: tag (tap - 1) % tags.length each time. */
  taps: number;
}
