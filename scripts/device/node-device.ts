// `sealscan run` on Node: picks the board for --reader (the Raspberry Pi's, or the PC runner's with the simulated
// reader, loaded only when asked for) and hands it to the one device assembly (firmware/app/device.ts).
import type { Board } from '../../hal/board.js';
import type { RfField } from '../../sim/rf/field.js';
import { Device } from '../../firmware/app/device.js';
import type { LoadedDevice } from './config-file.js';

export const FIRMWARE_VERSION = 'sealscan-node-0.1.0';

export interface NodeDevice {
  device: Device;
  board: Board;
  /** The simulated field when the reader is simulated (place and remove tags on it). */
  field?: RfField;
}

/** Builds the board for `reader`, then the device on it, and starts it. */
export async function startNodeDevice(d: LoadedDevice, reader: 'pi' | 'sim', log: (line: string) => void = console.log, onFailure?: (e: unknown) => void): Promise<NodeDevice> {
  const common = { deviceId: d.raw.deviceId, dataDir: d.dataDir, ingest: d.raw.ingest, firmware: FIRMWARE_VERSION, queue: d.raw.queue, log };
  let board: Board;
  let field: RfField | undefined;
  if (reader === 'pi') {
    const { createPiBoard } = await import('../../hal/rpi/board.js');
    board = await createPiBoard({ ...common, spi: d.raw.spi, gpio: d.raw.gpio });
  } else {
    const { createPcBoard } = await import('../../sim/runner/board.js');
    const pc = await createPcBoard(common);
    board = pc;
    field = pc.field;
  }
  let device: Device;
  try {
    device = new Device(board, { config: d.scanner, mode: d.raw.mode, onFailure });
    device.start();
  } catch (e) {
    board.close?.();
    throw e;
  }
  return { device, board, field };
}

/**
 * A packaging station: a device like a scanner (its own key, chain, queue in its dataDir, sync to its ingest), whose
 * tags are sealed by the seal command on its own reader, so the device never polls. The board is the PC runner's
 * (files, system clock, HTTP); its simulated reader is never used. Started: the boot record is written.
 */
export async function startStationDevice(d: LoadedDevice, log: (line: string) => void = () => {}): Promise<Device> {
  const { createPcBoard } = await import('../../sim/runner/board.js');
  const board = await createPcBoard({ deviceId: d.raw.deviceId, dataDir: d.dataDir, ingest: d.raw.ingest, firmware: FIRMWARE_VERSION, queue: d.raw.queue, log });
  try {
    const device = new Device(board, { config: d.scanner, mode: 'continuous', polling: 'manual' });
    device.start();
    return device;
  } catch (e) {
    board.close?.();
    throw e;
  }
}
