// What `sealscan run` says about sync: nothing while it works, one line when it starts failing or the kind of failure
// changes, one line when it works again, and where it stands when the runner stops. A technician watching the
// journal sees an ingest that is down without a line per retry.
import type { SyncError, SyncStatus } from '../../firmware/sync/types.js';

/** How often the runner looks at the sync worker's status, ms. */
const WATCH_MS = 250;

function records(n: number): string {
  return `${n} record${n === 1 ? '' : 's'}`;
}

/** The failure in words, without the retry detail. */
function problem(e: SyncError, ingest: string): string {
  if (e.kind === 'unreachable' || e.kind === 'timeout' || e.kind === 'reset') return `could not reach the ingest at ${ingest}`;
  if (e.kind === 'http') return `the ingest at ${ingest} answered HTTP ${e.status ?? '?'}`;
  if (e.kind === 'rejected' || e.kind === 'ack-mismatch') return `the ingest at ${ingest} refused the records`;
  if (e.kind === 'answer') return `the ingest at ${ingest} gave an answer the scanner cannot use`;
  return 'the queue could not be read for sync';
}

/** The state as a key: ok, or the failure in words; a line is printed when it changes. */
function stateOf(s: SyncStatus, ingest: string): string {
  return s.lastError ? problem(s.lastError, ingest) + (s.lastError.permanent ? ' (blocked)' : '') : 'ok';
}

/** The line for a state just entered. */
export function syncLine(s: SyncStatus, ingest: string): string {
  const e = s.lastError;
  if (!e) return `sync: reached the ingest again (${records(s.queueDepth)} waiting)`;
  const retry = e.permanent ? 'retrying every few minutes until someone fixes it' : 'retrying with backoff';
  return `sync: ${problem(e, ingest)} (${records(s.queueDepth)} waiting): ${e.message}; ${retry}`;
}

/** Where sync stands, for the runner's last line. */
export function syncAtExit(s: SyncStatus, ingest: string): string {
  if (s.lastError) return `sync at exit: ${problem(s.lastError, ingest)} (${records(s.queueDepth)} wait in the queue for the next start): ${s.lastError.message}`;
  if (s.queueDepth > 0) return `sync at exit: ${records(s.queueDepth)} not yet sent; they go at the next start`;
  return 'sync at exit: every record synced';
}

/**
 * Watches `status()` and calls `say` with a line each time the sync state changes (never on the first look while
 * all is well). Returns the function that stops watching.
 */
export function watchSync(status: () => SyncStatus, ingest: string, say: (line: string) => void): () => void {
  let last = 'ok';
  const look = () => {
    // The worker keeps its last error until an answer it could use, so a request still out changes nothing here.
    const s = status();
    const now = stateOf(s, ingest);
    if (now === last) return;
    say(syncLine(s, ingest));
    last = now;
  };
  const timer = setInterval(look, WATCH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    look();
  };
}
