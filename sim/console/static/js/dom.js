// Small DOM helpers, so the page needs no framework.

export const $ = (sel) => document.querySelector(sel);

/** h('li', { class: 'x', onclick: f }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

/** "12 s", "3 min 4 s", "2 h 5 min" */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "14:03:07" in the browser's time zone. */
export function clockTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

/** Shows a short-lived message at the bottom of the page. */
export function toast(text, bad = false) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : '') }, text);
  document.body.append(t);
  setTimeout(() => t.remove(), bad ? 6000 : 2500);
}
