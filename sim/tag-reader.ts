// A simulated reader for one virtual tag file: the same driver and protocol code as on a Pi, run against the
// register-level chip with the tag on it. The tag is written back after the operation, so its memory (a seal,
// a password) persists like on a real tag.
import { readFileSync } from 'node:fs';
import { loadTag, TagFileError, writeTagFile } from './tag-file.js';
import { isSealscanError, SealscanError } from '../hal/errors.js';
import { onStationReader } from './station.js';
import type { Iso14443aReader } from '../hal/iso14443a/reader.js';
import type { Activation } from '../hal/reader.js';
import type { Picc } from './rf/air.js';

/** The tag file or the simulated reader cannot be used as asked (code `READER_USE`); the message says why. */
export class ReaderUseError extends SealscanError {
  declare readonly code: 'READER_USE';
  constructor(message: string) {
    super('READER_USE', message);
    this.name = 'ReaderUseError';
  }
}

/** What a tag file is, for messages about one that is missing or wrong. */
const TAG_FILE = 'a virtual tag file (sealscan tag new KIND --out FILE, or the console\'s shelf)';

export function readTagFile(file: string): { tag: Picc; label?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReaderUseError(`${file}: no such file; expected ${TAG_FILE}`);
    if (code === 'EISDIR') throw new ReaderUseError(`${file} is a folder; expected ${TAG_FILE}`);
    throw new ReaderUseError(`cannot read tag file ${file}: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ReaderUseError(`${file} is not JSON; expected ${TAG_FILE}`);
  }
  try {
    return { tag: loadTag(json), label: (json as { label?: string }).label };
  } catch (e) {
    if (e instanceof TagFileError) throw new ReaderUseError(`${file}: ${e.message}`);
    throw e;
  }
}

/** Puts the tag of `file` on the simulated station reader, activates it and runs `fn`; saves the tag afterwards when `save`. */
export async function onSimReader<T>(file: string, save: boolean, fn: (reader: Iso14443aReader, a: Activation, tag: Picc) => T): Promise<T> {
  const { tag, label } = readTagFile(file);
  let result: T;
  let answered = false;
  try {
    result = await onStationReader(tag, (reader, a) => {
      answered = true;
      return fn(reader, a, tag);
    });
  } catch (e) {
    // onStationReader throws a plain Error (no code) when the tag does not activate; anything after is fn's own.
    if (!answered && !isSealscanError(e)) throw new ReaderUseError(`the tag in ${file} does not answer on the simulated reader`);
    throw e;
  }
  if (save) writeTagFile(file, tag, label);
  return result;
}
