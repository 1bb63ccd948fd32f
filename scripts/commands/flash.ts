import { commandArgs, OptionError, usageError } from '../command-args.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { keyStoreOf } from '../../hal/node/board-parts.js';
import { isSealscanError } from '../../hal/errors.js';
import { CONFIG_FILE, KEY_FILE, readEspruinoDevice } from '../espruino/device/config.js';
import { asciiJson } from '../../sim/espruino/tokens.js';

const USAGE = `usage: sealscan flash --board ESP32 --port PORT --config device-espruino.json [--data DIR] [--image FILE]
       sealscan flash --board ESP32 --config device-espruino.json --dry-run --out DIR

Writes the scanner to an Espruino board's Storage: the device image as its boot code (.bootcde), the configuration
(${CONFIG_FILE}) and the device key (${KEY_FILE}); then reads the three files back and compares their SHA-256 with
what was sent, and restarts the board. sealscan provision --target espruino writes the configuration and the key.

  --board B       ESP32 (the boards this image is built and checked for)
  --port PORT     the board's serial port (/dev/ttyUSB0, COM3), or tcp://HOST:PORT for a network console
  --config FILE   the device's configuration (format sealscan-espruino/1), checked before anything is sent
  --data DIR      where provision keeps the device key (default ./sealscan-data)
  --image FILE    the device image (default dist/espruino/firmware.js: npm run build:espruino)
  --dry-run       send nothing; with --out DIR write exactly what would be sent: upload.js (the code the board
                  runs), files/ (each Storage file), manifest.json (names, sizes, SHA-256, the read-back)

The image is pretokenised, as the Espruino IDE can upload code: bytes from 128 up are the interpreter's tokens
(node dist/scripts/espruino/check.js FILE reads one back and checks it). upload.js is ASCII and carries those bytes
as \\xNN escapes.

Upload needs the espruino package and a board running Espruino 2v29 or later with the crypto library (the ESP32
build has it). Espruino's TLS does not check certificates: prefer an ingest on the local network.

exit status: 0 written and read back, 1 the board could not be reached or read back other bytes, 2 usage error`;

const OPTIONS = {
  board: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' }, data: { type: 'string' }, image: { type: 'string' },
  'dry-run': { type: 'boolean' }, out: { type: 'string' },
} as const;

export const BOARDS = ['ESP32'];
/** Bytes per Storage.write in the upload: small enough for a 5,100-variable board to hold as one string. */
export const CHUNK = 1024;
const BOOT_FILE = '.bootcde';

export interface StorageFileImage {
  name: string;
  text: string;
}

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');

/**
 * `bytes` (one byte per character) as an ASCII string literal Espruino reads back as those bytes: bytes from 127 up
 * as \xNN, which the interpreter keeps as single bytes (a raw byte there would be taken for UTF-8 by some builds).
 */
export function byteLiteral(bytes: string): string {
  return JSON.stringify(bytes).replace(/[\u007f-\u00ff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16));
}

/** The code that writes `files` to Storage, chunk by chunk (a file is created at its full size by its first chunk). */
export function uploadCode(files: StorageFileImage[]): string {
  const lines = ['(function () {', '  var S = require("Storage");'];
  for (const f of files) {
    const wide = /[^\u0000-\u00ff]/.exec(f.text);
    if (wide) throw new Error(`${f.name}: character U+${wide[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${wide.index} is not a byte (Storage files are written as bytes)`);
    lines.push(`  S.erase(${JSON.stringify(f.name)});`);
    for (let at = 0; at < f.text.length || at === 0; at += CHUNK) {
      const chunk = byteLiteral(f.text.slice(at, at + CHUNK));
      lines.push(at === 0 ? `  S.write(${JSON.stringify(f.name)}, ${chunk}, 0, ${f.text.length});` : `  S.write(${JSON.stringify(f.name)}, ${chunk}, ${at});`);
      if (f.text.length === 0) break;
    }
  }
  lines.push('  console.log("sealscan flash: written");', '})();');
  return lines.join('\n') + '\n';
}

/** An expression the board evaluates after the upload: the SHA-256 of each file, hex, comma-separated. */
export function readBackExpression(files: StorageFileImage[]): string {
  const names = JSON.stringify(files.map((f) => f.name));
  return `(function(){var S=require("Storage"),C=require("crypto");return ${names}.map(function(n){var b=S.readArrayBuffer(n);if(!b)return "missing";var h=new Uint8Array(C.SHA256(new Uint8Array(b))),s="";for(var i=0;i<32;i++)s+=(h[i]<16?"0":"")+h[i].toString(16);return s;}).join(",");})()`;
}

function filesFor(configFile: string, dataDir: string, imageFile: string): StorageFileImage[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (e) {
    throw new OptionError(`${configFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (sealscan provision --target espruino writes it)' : 'is not valid JSON'}`);
  }
  let deviceId: string;
  try {
    deviceId = readEspruinoDevice(json, 'flash').file.deviceId;
  } catch (e) {
    if (isSealscanError(e)) throw new OptionError(`${configFile}: ${(e as Error).message}`);
    throw e;
  }
  const identity = keyStoreOf(dataDir).load(deviceId);
  if (!identity) throw new OptionError(`no key for ${deviceId} in ${join(dataDir, 'keys')}: run sealscan provision --target espruino (or pass --data)`);
  const reg = identity.registration();
  if (reg.alg !== 'hmac-sha256') throw new OptionError(`${deviceId}'s key is ${reg.alg}; an Espruino board signs with hmac-sha256 (provision --target espruino)`);
  if (!existsSync(imageFile)) throw new OptionError(`${imageFile}: no device image; run npm run build:espruino first`);
  const image = readFileSync(imageFile, 'latin1');
  return [
    // ASCII JSON (\u escapes beyond it): the same values, one byte per character.
    { name: CONFIG_FILE, text: asciiJson(json) },
    { name: KEY_FILE, text: Buffer.from(reg.hmacKey).toString('hex') },
    { name: BOOT_FILE, text: image },
  ];
}

export async function run(args: string[]): Promise<number> {
  const parsed = commandArgs('flash', USAGE, args, OPTIONS);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  let files: StorageFileImage[];
  try {
    if (!v.board) throw new OptionError('--board is required (ESP32)');
    if (!BOARDS.includes(v.board)) throw new OptionError(`--board ${v.board} is not one this image is built for (${BOARDS.join(', ')})`);
    if (!v.config) throw new OptionError('--config is required (the device-espruino.json provision wrote)');
    if (v['dry-run'] ? !v.out : !v.port) throw new OptionError(v['dry-run'] ? '--dry-run needs --out DIR' : '--port is required (or --dry-run --out DIR)');
    const root = new URL('../../..', import.meta.url).pathname;
    files = filesFor(v.config, resolve(v.data ?? 'sealscan-data'), v.image ?? join(root, 'dist', 'espruino', 'firmware.js'));
  } catch (e) {
    if (e instanceof OptionError) return usageError('flash', USAGE, e.message);
    throw e;
  }
  const code = uploadCode(files);
  const expected = files.map((f) => sha256(f.text)).join(',');
  if (v['dry-run']) {
    const out = resolve(v.out!);
    mkdirSync(join(out, 'files'), { recursive: true });
    for (const f of files) writeFileSync(join(out, 'files', f.name), f.text, 'latin1');
    writeFileSync(join(out, 'upload.js'), code);
    const manifest = { board: v.board, port: v.port ?? null, files: files.map((f) => ({ name: f.name, bytes: f.text.length, sha256: sha256(f.text) })), readBack: readBackExpression(files), expected };
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    console.log(`dry run: ${files.length} Storage files (${files.map((f) => `${f.name} ${f.text.length} bytes`).join(', ')}) and upload.js (${code.length} bytes) in ${out}`);
    return 0;
  }
  let espruino: { init(cb: () => void): void; sendCode(port: string, code: string, cb: (out?: string) => void): void; expr(port: string, e: string, cb: (r?: unknown) => void): void };
  try {
    espruino = createRequire(import.meta.url)('espruino');
  } catch (e) {
    console.error(`sealscan flash: the espruino package is not installed (${(e as Error).message})`);
    return 1;
  }
  await new Promise<void>((r) => espruino.init(r));
  const sent = await new Promise<string | undefined>((r) => espruino.sendCode(v.port!, code, r));
  if (sent === undefined || !/sealscan flash: written/.test(sent)) {
    console.error(`sealscan flash: ${v.port}: the board did not confirm the upload${sent ? `: ${sent.trim().slice(-200)}` : ' (cannot connect)'}`);
    return 1;
  }
  const got = await new Promise<unknown>((r) => espruino.expr(v.port!, readBackExpression(files), r));
  if (got !== expected) {
    console.error(`sealscan flash: read back other bytes than were sent:\n  sent ${expected}\n  read ${String(got)}`);
    return 1;
  }
  await new Promise<string | undefined>((r) => espruino.sendCode(v.port!, 'load();\n', r));
  console.log(`flashed ${files.map((f) => f.name).join(', ')} to ${v.board} on ${v.port}; read back and compared; restarted`);
  return 0;
}
