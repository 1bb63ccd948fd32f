// The scanner as the inspector sees it: LED, two-line display, buzzer (drawn, and heard when sound is on), and what
// lies on its reader.
import { $, h } from './dom.js';

let lastBeepAt = 0;
let audio = null;

/** Browsers allow sound only after a gesture: the audio context is made when the box is ticked. */
export function setupSound() {
  $('#sound').addEventListener('change', () => {
    if (!$('#sound').checked) return;
    audio = audio || new AudioContext();
    void audio.resume();
  });
}

/** Plays a beep pattern (on/off ms, starting with on) at the buzzer's pitch. */
function play(pattern) {
  if (!$('#sound').checked || !audio) return;
  let t = audio.currentTime + 0.02;
  pattern.forEach((ms, i) => {
    if (i % 2 === 0) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.type = 'square';
      o.frequency.value = 2700;
      g.gain.value = 0.05;
      o.connect(g).connect(audio.destination);
      o.start(t);
      o.stop(t + ms / 1000);
    }
    t += ms / 1000;
  });
}

/** Flashes the drawn speaker for the length of the pattern. */
function ring(pattern) {
  const sp = $('#speaker');
  const total = pattern.reduce((a, b) => a + b, 0);
  sp.classList.add('ringing');
  sp.title = 'beep ' + pattern.join('/') + ' ms';
  setTimeout(() => sp.classList.remove('ringing'), Math.max(total, 150));
}

export function renderScanner(status, onLift) {
  const d = status.device;
  const on = d.power === 'on';
  $('#scanner').classList.toggle('off', !on);
  $('#led').className = 'led led-' + (on ? d.ui.led : 'off');
  $('#headline').textContent = on ? d.ui.headline : '';
  $('#detail').textContent = on ? d.ui.detail : '';
  $('#boot').textContent = on ? `boot ${d.boot}` : 'no power';
  $('#who').textContent = on ? (d.inspector ? `inspector ${d.inspector}` : 'nobody logged in') : d.off ? d.off.message.split('\n')[0] : '';
  $('#step-now').textContent = on ? d.step : '–';
  $('#step-btn').disabled = !on;
  if (d.ui.beepAt && d.ui.beepAt !== lastBeepAt) {
    const fresh = lastBeepAt !== 0;
    lastBeepAt = d.ui.beepAt;
    if (fresh && on) {
      ring(d.ui.beep);
      play(d.ui.beep);
    }
  }
  const placed = status.tags.filter((t) => t.onReader);
  $('#on-reader').replaceChildren(
    ...placed.map((t) => h('button', { class: 'chip', title: 'lift it off the reader', onclick: () => onLift(t) }, `${t.badge ? '🪪 ' + t.badge : t.model} ${t.uid.slice(-6)} ✕`)),
  );
  $('#reader').classList.toggle('busy', placed.length > 0);
  $('#reader').classList.toggle('weak', d.reader.weakField);
}
