// The tag shelf: every virtual tag with what it holds, and what can be done with it.
import { $, h, toast } from './dom.js';
import { api } from './api.js';
import { followTag } from './loop.js';

let mode = 'tap';
let pullArmed = false;
let sealing = null;
/** Ids of tags whose action row is open; kept across re-draws of the shelf. */
const openMenus = new Set();

/** A link that fits the tag beside its seal: GTIN plus a serial made from the UID. */
function suggestedLink(t) {
  return t.kind.startsWith('ultralight') ? `https://acme.eu/01/09506000134352/21/${t.uid.slice(-2)}` : `https://id.gs1.org/01/09506000134352/21/${t.uid.slice(-6)}`;
}

async function act(fn) {
  try {
    return await fn();
  } catch (e) {
    toast(e.message, true);
  }
}

/** What a click on the tag does: tap, hold/lift, or the armed pull-away. */
export function click(t) {
  followTag(t);
  if (pullArmed) {
    pullArmed = false;
    $('#pull-away').classList.remove('on');
    return act(() => api('POST', '/reader/pull-away', { tag: t.id, afterBytes: Number($('#pull-bytes').value) || 0 }));
  }
  if (mode === 'hold' || t.onReader) return act(() => api('POST', t.onReader ? '/reader/lift' : '/reader/place', { tag: t.id }));
  return act(() => api('POST', '/reader/tap', { tag: t.id }));
}

/** Two or three letters for the tag's icon: its type at a glance (no emoji font needed). */
function iconText(t) {
  if (t.kind === 'mifare-classic-1k') return t.badge ? 'ID' : '1K';
  if (t.kind === 'ntag213tt') return 'TT';
  if (t.kind.startsWith('ultralight')) return 'EV1';
  return t.kind.slice(-3);
}

function chips(t) {
  const out = [];
  if (t.badge) out.push(h('span', { class: 'chip badge' }, 'badge ' + t.badge));
  else if (t.seal) out.push(h('span', { class: 'chip sealed', title: `sealed ${t.seal.sealedAt} by key ${t.seal.keyId}` }, 'sealed'));
  else out.push(h('span', { class: 'chip' }, t.kind === 'mifare-classic-1k' ? 'card' : 'blank'));
  if (/clone|copied/.test(t.label)) out.push(h('span', { class: 'chip fake' }, 'counterfeit'));
  if (t.tamper) out.push(h('span', { class: 'chip ' + (t.tamper.loopClosed ? (t.tamper.seenOpen ? 'warn' : '') : 'fake') }, t.tamper.loopClosed ? (t.tamper.seenOpen ? 'loop repaired' : 'loop intact') : 'loop open'));
  if (t.onReader) out.push(h('span', { class: 'chip on' }, 'on reader'));
  return out;
}

function menu(t) {
  const items = [];
  const type2 = t.kind !== 'mifare-classic-1k';
  if (type2) items.push(h('button', { onclick: () => openSeal(t) }, t.seal ? 'Reseal…' : 'Seal…'));
  if (type2) items.push(h('button', { onclick: () => act(() => api('POST', `/tags/${t.id}/clone`, { mode: 'magic' })), title: 'same UID and memory, but no valid originality signature' }, 'Magic clone'));
  if (type2) items.push(h('button', { onclick: () => act(() => api('POST', `/tags/${t.id}/clone`, { mode: 'copy-seal' })), title: 'this seal copied onto another genuine tag' }, 'Copy seal'));
  if (t.tamper) items.push(h('button', { onclick: () => act(() => api('POST', `/tags/${t.id}/tamper`, { open: t.tamper.loopClosed })) }, t.tamper.loopClosed ? 'Cut loop' : 'Repair loop'));
  if (type2) items.push(h('button', { onclick: () => followTag(t), title: 'its story at the ingest, in the closed-loop panel' }, 'Story'));
  items.push(h('button', { onclick: () => showMemory(t), title: 'the bytes the chip holds, as pages or blocks' }, 'Memory…'));
  items.push(h('button', { class: 'danger', onclick: () => act(() => api('DELETE', `/tags/${t.id}`)) }, 'Throw away'));
  const panel = h('div', { class: 'items' }, ...items);
  panel.hidden = !openMenus.has(t.id);
  const toggle = h('button', { class: 'more' + (panel.hidden ? '' : ' on'), title: 'seal, clone, tamper, throw away', onclick: () => {
    panel.hidden = !panel.hidden;
    toggle.classList.toggle('on', !panel.hidden);
    if (panel.hidden) openMenus.delete(t.id);
    else openMenus.add(t.id);
  } }, '⋯');
  // An action closes the menu.
  for (const b of items) {
    b.addEventListener('click', () => {
      openMenus.delete(t.id);
      panel.hidden = true;
      toggle.classList.remove('on');
    });
  }
  return [toggle, panel];
}

export function renderShelf(tags) {
  $('#tags').replaceChildren(
    ...tags.map((t) => {
      const m = menu(t);
      return h('li', { class: 'tag' + (t.onReader ? ' placed' : ''), 'data-id': t.id },
        h('button', { class: 'face', title: t.link ?? '', onclick: () => click(t) },
          h('span', { class: 'icon ' + (t.badge ? 'i-badge' : t.seal ? 'i-sealed' : 'i-blank') }, iconText(t)),
          h('span', { class: 'name' }, h('b', {}, t.label), h('small', {}, `${t.model} · ${t.uid}`))),
        h('div', { class: 'chips' }, ...chips(t)),
        m);
    }),
  );
}

/** A hex dump: address (page or block number), bytes, and the printable ASCII beside them. */
async function showMemory(t) {
  const m = await act(() => api('GET', `/tags/${t.id}/memory`));
  if (!m) return;
  const ascii = (hex) => hex.match(/../g).map((b) => { const c = parseInt(b, 16); return c >= 32 && c < 127 ? String.fromCharCode(c) : '.'; }).join('');
  const lines = m.rows.map((r, i) => `${(m.unit === 4 ? 'page ' : 'block ') + i.toString(16).toUpperCase().padStart(2, '0')}  ${r.match(/../g).join(' ').toUpperCase()}  ${ascii(r)}`);
  if (m.signature) lines.push('', `originality signature  ${m.signature.toUpperCase()}`);
  $('#mem-which').textContent = `${t.model} ${t.uid}`;
  $('#mem-dump').textContent = lines.join('\n');
  $('#mem-dialog').showModal();
}

function openSeal(t) {
  sealing = t;
  $('#seal-which').textContent = `${t.model} ${t.uid}`;
  $('#seal-link').value = t.link ?? suggestedLink(t);
  $('#seal-replace').checked = !!t.seal;
  $('#seal-error').textContent = '';
  $('#seal-dialog').showModal();
}

export function setupShelf() {
  $('#new-tag').addEventListener('submit', (e) => {
    e.preventDefault();
    act(() => api('POST', '/tags', { kind: $('#new-kind').value }));
  });
  $('#new-badge').addEventListener('submit', (e) => {
    e.preventDefault();
    act(() => api('POST', '/tags', { inspector: $('#badge-id').value.trim() }));
  });
  $('#demo-shelf').addEventListener('click', () => act(() => api('POST', '/tags/demo')));
  for (const b of document.querySelectorAll('#tap-mode button')) {
    b.addEventListener('click', () => {
      mode = b.dataset.mode;
      for (const x of document.querySelectorAll('#tap-mode button')) x.classList.toggle('on', x === b);
    });
  }
  $('#pull-away').addEventListener('click', () => {
    pullArmed = !pullArmed;
    $('#pull-away').classList.toggle('on', pullArmed);
    if (pullArmed) toast('Now click the tag to pull away mid-read');
  });
  $('#seal-go').addEventListener('click', async (e) => {
    e.preventDefault();
    try {
      await api('POST', `/tags/${sealing.id}/seal`, { link: $('#seal-link').value.trim(), replace: $('#seal-replace').checked });
      $('#seal-dialog').close();
    } catch (err) {
      $('#seal-error').textContent = err.message;
    }
  });
}
