// A database whose schema this ingest cannot use as it is: written by a newer sealscan, or older and not yet
// migrated (`sealscan ingest --migrate`).
import { SealscanError } from '../hal/errors.js';
export class SchemaError extends SealscanError {
  declare readonly code: 'NEWER' | 'OLDER';
  constructor(code: 'NEWER' | 'OLDER', message: string) {
    super(code, message);
    this.name = 'SchemaError';
  }
}
