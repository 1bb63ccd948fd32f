// The event log (newest on top) and the scenario runner.
import { $, h, clockTime, toast } from './dom.js';
import { api } from './api.js';

const MAX = 200;

export function addLog(entries) {
  const list = $('#log');
  for (const e of entries) {
    list.prepend(h('li', { class: 'ev-' + e.type }, h('time', {}, clockTime(e.at)), h('span', { class: 'type' }, e.type), h('span', {}, e.text)));
  }
  while (list.children.length > MAX) list.lastChild.remove();
}

function clock(ms) {
  const s = Math.floor(ms / 1000);
  const h2 = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = ((ms % 60000) / 1000).toFixed(3).padStart(6, '0');
  return (h2 ? `${h2}:${String(m).padStart(2, '0')}` : `${m}`) + ':' + rest;
}

export async function setupScenarios() {
  const { scenarios } = await api('GET', '/scenarios');
  const select = $('#scenario');
  select.replaceChildren(...scenarios.map((s) => h('option', { value: s.name }, `${s.name} — ${s.title}`)));
  const describe = () => ($('#scen-summary').textContent = scenarios.find((s) => s.name === select.value)?.summary ?? '');
  select.addEventListener('change', describe);
  describe();
  $('#run-scenario').addEventListener('click', async () => {
    $('#run-scenario').disabled = true;
    $('#scen-result').textContent = 'running…';
    try {
      const r = await api('POST', `/scenarios/${select.value}/run`);
      $('#scen-result').textContent = `${r.ok ? 'PASS' : 'FAIL'}: ${r.checks.filter((c) => c.ok).length} of ${r.checks.length} expectations held, ${clock(r.virtualMs)} of virtual time in ${r.realMs} ms`;
      $('#scen-result').className = 'note ' + (r.ok ? 'pass' : 'fail');
      $('#transcript').replaceChildren(
        ...r.lines.map((l) => h('div', { class: 'tl tl-' + l.kind + (l.ok === false ? ' bad' : '') },
          h('span', { class: 't' }, clock(l.t).padStart(11)), h('span', { class: 'k' }, l.kind), h('span', { class: 'x' }, (l.kind === 'check' ? (l.ok ? '✓ ' : '✗ ') : '') + l.text),
          h('span', { class: 'q' }, `q=${l.queue ?? '-'} ${l.sync}`))),
      );
    } catch (e) {
      toast(e.message, true);
      $('#scen-result').textContent = '';
    } finally {
      $('#run-scenario').disabled = false;
    }
  });
}
