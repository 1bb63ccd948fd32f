// The closed loop at the ingest: its open alerts (acknowledged from here), and the story of the package whose tag
// was clicked last: every commission and scan of it across devices and sites, its state and its alerts.
import { $, h, clockTime, toast } from './dom.js';
import { api } from './api.js';

/** The UID (hex) of the tag whose package the panel follows, or null. */
let followed = null;
let showAcked = false;

const serial = (pkg) => (pkg.startsWith('https://') ? pkg.slice(pkg.lastIndexOf('/') + 1) : pkg);

function alertRow(a) {
  const ack = a.ackedAt
    ? h('span', { class: 'note' }, `acked by ${a.ackedBy}`)
    : h('button', { class: 'ack', title: 'acknowledge: seen and handled', onclick: () => api('POST', `/alerts/${encodeURIComponent(a.id)}/ack`, { by: 'console' }).then(refreshLoop, (e) => toast(e.message, true)) }, 'Ack');
  return h('li', { class: 'alert sev-' + a.severity + (a.ackedAt ? ' acked' : '') },
    h('span', { class: 'sev' }, a.severity), h('b', {}, a.rule), ' ', h('span', { class: 'pkg' }, serial(a.package)),
    h('div', { class: 'msg' }, a.message),
    h('div', { class: 'note' }, 'evidence: ' + a.evidence.map((e) => `${e.device} #${e.seq}`).join(', ')), ack);
}

function story(p) {
  const rows = p.timeline.map((e) =>
    h('tr', { class: e.verdict ? 'v-' + e.verdict : 'v-genuine' },
      h('td', {}, clockTime(Date.parse(e.time))), h('td', {}, e.step), h('td', {}, e.site), h('td', {}, `${e.device} #${e.seq}`), h('td', {}, e.kind === 'commission' ? 'sealed' : e.verdict)));
  return h('div', { class: 'story' },
    h('div', {}, h('b', {}, p.link ?? p.package), ' ', h('span', { class: 'chain state-' + p.state }, `${p.state} · ${p.site}`)),
    h('div', { class: 'note' }, p.commissioned ? `commissioned by ${p.commissioned.device} at ${p.commissioned.site}` : 'never commissioned by a packaging station', ` · UIDs ${p.uids.join(', ')}`),
    h('table', { class: 'records timeline' }, h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'step'), h('th', {}, 'site'), h('th', {}, 'record'), h('th', {}, 'verdict'))), h('tbody', {}, ...rows)),
    p.alerts.length ? h('ul', { class: 'alerts' }, ...p.alerts.map(alertRow)) : h('p', { class: 'note' }, 'no alert on this package'));
}

/** Follows the package of the tag `t` (a shelf tag) from now on. */
export function followTag(t) {
  if (t.badge) return;
  followed = t.uid.replace(/[^0-9a-fA-F]/g, '');
  $('#story-which').textContent = t.label;
  void refreshLoop();
}

export async function refreshLoop() {
  const list = await api('GET', '/alerts?state=' + (showAcked ? 'all' : 'open'));
  $('#alerts').replaceChildren(list.alerts.length ? h('ul', { class: 'alerts' }, ...list.alerts.map(alertRow)) : h('p', { class: 'note' }, showAcked ? 'no alert yet' : 'no open alert'));
  if (!followed) return;
  try {
    const s = await api('GET', '/packages/' + followed);
    $('#story').replaceChildren(...s.packages.map(story));
  } catch (e) {
    $('#story').replaceChildren(h('p', { class: 'note' }, e.message));
  }
}

export function setupLoop() {
  $('#alerts-acked').addEventListener('change', (e) => {
    showAcked = e.target.checked;
    void refreshLoop();
  });
}
