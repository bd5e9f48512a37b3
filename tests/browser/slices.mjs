// Long work off the main thread (issue 16): a big timing in "matmul" and big feature maps in "features"
// run in the background, on a worker thread (threaded build, in one piece) or in slices between frames
// (single-threaded build). Checked in both builds: setState answers at once, state() says the result is
// pending and then gives it, and the app's own count of the job's tasks (timing_slices, maps_slices):
// one in the threaded build, more than one in the single-threaded build; the main thread never waits
// (Emscripten's "Blocking on the main thread" warning); and the single-threaded build's sliced numbers
// equal the threaded build's unsliced ones. Printed for the report, not asserted
// (wall-clock times on a shared machine): the longest task the app measured (in the single-threaded
// build, work on the main thread after a frame) and the longest gap between animation frames.
import os from 'node:os';
import path from 'node:path';
import { ready } from './embed.mjs';

const MATMUL = { scene: 'matmul', layer_size: 512, layer_c: 64, layer_m: 64, layer_k: 1 };
const FEATURES = { scene: 'features', image: 'cat', size: 512, channels: 1, k: 7, maps: 8, padding: 'same', act: 'tanh' };
const CELLS = [{ map: 0, row: 0, col: 0 }, { map: 7, row: 200, col: 300 }, { map: 3, row: 511, col: 100 }];
// Without slicing the single-threaded page froze for 2.2 s (matmul) and 0.65 s (features); a task aims
// at 30 ms after a frame. Under SwiftShader on a busy 2-core machine a frame alone can take 100 ms, and
// the frame that shows the new maps uploads eight 512-px textures: the gaps between frames are more
// than the tasks.
const loadavg = () => os.loadavg().map((v) => v.toFixed(1)).join(' ');
const fixed = (v, digits = 0) => (typeof v === 'number' ? v.toFixed(digits) : 'n/a'); // n/a: an app without the key

// Starts recording the gaps between animation frames in the page; returns nothing.
async function watchFrames(page) {
  await page.evaluate(() => {
    window.__gaps = { last: performance.now(), max: 0, frames: 0, all: [], on: true };
    const tick = (t) => {
      const g = window.__gaps;
      if (!g.on) return;
      g.max = Math.max(g.max, t - g.last);
      g.all.push(t - g.last);
      g.last = t;
      g.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
const stopWatching = (page) => page.evaluate(() => { window.__gaps.on = false; return window.__gaps; });
// "median 60, 95 % 90, longest 120 ms over 80 frames": the gaps between animation frames.
function gapText(g) {
  const sorted = [...g.all].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(0) : 'n/a');
  return `frame gaps median ${at(0.5)}, 95 % ${at(0.95)}, longest ${g.max.toFixed(0)} ms over ${g.frames} frames`;
}

// Applies `state`, times the call, waits until `pendingKey` is false (and the picture, if any, is in);
// the gaps meanwhile.
async function applyBig(page, state, pendingKey, timeout) {
  await watchFrames(page);
  const { ms, first } = await page.evaluate((s) => {
    const t0 = performance.now();
    const first = window.convplay.setState(s);
    return { ms: performance.now() - t0, first };
  }, state);
  const t0 = Date.now();
  await page.waitForFunction((k) => {
    const s = window.convplay.state();
    return s[k] === false && s.image_status !== 'loading';
  }, pendingKey, { timeout, polling: 100 });
  const seconds = (Date.now() - t0) / 1000;
  const gaps = await stopWatching(page);
  return { ms, first, gaps, seconds, last: await page.evaluate(() => window.convplay.state()) };
}

async function runBuild(browser, base, label, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const warnings = [], blocking = [];
  page.on('console', (m) => {
    if (m.type() === 'error') warnings.push(m.text());
    else if (/Blocking on the main thread/.test(m.text())) blocking.push(m.text()); // Emscripten's warning: a main-thread wait
  });
  page.on('pageerror', (e) => warnings.push(e.message));
  await page.goto(`${base}/index.html#scene=matmul`);
  await ready(page);
  const out = {};

  const m = await applyBig(page, MATMUL, 'timing_pending', 120000);
  check(`${label}: matmul 512² C=M=64: setState answers at once and reports the timing pending`,
        m.ms < 100 && m.first.timing_pending === true, `setState ${m.ms.toFixed(1)} ms, pending ${m.first.timing_pending}`);
  const sliced = m.last.build === 'single'; // the app's own word: no threads, so the work runs in slices between frames
  check(`${label}: matmul 512² C=M=64: timed in ${sliced ? 'more than one task (slices between frames)' : 'one task (on the worker thread)'}`,
        sliced ? m.last.timing_slices > 1 : m.last.timing_slices === 1, `${m.last.timing_slices} tasks`);
  console.log(`# ${label}: matmul timed in ${m.seconds.toFixed(1)} s, ${m.last.timing_slices} tasks, longest task ${fixed(m.last.timing_longest_slice_ms, 1)} ms` +
              `${sliced ? ' (on the main thread)' : ' (on the worker)'}; ${gapText(m.gaps)}; ` +
              `direct ${fixed(m.last.direct_ms)} ms, im2col ${fixed(m.last.im2col_ms)} ms; load average ${loadavg()}`);
  check(`${label}: matmul: direct and im2col measured, Toeplitz refused by the memory budget`,
        m.last.direct_ms > 0 && m.last.im2col_ms > 0 && !m.last.direct_error && !m.last.im2col_error && /limit/.test(m.last.toeplitz_error) &&
        m.last.direct_abssum > 0 && Math.abs(m.last.direct_abssum - m.last.im2col_abssum) <= 1e-4 * m.last.direct_abssum,
        JSON.stringify({ d: m.last.direct_abssum, i: m.last.im2col_abssum, t: m.last.toeplitz_error }));
  out.matmul = { direct: [m.last.direct_hash, m.last.direct_bytes], im2col: [m.last.im2col_hash, m.last.im2col_bytes] };

  const f = await applyBig(page, FEATURES, 'maps_pending', 120000);
  check(`${label}: features 512 px, 8 maps, K=7: setState answers at once`, f.ms < 100, `setState ${f.ms.toFixed(1)} ms`);
  // Its steps are bands of rows: where the whole layer fits one task's budget (a fast machine), one
  // task is right, so the sliced build asks for slices or a single task no longer than a frame's wait.
  check(`${label}: features 512 px, 8 maps, K=7: computed in ${sliced ? 'slices between frames (or one task of at most 100 ms)' : 'one task (on the worker thread)'}`,
        sliced ? f.last.maps_slices > 1 || (f.last.maps_slices === 1 && f.last.maps_longest_slice_ms <= 100) : f.last.maps_slices === 1,
        `${f.last.maps_slices} tasks, longest ${fixed(f.last.maps_longest_slice_ms, 1)} ms`);
  console.log(`# ${label}: features computed in ${f.seconds.toFixed(1)} s, ${f.last.maps_slices} tasks, longest task ${fixed(f.last.maps_longest_slice_ms, 1)} ms` +
              `${sliced ? ' (on the main thread)' : ' (on the worker)'}; ${gapText(f.gaps)}; load average ${loadavg()}`);
  check(`${label}: features: the new maps are in`, f.last.image_status === 'ready' && f.last.out_h === f.last.h && f.last.h > 256 && f.last.out_c === 8,
        JSON.stringify({ status: f.last.image_status, h: f.last.out_h, c: f.last.out_c }));
  await page.screenshot({ path: path.join(artifacts, `slices-features-${label}.png`) });
  out.features = [];
  for (const cell of CELLS) {
    const s = await page.evaluate((c) => window.convplay.setState(c), cell);
    out.features.push([s.pre, s.value]);
  }
  check(`${label}: no console errors`, warnings.length === 0, warnings.slice(0, 3).join(' | '));
  // Emscripten warns (once) when the main thread waits on a condition variable or joins a thread: the
  // page would freeze for as long as the wait.
  check(`${label}: the main thread never waits (no "Blocking on the main thread" warning from Emscripten)`, blocking.length === 0,
        blocking.slice(0, 1).join(''));
  await context.close();
  return out;
}

export async function sliceChecks(browser, threadedBase, singleBase, check, artifacts) {
  const threaded = await runBuild(browser, threadedBase, 'threads', check, artifacts);
  const single = await runBuild(browser, singleBase, 'single', check, artifacts);
  check('matmul: the single-threaded build\'s sliced timing has the threaded build\'s unsliced outputs (hash) and bytes',
        JSON.stringify(single.matmul) === JSON.stringify(threaded.matmul) && !!threaded.matmul.direct[0],
        `${JSON.stringify(single.matmul)} vs ${JSON.stringify(threaded.matmul)}`);
  check('features: the single-threaded build\'s maps, in bands of rows, have the threaded build\'s values',
        JSON.stringify(single.features) === JSON.stringify(threaded.features) && threaded.features.every(([p]) => typeof p === 'number'),
        `${JSON.stringify(single.features)} vs ${JSON.stringify(threaded.features)}`);
}
