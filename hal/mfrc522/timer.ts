/**
 * The driver's use of the MFRC522 timer (data sheet 8.5): a fixed prescaler giving a tick of about 100 µs, so that
 * timeouts up to 25.5 ms need only TReloadRegL and changing the timeout costs one register write.
 * f_timer = 13.56 MHz / (2·TPrescaler + 1); delay = (TReload + 1) / f_timer.
 */
export const TPRESCALER = 677;
export const TICK_US = ((2 * TPRESCALER + 1) / 13.56e6) * 1e6;
const DEFAULT_RELOAD = 49; // 5 ms

export class TimerConfig {
  reloadHi = 0;
  reloadLo = DEFAULT_RELOAD;

  prescalerHi(): number {
    return (TPRESCALER >> 8) & 0x0f;
  }

  prescalerLo(): number {
    return TPRESCALER & 0xff;
  }

  reset(): void {
    this.reloadHi = 0;
    this.reloadLo = DEFAULT_RELOAD;
  }

  /** Chooses TReload for a timeout of at least `us`; reports which of the two registers changed. */
  set(us: number): { hi: boolean; lo: boolean } {
    let ticks = Math.ceil(us / TICK_US);
    if (ticks < 1) ticks = 1;
    if (ticks > 0x10000) ticks = 0x10000;
    const reload = ticks - 1;
    const hi = (reload >> 8) & 0xff;
    const lo = reload & 0xff;
    const change = { hi: hi !== this.reloadHi, lo: lo !== this.reloadLo };
    this.reloadHi = hi;
    this.reloadLo = lo;
    return change;
  }
}
