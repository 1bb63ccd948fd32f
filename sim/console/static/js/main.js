// Wires the page: one event stream feeds every panel; the ingest view refreshes when a sync request ends.
import { $ } from './dom.js';
import { api, connect } from './api.js';
import { renderScanner, setupSound } from './scanner.js';
import { renderShelf, setupShelf } from './shelf.js';
import { renderPanels, setupPanels } from './panels.js';
import { refreshIngest } from './ingest.js';
import { addLog, setupScenarios } from './log.js';
import { refreshLoop, setupLoop } from './loop.js';

let shelfJson = '';
let ingestTimer = null;

function ingestSoon() {
  if (ingestTimer) return;
  ingestTimer = setTimeout(() => {
    ingestTimer = null;
    refreshIngest().catch(() => undefined);
    refreshLoop().catch(() => undefined);
  }, 250);
}

function render(status) {
  renderScanner(status, (t) => api('POST', '/reader/lift', { tag: t.id }).catch(() => undefined));
  renderPanels(status);
  // Re-draw the shelf only when it changed, so a click is never lost to a re-render.
  const json = JSON.stringify(status.tags);
  if (json !== shelfJson) {
    shelfJson = json;
    renderShelf(status.tags);
  }
}

setupShelf();
setupLoop();
setupPanels();
setupSound();
setupScenarios().catch(() => undefined);
connect({
  hello: ({ log, status }) => {
    $('#log').replaceChildren();
    addLog(log);
    render(status);
    ingestSoon();
  },
  log: (e) => {
    addLog([e]);
    if (e.type === 'uplink' || e.type === 'boot') ingestSoon();
  },
  status: render,
  state: (up) => {
    $('#conn').textContent = up ? 'live' : 'reconnecting…';
    $('#conn').className = 'conn ' + (up ? 'up' : 'down');
  },
});
setInterval(ingestSoon, 5000);
