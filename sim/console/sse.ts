// GET /api/events: Server-Sent Events. On connect, the log so far and the status; then every log entry as it
// happens, and the status whenever something happened (at most every 200 ms) and once a second for the clocks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleSession } from './session.js';

const STATUS_EVERY_MS = 1000;
const STATUS_AFTER_EVENT_MS = 200;

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function openEventStream(session: ConsoleSession, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  // Tell the browser to come back soon after a restart of `sealscan sim`.
  res.write('retry: 1000\n\n');
  send(res, 'hello', { log: session.log(), status: session.status() });
  let pending: ReturnType<typeof setTimeout> | undefined;
  const status = () => {
    pending = undefined;
    send(res, 'status', session.status());
  };
  const off = session.onLog((entry) => {
    send(res, 'log', entry);
    if (!pending) pending = setTimeout(status, STATUS_AFTER_EVENT_MS);
  });
  const tick = setInterval(status, STATUS_EVERY_MS);
  const close = () => {
    off();
    clearInterval(tick);
    if (pending) clearTimeout(pending);
  };
  req.on('close', close);
  res.on('error', close);
}
