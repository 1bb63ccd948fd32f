// Queue and sync state, the network, power and fault controls, and the scanner's clock.
import { $, duration, toast } from './dom.js';
import { api } from './api.js';

async function act(fn) {
  try {
    return await fn();
  } catch (e) {
    toast(e.message, true);
  }
}

export function renderPanels(status) {
  const d = status.device;
  const q = d.queue;
  const s = d.sync;
  $('#clock').textContent = new Date(status.clock.wallTime).toLocaleString([], { hour12: false }) + (status.clock.skippedMs > 0 ? ` (+${duration(status.clock.skippedMs)})` : '');
  $('#q-depth').textContent = q ? q.unacked : '–';
  $('#q-age').textContent = q ? duration(q.oldestUnackedAgeMs) : '–';
  $('#q-state').textContent = q ? q.state : '–';
  $('#q-state').className = q ? 'st-' + q.state : '';
  $('#s-state').textContent = s ? s.state : 'off';
  $('#s-state').className = 'st-' + (s ? s.state : 'off');
  $('#q-bar').style.width = q ? `${Math.min(100, (100 * (q.capacityBytes - q.freeBytes)) / q.capacityBytes).toFixed(1)}%` : '0';
  $('#q-bar').className = q ? 'st-' + q.state : '';
  const parts = [];
  if (s) {
    if (s.nextAttemptAt && s.state !== 'idle') parts.push(`next try in ${duration(s.nextAttemptAt - d.time)} (attempt ${s.attempt + 1})`);
    if (s.lastError) parts.push(`last error: ${s.lastError.message}`);
    if (s.lastSuccessAt) parts.push(`last ack ${duration(d.time - s.lastSuccessAt)} ago`);
    parts.push(`${s.requests} requests, ${s.recordsSent} records sent, ${s.recordsAcked} acked`);
  }
  $('#sync-line').textContent = parts.join(' · ');
  for (const b of document.querySelectorAll('#net button')) b.classList.toggle('on', b.dataset.net === d.network.mode);
  $('#weak').classList.toggle('on', d.reader.weakField);
  $('#cut-write').classList.toggle('on', d.flash.cutArmed);
  $('#power-on').disabled = d.power === 'on';
  $('#cut-now').disabled = $('#cut-write').disabled = $('#reset').disabled = d.power !== 'on';
  const r = d.recovery;
  $('#power-note').textContent = d.power === 'off' ? 'off: ' + (d.off ? d.off.message.split('\n')[0] : '') : r && !r.clean ? `last boot recovered: ${r.lost.length ? 'lost seq ' + r.lost.map((x) => (x[0] === x[1] ? x[0] : x.join('-'))).join(', ') : 'nothing lost'}` : '';
}

export function setupPanels() {
  $('#step-btn').addEventListener('click', () => act(() => api('POST', '/step-button')));
  for (const b of document.querySelectorAll('#net button')) {
    b.addEventListener('click', () => act(() => api('POST', '/network', { mode: b.dataset.net, latencyMs: Number($('#latency').value) || 0, retryAfterS: Number($('#retry-after').value) || 0 })));
  }
  $('#sync-now').addEventListener('click', () => act(() => api('POST', '/sync')));
  $('#weak').addEventListener('click', () => act(() => api('POST', '/faults', { kind: 'weak-field', on: !$('#weak').classList.contains('on') })));
  for (const b of document.querySelectorAll('[data-fault]')) b.addEventListener('click', () => act(() => api('POST', '/faults', { kind: b.dataset.fault })));
  $('#cut-now').addEventListener('click', () => act(() => api('POST', '/power', { action: 'cut-now' })));
  $('#cut-write').addEventListener('click', () => {
    const v = $('#cut-bytes').value;
    act(() => api('POST', '/power', v === '' ? { action: 'cut-next-write' } : { action: 'cut-next-write', bytes: Number(v) }));
  });
  $('#power-on').addEventListener('click', () => act(() => api('POST', '/power', { action: 'on' })));
  $('#reset').addEventListener('click', () => act(() => api('POST', '/power', { action: 'reset' })));
  for (const b of document.querySelectorAll('[data-skip]')) b.addEventListener('click', () => act(() => api('POST', '/clock', { skipMs: Number(b.dataset.skip) })));
}
