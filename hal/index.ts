export type { SpiDevice } from './spi.js';
export type { Clock } from './clock.js';
export { HalError } from './errors.js';
export type { HalErrorCode } from './errors.js';
export type { Frame, RadioFailure, RadioError, RadioOk, RadioResult, TransceiveOptions, Pcd } from './radio.js';
export { radioOk, radioError } from './radio.js';
export type { Activation, PiccReader, ChipVersion, SelfTestResult, AntennaGain, ReaderChip } from './reader.js';
export type { Sha256, Ed25519, OriginalityVerifier, Random, Crypto } from "./crypto.js";
export { crcA, crc16, withCrcA, checkCrcA, CRC_A_PRESET } from './iso14443a/crc-a.js';
