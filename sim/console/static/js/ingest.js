// The ingest's view: each device's chain (state, ack point, gaps, forks) and its newest records, decoded.
import { $, h, clockTime } from './dom.js';
import { api } from './api.js';

const open = new Set();

function ranges(list) {
  return list.map((g) => (g.first === g.last ? `${g.first}` : `${g.first}–${g.last}`)).join(', ');
}

/** One line for a record: what the payload says that matters to a person. */
function what(r) {
  const p = r.payload;
  switch (r.kind) {
    case 'scan':
      return `${p.verdict} · ${p.tagType} ${p.uid.toUpperCase()} · ${p.inspector}${p.reasons.length ? ' · ' + p.reasons.join(', ') : ''}`;
    case 'login':
    case 'logout':
      return p.inspector;
    case 'boot':
      return `boot ${p.boot} · ${p.reset} · ${p.firmware}`;
    case 'fault':
      return `${p.reason} · lost ${p.lost.map((x) => (x[0] === x[1] ? x[0] : x.join('–'))).join(', ') || 'none'} · ${p.discardedBytes} bytes`;
    case 'checkpoint':
      return `attests ${p.count} records`;
    default:
      return '';
  }
}

export async function refreshIngest() {
  const [view, recs] = await Promise.all([api('GET', '/ingest'), api('GET', '/ingest/records?last=40')]);
  $('#ingest-devices').replaceChildren(
    ...view.devices.map((d) =>
      h('div', { class: 'ingest-dev' },
        h('b', {}, d.id), ' ', h('span', { class: 'chain chain-' + d.chain, id: 'chain-state' }, d.chain),
        h('div', { class: 'note' },
          `${d.records} records · acked through ${d.ackedThrough}`,
          d.gaps.declared.length ? ` · declared lost: ${ranges(d.gaps.declared)}` : '',
          d.gaps.undeclared.length ? ` · UNDECLARED gaps: ${ranges(d.gaps.undeclared)}` : '',
          d.forks.length ? ` · forks at ${d.forks.map((f) => f.seq).join(', ')}` : '',
          d.rejects ? ` · ${d.rejects} refused (${Object.keys(d.rejectReasons).join(', ')})` : '',
          d.held ? ` · ${d.held} held behind a gap` : ''))),
  );
  const rows = [];
  for (const r of recs.records.slice().reverse()) {
    const key = r.seq;
    const toggle = () => {
      if (open.has(key)) open.delete(key);
      else open.add(key);
      void refreshIngest();
    };
    rows.push(h('tr', { class: 'rec rec-' + r.kind + (r.payload.verdict ? ' v-' + r.payload.verdict : ''), onclick: toggle, title: 'show the decoded payload' },
      h('td', {}, String(r.seq)), h('td', {}, r.kind), h('td', {}, clockTime(Date.parse(r.time))), h('td', {}, what(r))));
    if (open.has(key)) rows.push(h('tr', { class: 'payload' }, h('td', { colspan: '4' }, h('pre', {}, JSON.stringify({ hash: r.hash, alg: r.alg, receivedAt: r.receivedAt, payload: r.payload }, null, 2)))));
  }
  $('#records').replaceChildren(...rows);
}
