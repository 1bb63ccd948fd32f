/**
 * The base of every error sealscan throws on purpose, in every folder (hal/ is the one folder all others may
 * import). `code` is stable and meant for programs: catch sites decide by class or code, never by message text.
 * Each subclass keeps its own codes and message format.
 */
export class SealscanError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    // Keeps instanceof working after ES5 down-levelling (Espruino build), for subclasses too: new.target is the
    // class that `new` named (TypeScript lowers it to this.constructor for ES5).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'SealscanError';
    this.code = code;
  }
}

/** True when `e` is a {@link SealscanError} (of `code`, when given). */
export function isSealscanError(e: unknown, code?: string): e is SealscanError {
  return e instanceof SealscanError && (code === undefined || e.code === code);
}

/**
 * Codes for broken hardware or misuse. Radio outcomes that happen in normal operation (no tag, timeout, collision,
 * CRC or parity error, NAK, authentication failure) are never thrown: they are {@link RadioResult} values.
 */
export type HalErrorCode =
  | 'SPI_IO' // the bus itself failed
  | 'NO_CHIP' // VersionReg reads 00h or FFh: nothing answers on the bus (wiring, power, chip-select)
  | 'CHIP_TIMEOUT' // the chip did not finish an internal command (soft reset, power-up, CalcCRC) in time
  | 'SELF_TEST' // the data sheet's self-test gave bytes other than its table's (counterfeit or damaged chip)
  | 'CHIP_STATE' // the chip reported something its datasheet rules out (for example a FIFO level above 64)
  | 'BAD_ARGUMENT' // the caller broke a documented precondition (out-of-range register, oversized frame)
  | 'WRITE_ERROR' // ErrorReg.WrErr: the host wrote the FIFO while the chip forbade it
  | 'UNMODELLED' // simulator: software touched a register bit the model does not implement
  | 'STORAGE_IO' // segment storage failed
  | 'STORAGE_CORRUPT' // storage holds bytes that cannot be what we wrote
  | 'NO_KEY' // the device has no signing key (not provisioned)
  | 'GPIO' // the GPIO chip or a pin cannot be used (sysfs missing, permissions, pin busy)
  | 'UPLINK'; // the uplink could not be used at all (misconfiguration)

/** The one error class thrown by hardware-facing code. `code` is stable and meant for programs; `message` for people. */
export class HalError extends SealscanError {
  declare readonly code: HalErrorCode;
  constructor(code: HalErrorCode, message: string) {
    super(code, code + ': ' + message);
    this.name = 'HalError';
  }
}
