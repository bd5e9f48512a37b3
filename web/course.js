// The example course page's side of the embed protocol (see web/loader.js): it sizes each iframe to the
// height its scene asks for, logs what the embeds report, and changes the first embed's state.
'use strict';
(function () {
  const frames = [...document.querySelectorAll('iframe')];
  const log = document.getElementById('log');
  const seen = window.courseMessages = []; // for the browser test
  window.addEventListener('message', (event) => {
    const frame = frames.find((f) => f.contentWindow === event.source);
    const data = event.data;
    if (!frame || !data || typeof data !== 'object' || typeof data.type !== 'string' || !data.type.startsWith('convplay:')) return;
    seen.push({ frame: frame.id, type: data.type, scene: data.state && data.state.scene, threads: data.state && data.state.threads,
                id: data.id, ok: data.ok, height: data.height });
    log.value += `${frame.id}: ${data.type}${data.state ? ' ' + data.state.scene : ''}${data.height ? ' ' + data.height : ''}\n`;
    log.scrollTop = log.scrollHeight;
    if (data.type === 'convplay:height' && Number.isFinite(data.height)) {
      frame.style.height = Math.max(300, Math.min(1200, data.height)) + 'px';
    }
  });
  let id = 0;
  const send = (frame, state) => frame.contentWindow.postMessage({ type: 'convplay:setState', state, id: ++id }, '*');
  document.getElementById('try-same').addEventListener('click', () => send(frames[0], { padding: 'same' }));
  document.getElementById('try-valid').addEventListener('click', () => send(frames[0], { padding: 'valid' }));
})();
