// Convolution Playground loader: checks what the browser can do, picks the build, starts it, and
// provides the page API window.convplay. Loaded by index.html; works under any static file server
// because every path is relative to the page.
//
// window.convplay
//   ready              Promise: resolves after the first frame is drawn, rejects if loading fails
//   state()            plain object: scene, threads, simd, build, frames, scenes and the scene's values
//   setState(partial)  applies some keys, e.g. {scene: 'modes', n: 7, k: 3}; throws an Error saying
//                      which key is wrong (and changes nothing) on bad input
//
// Extension points for later issues (URL state, embedding, postMessage) are marked "LATER:".
'use strict';
(function () {
  const BUILDS = { threads: 'build/wasm-mt/bin/', single: 'build/wasm-st/bin/' };
  const overlay = document.getElementById('overlay');
  const overlayTitle = document.getElementById('overlay-title');
  const overlayText = document.getElementById('overlay-text');
  const canvas = document.getElementById('canvas');

  // Only textContent: nothing from the URL or the module ever becomes HTML.
  function showError(title, text) {
    overlay.classList.remove('hidden');
    overlay.classList.add('error');
    overlayTitle.textContent = title;
    overlayText.textContent = text;
  }

  // #scene=modes&... — the scene now; later issues add every parameter (kept to plain key=value pairs).
  // LATER: URL state — write state back to the hash (history.replaceState) and listen for hashchange.
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
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  ready.catch(() => {}); // a page that never awaits ready must not see an unhandled rejection
  const build = window.crossOriginIsolated ? 'threads' : 'single';
  const initial = hashParams();

  function state() {
    if (!module) {
      return { scene: initial.scene || 'modes', threads: 0, simd: false, build, frames: 0, loading: true };
    }
    // The core's JSON wins; `build` is known here too, so it is always present.
    return { build, ...JSON.parse(module.UTF8ToString(module._cp_state_json())) };
  }

  function setState(partial) {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
      throw new TypeError('setState expects a plain object, e.g. {scene: "modes"}');
    }
    if (!module) throw new Error('Convolution Playground is still loading: await convplay.ready first');
    const status = module.ccall('cp_set_state_json', 'number', ['string'], [JSON.stringify(partial)]);
    if (status !== 0) throw new Error(module.UTF8ToString(module._cp_last_error()));
    return state();
  }

  window.convplay = { ready, state, setState };
  // LATER: embedding — a postMessage bridge (origin-checked) that forwards to state()/setState() goes here.

  // The first failure is the one to show: an abort also rejects the module's promise, whose
  // generic message must not replace the abort's own.
  let failed = false;
  function fail(title, text) {
    if (failed) return;
    failed = true;
    showError(title, text);
    rejectReady(new Error(title + ': ' + text));
  }

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
      onAbort: (what) => fail('The playground stopped', String(what) +
        (module ? '' : '\nIf the build is missing or incomplete, run tools/play.sh in the repository.')),
      convplayFirstFrame: () => {
        overlay.classList.add('hidden');
        resolveReady(window.convplay);
      },
    }).then((instance) => {
      module = instance;
      // Runs before the first frame (main() has set up the loop, which draws on the next animation frame).
      if (initial.scene) {
        try {
          setState({ scene: initial.scene });
        } catch (e) {
          console.warn('convplay: ' + e.message + ' (from the address #scene=…)');
        }
      }
    }, (error) => fail('The playground failed to start', String(error && error.message || error)));
  };
  document.head.appendChild(script);
})();
