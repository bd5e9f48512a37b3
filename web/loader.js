// Convolution Playground loader: checks what the browser can do, picks the build, starts it, and
// provides the page API window.convplay. Loaded by index.html; works under any static file server
// because every path is relative to the page.
//
// window.convplay
//   ready              Promise: resolves after the first frame is drawn, rejects if loading fails
//   state()            plain object: scene, threads, simd, build, frames, scenes, notice, hash,
//                      preferred_height, scroll_y, scroll_max_y and the scene's values; `stopped` (why)
//                      once the app has stopped (out of memory, an abort: the page then offers a reload)
//   setState(partial)  applies some keys, e.g. {scene: 'modes', n: 7, k: 3}; throws an Error saying
//                      which key is wrong (and changes nothing) on bad input
//   start()            starts an embed that shows its preview (see below)
//
// The address: the hash holds the scene, its parameters and the author's options ("#scene=params&k=5&
// nav=0"); it is read at start (what cannot be used becomes a notice in the app), kept current with
// history.replaceState (no history entries), and read again on hashchange.
//
// Embedded (inside an iframe): the page shows a light preview until the embed is scrolled into view or
// clicked, so a course page with many embeds neither loads them all nor runs out of WebGL contexts; an
// embed that stays out of view for a while reloads into its preview (its state is in the hash), which
// frees its context. Keyboard and wheel belong to the embed only while its canvas has focus (a click or
// Tab gives it focus; Tab leaves it). A parent page talks to it with postMessage (only the parent:
// messages from any other frame are ignored):
//   parent → embed  {type: 'convplay:setState', state: {...}, id}   {type: 'convplay:getState', id}
//   embed → parent  {type: 'convplay:result', id, ok, state | error}
//                   {type: 'convplay:ready', state}  {type: 'convplay:state', state}  (hash changed)
//                   {type: 'convplay:height', height} (CSS pixels the scene would like)
// Anything else is ignored.
'use strict';
(function () {
  const BUILDS = { threads: 'build/wasm-mt/bin/', single: 'build/wasm-st/bin/' };
  const overlay = document.getElementById('overlay');
  const overlayTitle = document.getElementById('overlay-title');
  const overlayText = document.getElementById('overlay-text');
  const canvas = document.getElementById('canvas');

  // Only textContent: nothing from the URL or the module ever becomes HTML. `reload`: a button that
  // reloads the page (the address keeps the state, so the student is back where they were).
  function showError(title, text, reload = false) {
    overlay.classList.remove('hidden', 'preview');
    overlay.classList.add('error');
    overlayTitle.textContent = title;
    overlayText.textContent = text;
    if (reload && !document.getElementById('reload')) {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = 'reload';
      button.textContent = 'Reload';
      button.addEventListener('click', () => window.location.reload());
      overlay.appendChild(button);
      button.focus({ preventScroll: true });
    }
  }

  function hashParams() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const out = {};
    for (const [k, v] of params) out[k] = v;
    return out;
  }

  // WebAssembly SIMD: a module whose one function uses an i8x16 instruction validates only with SIMD.
  function hasSimd() {
    try {
      return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
        10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
    } catch (e) {
      return false;
    }
  }

  function hasWebGL2() {
    try {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (gl) {
        const lose = gl.getExtension('WEBGL_lose_context'); // give the probe's context back at once
        if (lose) lose.loseContext();
      }
      return !!gl;
    } catch (e) {
      return false;
    }
  }

  let module = null;
  let stopped = ''; // why the running module stopped (an abort, an uncaught exception); '' while it runs
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  ready.catch(() => {}); // a page that never awaits ready must not see an unhandled rejection
  const build = window.crossOriginIsolated ? 'threads' : 'single';
  const initial = hashParams();

  // Every call into the running module goes through here. An exception out of it (an abort, or a C++
  // exception this build cannot catch, such as std::bad_alloc when memory runs out) means the module's
  // state is gone: the page shows it stopped, and later calls throw at once.
  function call(fn) {
    if (stopped) throw new Error(stopped);
    try {
      return fn(module);
    } catch (e) {
      crashed(describe(e));
      throw new Error(stopped);
    }
  }
  function describe(e) {
    if (e && typeof e.message === 'string') return e.message; // Error, WebAssembly.RuntimeError, ExitStatus
    return typeof e === 'number' ? 'an uncaught C++ exception' : String(e);
  }

  function state() {
    if (!module || stopped) {
      return { scene: initial.scene || 'modes', threads: 0, simd: false, build, frames: 0, loading: !stopped, preview: !started,
               ...(stopped ? { stopped } : {}) };
    }
    // The core's JSON wins; `build` is known here too, so it is always present.
    return { build, ...JSON.parse(call((m) => m.UTF8ToString(m._cp_state_json()))) };
  }

  function setState(partial) {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      throw new TypeError('setState expects a plain object, e.g. {scene: "modes"}');
    }
    if (!module) throw new Error('Convolution Playground is still loading: await convplay.ready first');
    let json;
    try {
      json = JSON.stringify(partial);
    } catch (e) { // a BigInt, a cycle, a throwing toJSON: name the key, as the app's own refusals do
      const key = Object.keys(partial).find((k) => { try { JSON.stringify(partial[k]); return false; } catch (_) { return true; } });
      throw new TypeError(`${key === undefined ? 'setState' : key.slice(0, 40)} must be a number, a string, true, false or null (${e.message})`);
    }
    const error = call((m) => (m.ccall('cp_set_state_json', 'number', ['string'], [json]) === 0 ? '' : m.UTF8ToString(m._cp_last_error())));
    if (error) throw new Error(error);
    return state();
  }

  let started = false;
  let startModule = null; // set below once the feature checks pass
  function start() {
    if (started || !startModule) return;
    started = true;
    startModule();
  }
  window.convplay = { ready, state, setState, start };

  // ---- Embedding: where we are, the page around us ----------------------------------------------
  let inFrame = false;
  try { inFrame = window.self !== window.top; } catch (e) { inFrame = true; }
  const toParent = (message) => { if (inFrame) window.parent.postMessage(message, '*'); };

  // Keys and wheel go to the app only while the canvas has focus; these listeners are registered before
  // Emscripten's GLFW registers its own (on window, capture phase), so they run first and can hide an
  // event from it: GLFW would otherwise take every key on the page and cancel Backspace and Tab.
  const focused = () => document.activeElement === canvas;
  for (const type of ['keydown', 'keypress', 'keyup']) {
    window.addEventListener(type, (e) => {
      if (!focused() || e.key === 'Tab') { e.stopImmediatePropagation(); return; } // Tab keeps its meaning: leave
      // Esc leaves the embed too, unless a text field or a popup in the app is open (then Esc is theirs).
      if (e.key === 'Escape' && type === 'keydown' && module && !stopped && !state().editing) {
        e.stopImmediatePropagation();
        canvas.blur();
      }
    }, true);
  }
  window.addEventListener('wheel', (e) => {
    if (e.target === canvas && !focused()) e.stopImmediatePropagation(); // the page scrolls instead
  }, { capture: true, passive: true });
  canvas.addEventListener('pointerdown', (e) => {
    if (!focused() && e.pointerType !== 'touch') canvas.focus({ preventScroll: true }); // touch: a tap, below
  }, true);
  canvas.addEventListener('focus', () => { canvas.style.touchAction = 'pinch-zoom'; });
  canvas.addEventListener('blur', () => { canvas.style.touchAction = ''; });

  // Touch. Emscripten 3.1.6's GLFW takes no position from touch events (it reads event.touch, which
  // only SDL sets), so a finger could press but never drag. These listeners come before GLFW's on the
  // canvas and hide every touch event from it. Before the student has tapped the embed, a finger
  // belongs to the page: it scrolls, and a tap focuses the embed (the browser's compatibility mouse
  // events that follow a tap click as a mouse would). Once focused, one finger is the mouse (moves,
  // presses, drags, releases); two fingers are the browser's (pinch-zoom, touch-action above).
  let finger = null; // the touch being the mouse: its identifier
  let tapStart = null; // an unfocused touch: where it started, to tell a tap from a scroll
  const asMouse = (type, t) => canvas.dispatchEvent(new MouseEvent(type, {
    clientX: t.clientX, clientY: t.clientY, screenX: t.screenX, screenY: t.screenY, button: 0,
    buttons: type === 'mouseup' ? 0 : 1, bubbles: true, cancelable: true, view: window }));
  const touchOf = (list) => Array.from(list).find((t) => t.identifier === finger);
  const touchOptions = { capture: true, passive: false };
  canvas.addEventListener('touchstart', (e) => {
    e.stopImmediatePropagation();
    if (!focused()) {
      tapStart = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY } : null;
      return;
    }
    if (e.touches.length !== 1) { // a second finger: a pinch, not a drag
      if (finger !== null) { const t = e.changedTouches[0]; finger = null; asMouse('mouseup', t); }
      return;
    }
    e.preventDefault(); // no scrolling, and no compatibility mouse events: these are the mouse
    const t = e.changedTouches[0];
    finger = t.identifier;
    asMouse('mousemove', t);
    asMouse('mousedown', t);
  }, touchOptions);
  canvas.addEventListener('touchmove', (e) => {
    e.stopImmediatePropagation();
    const t = finger === null ? null : touchOf(e.changedTouches);
    if (!t) return;
    e.preventDefault();
    asMouse('mousemove', t);
  }, touchOptions);
  for (const type of ['touchend', 'touchcancel']) {
    canvas.addEventListener(type, (e) => {
      e.stopImmediatePropagation();
      const t = finger === null ? null : touchOf(e.changedTouches);
      if (t) {
        e.preventDefault();
        finger = null;
        asMouse('mouseup', t);
        return;
      }
      if (!focused() && tapStart && type === 'touchend' && e.changedTouches.length === 1) {
        const u = e.changedTouches[0];
        if (Math.hypot(u.clientX - tapStart.x, u.clientY - tapStart.y) < 10) canvas.focus({ preventScroll: true });
      }
      tapStart = null;
    }, touchOptions);
  }

  // The hash: written back (replaceState, throttled) when the state changes; the parent hears of it.
  let lastHash = null, lastHeight = -1, heightSeen = -1, syncTimer = 0;
  function syncNow() {
    syncTimer = 0;
    if (!module || stopped) return;
    let hash;
    try { hash = call((m) => m.UTF8ToString(m._cp_url_hash())); } catch (e) { return; } // crashed: the page says so
    if (hash !== lastHash) {
      lastHash = hash;
      if (window.location.hash.replace(/^#/, '') !== hash) {
        try { history.replaceState(history.state, '', '#' + hash); } catch (e) { /* sandboxed: keep going */ }
      }
      toParent({ type: 'convplay:state', state: state() });
    }
    // A height is sent once two syncs in a row agree: the first frames' layout is not final (ImGui sizes
    // windows a frame late, so the first frame's height is about twice the real one), and an iframe that
    // followed every value would jump.
    const height = state().preferred_height;
    if (typeof height !== 'number') return;
    if (height !== heightSeen) {
      heightSeen = height;
      scheduleSync();
    } else if (Math.abs(height - lastHeight) >= 4) {
      lastHeight = height;
      toParent({ type: 'convplay:height', height: Math.ceil(height) });
    }
  }
  function scheduleSync() {
    if (!syncTimer) syncTimer = setTimeout(syncNow, 250);
    if (!describeTimer) describeTimer = setTimeout(describeNow, 500);
  }
  // The live region beside the canvas: the scene in words, rewritten at most twice a second and only when
  // it changed (a screen reader announces each change); the canvas's label names the scene.
  const live = document.getElementById('description');
  let describeTimer = 0, lastDescription = null;
  function describeNow() {
    describeTimer = 0;
    if (!module || stopped || !live) return;
    let s;
    try { s = state(); } catch (e) { return; } // crashed: the page says so
    if (typeof s.description === 'string' && s.description !== lastDescription) {
      lastDescription = s.description;
      live.textContent = s.description;
    }
    if (typeof s.title === 'string') canvas.setAttribute('aria-label', `Convolution Playground: ${s.title}`);
  }
  window.addEventListener('hashchange', () => {
    if (!module || stopped) return;
    const hash = window.location.hash.replace(/^#/, '');
    if (hash === lastHash) return;
    try { call((m) => m.ccall('cp_apply_url_hash', 'number', ['string'], [hash])); } catch (e) { return; }
    scheduleSync();
  });

  // Messages from the parent page. Only from the parent; malformed ones are ignored.
  const pending = [];
  function answer(data) {
    const reply = (msg) => toParent({ type: 'convplay:result', id: data.id, ...msg });
    try {
      if (data.type === 'convplay:getState') reply({ ok: true, state: state() });
      else reply({ ok: true, state: setState(data.state) });
    } catch (e) {
      reply({ ok: false, error: String(e && e.message || e) });
    }
  }
  window.addEventListener('message', (event) => {
    if (!inFrame || event.source !== window.parent) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || (data.type !== 'convplay:setState' && data.type !== 'convplay:getState')) return;
    if (data.type === 'convplay:setState' && (!data.state || typeof data.state !== 'object' || Array.isArray(data.state))) return;
    if (module) answer(data);
    else { pending.push(data); start(); } // the parent asked: start now, answer when running
  });

  function copyText(text) {
    const fallback = () => {
      const area = document.createElement('textarea');
      area.value = text;
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try { document.execCommand('copy'); } catch (e) { /* nothing more to try */ }
      area.remove();
      canvas.focus({ preventScroll: true });
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(fallback);
    else fallback();
  }

  // The first failure is the one to show: an abort also rejects the module's promise, whose
  // generic message must not replace the abort's own.
  let failed = false;
  function fail(title, text, reload = false) {
    if (failed) return;
    failed = true;
    showError(title, text, reload);
    rejectReady(new Error(title + ': ' + text));
  }
  // The running app stopped (an abort, e.g. out of memory, or a WebAssembly trap, which ends the main
  // loop): the canvas would stay frozen, so the page says so and offers a reload.
  function crashed(what) {
    what = what || 'the WebAssembly module called abort'; // C's abort() (e.g. new when memory runs out) says nothing
    if (!stopped) stopped = 'The playground stopped (' + what + '): reload the page';
    fail('The playground stopped', 'It ran out of memory or hit an internal error: ' + what + '.\n' +
         'Reload to start again: the address keeps the scene and its settings.', true);
  }
  window.addEventListener('error', (e) => {
    if (module && e.error instanceof WebAssembly.RuntimeError) crashed(describe(e.error));
  });

  const missing = [];
  if (typeof WebAssembly !== 'object') missing.push('WebAssembly');
  else if (!hasSimd()) missing.push('WebAssembly SIMD (fixed-width SIMD128)');
  if (!hasWebGL2()) missing.push('WebGL 2');
  if (missing.length) {
    fail('This browser cannot run the playground',
         'It lacks ' + missing.join(' and ') + '. Current Chrome, Edge, Firefox and Safari (16.4 or later) have ' +
         'everything needed; WebGL can also be off in the browser settings or blocked by the graphics driver.');
    return;
  }

  // Loads and starts the build (once): at once on a page of its own, when in view or clicked in an embed.
  startModule = () => {
    overlay.classList.remove('preview');
    overlayText.textContent = 'Loading…';
    const dir = BUILDS[build];
    const script = document.createElement('script');
    script.src = dir + 'convplay_app.js';
    script.onerror = () => fail('The playground is not built yet',
      'Could not load ' + script.src + '.\nRun tools/play.sh in the repository first: it builds both WebAssembly ' +
      'variants and serves this page.');
    script.onload = () => {
      if (typeof window.createConvplay !== 'function') {
        fail('The playground failed to load', script.src + ' did not define createConvplay.');
        return;
      }
      window.createConvplay({
        canvas,
        locateFile: (file) => dir + file,
        mainScriptUrlOrBlob: script.src, // threaded build: workers load the same script
        print: (text) => console.log(text),
        printErr: (text) => console.warn(text),
        // Before the instance exists an abort is nearly always a load failure (e.g. the .wasm is missing
        // or half-built), so the message names the fix; later it is a crash of the running app.
        onAbort: (what) => (module ? crashed(String(what))
          : fail('The playground stopped', String(what) + '\nIf the build is missing or incomplete, run tools/play.sh in the repository.')),
        // An exception that ends the main loop or an event handler of the module comes here (so does an
        // exit of main(), which only a failed start does).
        quit: (status, toThrow) => {
          if (module) crashed(describe(toThrow));
          else fail('The playground failed to start', describe(toThrow) + ' (the console says more)');
          throw toThrow;
        },
        convplayFirstFrame: () => {
          overlay.classList.add('hidden');
          resolveReady(window.convplay);
          syncNow();
          toParent({ type: 'convplay:ready', state: state() });
          while (pending.length) answer(pending.shift());
        },
        convplayFrame: () => scheduleSync(),
        convplayCopy: copyText,
      }).then((instance) => {
        module = instance;
        if (window.installImageInput) window.installImageInput(instance, canvas); // file picker, drag and drop
        // Runs before the first frame (main() has set up the loop, which draws on the next animation frame).
        // What the address asks for and cannot be used is shown in the app (state().notice).
        const notice = module.UTF8ToString(module.ccall('cp_apply_url_hash', 'number', ['string'],
                                                         [window.location.hash.replace(/^#/, '')]));
        if (notice) console.warn('convplay: ' + notice);
        if (!inFrame) canvas.focus({ preventScroll: true });
      }, (error) => fail('The playground failed to start', String(error && error.message || error)));
    };
    document.head.appendChild(script);
  };

  // A page of its own starts at once; an embed shows its preview until it is in view or clicked.
  if (!inFrame) {
    start();
    return;
  }
  showPreview();
  if ('IntersectionObserver' in window) {
    // Start after half of it has been in view for a moment (scrolling past starts nothing); back to the
    // preview after 10 s out of view (the hash keeps the state), which frees the WebGL context.
    let dwell = 0, away = 0;
    new IntersectionObserver((entries) => {
      const visible = entries.some((e) => e.isIntersecting && e.intersectionRatio >= 0.5);
      clearTimeout(dwell);
      clearTimeout(away);
      if (visible && !started) dwell = setTimeout(start, 500);
      else if (!visible && started) away = setTimeout(() => window.location.reload(), 10000);
    }, { threshold: [0, 0.5] }).observe(document.documentElement);
  }

  // The preview: a picture, the scene's name and a button; built with DOM calls, never from HTML text.
  function showPreview() {
    overlay.classList.add('preview');
    overlayTitle.textContent = 'Convolution Playground';
    overlayText.textContent = 'An interactive lecture on convolutional networks';
    // The scene's title as the app names it: the build writes the list next to the app (scenes.json).
    fetch(BUILDS[build] + 'scenes.json').then((r) => (r.ok ? r.json() : [])).then((list) => {
      const scene = Array.isArray(list) ? list.find((s) => s && s.id === initial.scene) : null;
      if (scene && !started && typeof scene.title === 'string') overlayText.textContent = scene.title;
    }).catch(() => {});
    const svgNS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNS, 'svg');
    svg.setAttribute('viewBox', '0 0 120 60');
    svg.setAttribute('class', 'preview-art');
    svg.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < 5; ++i) {
      for (let j = 0; j < 5; ++j) {
        const r = document.createElementNS(svgNS, 'rect');
        r.setAttribute('x', String(4 + j * 10)); r.setAttribute('y', String(5 + i * 10));
        r.setAttribute('width', '9'); r.setAttribute('height', '9');
        r.setAttribute('fill', i < 3 && j < 3 ? '#f0a46c' : '#c9dcef');
        svg.appendChild(r);
      }
    }
    for (let i = 0; i < 3; ++i) {
      for (let j = 0; j < 3; ++j) {
        const r = document.createElementNS(svgNS, 'rect');
        r.setAttribute('x', String(78 + j * 12)); r.setAttribute('y', String(12 + i * 12));
        r.setAttribute('width', '11'); r.setAttribute('height', '11');
        r.setAttribute('fill', i === 0 && j === 0 ? '#e65014' : '#9fc3e6');
        svg.appendChild(r);
      }
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'start';
    button.textContent = 'Start';
    button.addEventListener('click', () => start());
    overlay.insertBefore(svg, overlayTitle);
    overlay.appendChild(button);
  }
})();
