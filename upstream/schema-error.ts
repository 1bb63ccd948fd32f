// A database whose schema this ingest cannot use as it is: written by a newer sealscan, or older and not yet
// migrated (`sealscan ingest --migrate`).
export class SchemaError extends Error {
  constructor(
    readonly code: 'NEWER' | 'OLDER',
    message: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}
