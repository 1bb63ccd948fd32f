// Talking to `sealscan sim`: JSON calls under /api and the event stream.

/** Calls the API; resolves with the JSON answer, rejects with an Error carrying the server's message. */
export async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined || method === 'POST') {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  const res = await fetch('/api' + path, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ? json.error.message : `HTTP ${res.status}`);
  return json;
}

/** Opens the event stream; the browser reconnects by itself (after a restart of `sealscan sim`, too). */
export function connect({ hello, log, status, state }) {
  const es = new EventSource('/api/events');
  es.addEventListener('hello', (e) => hello(JSON.parse(e.data)));
  es.addEventListener('log', (e) => log(JSON.parse(e.data)));
  es.addEventListener('status', (e) => status(JSON.parse(e.data)));
  es.onopen = () => state(true);
  es.onerror = () => state(false);
  return es;
}
