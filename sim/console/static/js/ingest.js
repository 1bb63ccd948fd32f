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
        h('b', {}, d.id), ' ', h('span', { class: 'chain chain-' + d.chain, id: d.id === recs.device ? 'chain-state' : undefined }, d.chain),
        h('div', { class: 'note' },
          `${d.records} records · acked through ${d.ackedThrough}`,
          d.gaps.declared.length ? ` · declared lost: ${ranges(d.gaps.declared)}` : '',
          d.gaps.undeclared.length ? ` · UNDECLARED gaps: ${ranges(d.gaps.undeclared)}` : '',
          d.forks.length ? ` · forks at ${d.forks.map((f) => f.seq).join(', ')}` : '',
          d.rejects ? ` · ${d.rejects} refused (${Object.keys(d.rejectReasons).join(', ')})` : '',
          d.held ? ` · ${d.held} held behind a gap` : ''),
        h('div', { class: 'note' }, 'export from the ingest: ',
          ...[['cose', 'COSE (for sealscan verify)'], ['epcis', 'EPCIS 2.0'], ['json', 'JSON']].map(([f, label], i) =>
            [i ? ' · ' : '', h('a', { href: `/api/ingest/export?format=${f}&device=${encodeURIComponent(d.id)}`, target: '_blank', rel: 'noopener' }, label)])))),
  );
  const rows = [];
  const dev = view.devices.find((d) => d.id === recs.device);
  const list = recs.records.slice().reverse();
  list.forEach((r, i) => {
    const key = r.seq;
    const toggle = () => {
      if (open.has(key)) open.delete(key);
      else open.add(key);
      void refreshIngest();
    };
    rows.push(h('tr', { class: 'rec rec-' + r.kind + (r.payload.verdict ? ' v-' + r.payload.verdict : ''), onclick: toggle, title: 'show the decoded payload' },
      h('td', {}, String(r.seq)), h('td', {}, r.kind), h('td', {}, clockTime(Date.parse(r.time))), h('td', {}, what(r))));
    if (open.has(key)) rows.push(h('tr', { class: 'payload' }, h('td', { colspan: '4' }, h('pre', {}, JSON.stringify({ hash: r.hash, alg: r.alg, receivedAt: r.receivedAt, payload: r.payload }, null, 2)))));
    // A seq the ingest does not hold shows as a row of its own: declared lost by a fault record, or a real gap.
    const below = list[i + 1];
    if (below && below.seq < r.seq - 1) {
      const first = below.seq + 1;
      const last = r.seq - 1;
      const decl = dev && dev.gaps.declared.find((g) => g.first <= first && last <= g.last);
      rows.push(h('tr', { class: 'gap' + (decl ? '' : ' undeclared') }, h('td', {}, first === last ? `${first}` : `${first}–${last}`), h('td', {}, decl ? 'lost' : 'missing'), h('td', {}, ''),
        h('td', {}, decl ? `declared lost by fault record ${decl.faultSeq} (${decl.reason})` : 'not held and not declared lost')));
    }
  });
  $('#records').replaceChildren(...rows);
}
