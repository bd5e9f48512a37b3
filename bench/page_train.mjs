// Training in the page: the scene "train" (LeNet-5 and the dense network side by side on the same
// batches) in headless Chromium (Debian's, SwiftShader), per build, against the command-line trainer of
// the same build run in the same minutes. Prints one JSON line per run:
//   build            threads (cross-origin isolated, build/wasm-mt) or single (no isolation, build/wasm-st)
//   cnn_images_per_s, dense_images_per_s   images each network trained per second of wall clock
//   reported_images_per_s, reported_dense_images_per_s   the scene's own figure (time inside its steps)
//   fps              frames the app made per second (each takes input and lays the scene out); drawn_fps: those
//                    of them that drew (a frame with the last drawn frame's picture is not drawn again: the
//                    canvas keeps showing it); raf_fps: the browser's animation frames per second
//   longest_gap_ms   the longest wait between two animation frames (a blocked main thread shows here)
//   wasm_memory_mib  the module's WebAssembly memory at the end (it only grows, so also its peak)
//   load_avg         the machine's 1-minute load average before and after (2 cores: compare in the same minutes)
//   cpu              cores the browser used during the measurement (Linux /proc, per thread): gpu (Chromium's
//                    GPU process: SwiftShader's rasterising and the compositor), main (the page's main thread:
//                    drawing, and the single-threaded build's training), workers (the WebAssembly threads:
//                    the threaded build's training), other; gpu_ms_per_frame: the GPU process's CPU per frame,
//                    gpu_ms_per_drawn_frame: per frame drawn
//   draw_calls, draw_commands   the last frame's glDrawElements calls and ImGui draw commands (app/ui_renderer.cpp
//                    draws a run of commands with the same texture and clip rectangle in one call)
//   texture_renders_per_s   TensorView textures drawn from new values per second (state().texture_uploads)
//   cli              with --cli: convplay-train.js of the same build, one epoch of each network at the page's
//                    threads (2 threaded, 1 single), its images_per_s, and `pair`, the rate of both
//                    networks trained one after the other on every batch (1 / (1/lenet5 + 1/mlp)), which is
//                    what the page does; ratio = cnn_images_per_s / pair
// Measures `--seconds` of wall clock once the training set has arrived and 2,000 images were trained.
// --full instead starts from a fresh page and runs until the whole dataset has arrived and both networks
// have finished an epoch (the memory target: the full training set in the page).
//   node bench/page_train.mjs [--builds threads,single] [--seconds 20] [--full] [--cli] [--runs N]
//                             [--root DIR] [--viewport 1280x800]
// --root serves another checkout's builds with this checkout's server (e.g. to alternate two builds in the
// same minutes: run it twice, or give --root A,B to alternate A and B run by run).
// Needs both WebAssembly builds (cmake --build --preset wasm-mt / wasm-st) and `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node bench/page_train.mjs [--builds threads,single] [--seconds S] [--full] [--cli] [--runs N] ' +
              '[--root DIR[,DIR]] [--viewport WxH]';
const opt = { builds: ['threads', 'single'], seconds: 20, full: false, cli: false, runs: 1, roots: [repo], viewport: [1280, 800] };
const fail = (msg) => { console.error(`page_train: ${msg}\n${USAGE}`); process.exit(2); };
for (let i = 2; i < process.argv.length; ++i) {
  const a = process.argv[i], v = process.argv[i + 1];
  const value = () => { if (v === undefined) fail(`${a} needs a value`); ++i; return v; };
  if (a === '--builds') {
    opt.builds = value().split(',');
    if (!opt.builds.length || opt.builds.some((b) => !['threads', 'single'].includes(b))) fail('--builds: threads and/or single');
  } else if (a === '--seconds') {
    opt.seconds = Number(value());
    if (!(opt.seconds >= 1 && opt.seconds <= 600)) fail('--seconds must be 1 to 600');
  } else if (a === '--runs') {
    opt.runs = Number(value());
    if (!Number.isInteger(opt.runs) || opt.runs < 1 || opt.runs > 50) fail('--runs must be 1 to 50');
  } else if (a === '--root') {
    opt.roots = value().split(',').map((r) => path.resolve(r));
  } else if (a === '--viewport') {
    const m = /^(\d+)x(\d+)$/.exec(value());
    if (!m) fail('--viewport needs WIDTHxHEIGHT');
    opt.viewport = [Number(m[1]), Number(m[2])];
  } else if (a === '--full') opt.full = true;
  else if (a === '--cli') opt.cli = true;
  else fail(`unknown option ${a}`);
}
const DIRS = { threads: 'wasm-mt', single: 'wasm-st' };
for (const root of opt.roots)
  for (const b of opt.builds)
    for (const f of ['convplay_app.js', 'convplay_app.wasm', ...(opt.cli ? ['convplay-train.js'] : [])])
      if (!fs.existsSync(path.join(root, 'build', DIRS[b], 'bin', f)))
        fail(`${path.join(root, 'build', DIRS[b], 'bin', f)} is missing: cmake --build --preset ${DIRS[b]} first`);

const load = () => Number(os.loadavg()[0].toFixed(2));

// CPU seconds of this process's descendants (the browser's processes), by group (see cpu above).
function cpuSample() {
  const parent = new Map(), out = { gpu: 0, main: 0, workers: 0, other: 0 };
  let pids;
  try { pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return null; }
  const fields = (file) => { const t = fs.readFileSync(file, 'utf8'); return { name: t.slice(t.indexOf('(') + 1, t.lastIndexOf(')')), f: t.slice(t.lastIndexOf(')') + 2).split(' ') }; };
  for (const d of pids) try { parent.set(Number(d), Number(fields(`/proc/${d}/stat`).f[1])); } catch { /* gone */ }
  const mine = (pid) => { for (let p = pid; p > 1; p = parent.get(p)) if (p === process.pid) return pid !== process.pid; return false; };
  for (const pid of parent.keys()) {
    if (!mine(pid)) continue;
    try {
      const type = (/--type=([a-z-]+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')) || [])[1] || 'browser';
      for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
        const { name, f } = fields(`/proc/${pid}/task/${t}/stat`);
        const s = (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
        const group = type === 'gpu-process' ? 'gpu' : type !== 'renderer' ? 'other'
          : Number(t) === pid ? 'main' : /^DedicatedWorker/.test(name) ? 'workers' : 'other';
        out[group] += s;
      }
    } catch { /* gone */ }
  }
  return out;
}
const cpuSince = (a, b, seconds, frames, drawn) => {
  if (!a || !b) return undefined;
  const cores = {};
  for (const k of Object.keys(a)) cores[k] = Number(((b[k] - a[k]) / seconds).toFixed(2));
  cores.gpu_ms_per_frame = frames > 0 ? Number((1000 * (b.gpu - a.gpu) / frames).toFixed(1)) : null;
  cores.gpu_ms_per_drawn_frame = drawn > 0 ? Number((1000 * (b.gpu - a.gpu) / drawn).toFixed(1)) : null;
  return cores;
};

function startServer(root, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'web/server.js'), '--port', '0', '--root', root, ...extra],
                        { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => reject(new Error('server did not start in 10 s')), 10000);
    child.stdout.on('data', (c) => {
      const m = /127\.0\.0\.1:(\d+)/.exec(String(c));
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}`)); });
  });
}

// One epoch of `model` by the build's command-line trainer; its JSON line.
function cliEpoch(root, build, model) {
  const threads = build === 'threads' ? 2 : 1;
  const r = spawnSync(process.execPath, ['--no-experimental-fetch', path.join(root, 'build', DIRS[build], 'bin/convplay-train.js'),
                      '--model', model, '--epochs', '1', '--threads', String(threads), '--json'], { encoding: 'utf8', timeout: 600000 });
  const line = (r.stdout || '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) throw new Error(`convplay-train.js --model ${model}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(line);
}

async function pageRun(browser, base, build) {
  const context = await browser.newContext({ viewport: { width: opt.viewport[0], height: opt.viewport[1] } });
  // The module object, for its memory (web/loader.js passes it to createConvplay).
  await context.addInitScript(() => {
    let factory;
    Object.defineProperty(window, 'createConvplay', { configurable: true,
      get: () => factory && ((m) => { window.__module = m; return factory(m); }), set: (f) => { factory = f; } });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${base}/index.html#scene=train`);
    await page.waitForFunction(() => window.convplay && window.convplay.ready, null, { timeout: 60000 });
    const first = await page.evaluate(() => window.convplay.ready.then(() => window.convplay.state()));
    const want = build === 'threads' ? 'threads' : 'single';
    if (first.build !== want) throw new Error(`the page loaded the ${first.build} build, not ${want}`);
    await page.evaluate(() => {
      window.__gap = 0; window.__raf = 0;
      let last = performance.now();
      const tick = (t) => { window.__gap = Math.max(window.__gap, t - last); last = t; window.__raf++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    const snap = () => page.evaluate(() => ({ s: window.convplay.state(), t: performance.now(), raf: window.__raf, gap: window.__gap,
                                               mem: window.__module.HEAP8.buffer.byteLength }));
    await page.evaluate(() => window.convplay.setState({ running: true }));
    const t0 = Date.now();
    const limitMs = opt.full ? 1800000 : 300000;
    const started = (x) => x.s.images_seen > 2000 && (opt.full || (x.s.data === 'ready' && !x.s.warming_up));
    const finished = (x) => opt.full ? x.s.data === 'ready' && !x.s.warming_up && x.s.epoch >= 1 && x.s.dense_epoch >= 1 : false;
    let a = opt.full ? { ...(await snap()), cpu: cpuSample() } : null, cur;
    for (;;) {
      await page.waitForTimeout(250);
      cur = await snap();
      if (typeof cur.s.data === 'string' && !['idle', 'loading', 'ready'].includes(cur.s.data)) throw new Error(`data: ${cur.s.data}`);
      if (cur.s.error) throw new Error(`the scene says: ${cur.s.error}`);
      if (Date.now() - t0 > limitMs) throw new Error(`not done in ${limitMs / 1000} s: ${JSON.stringify(cur.s)}`);
      if (!a && started(cur)) {
        a = cur;
        a.cpu = cpuSample();
        await page.evaluate(() => { window.__gap = 0; });
        if (!opt.full) { await page.waitForTimeout(opt.seconds * 1000); cur = await snap(); break; }
      }
      if (a && finished(cur)) break;
    }
    const b = cur, dt = (b.t - a.t) / 1000;
    b.cpu = cpuSample();
    return {
      seconds: Number(dt.toFixed(2)),
      cnn_images_per_s: Math.round((b.s.images_seen - a.s.images_seen) / dt),
      dense_images_per_s: Math.round((b.s.dense_images_seen - a.s.dense_images_seen) / dt),
      reported_images_per_s: Math.round(b.s.images_per_s), reported_dense_images_per_s: Math.round(b.s.dense_images_per_s),
      fps: Number(((b.s.frames - a.s.frames) / dt).toFixed(1)), drawn_fps: Number(((b.s.frames_drawn - a.s.frames_drawn) / dt).toFixed(1)),
      raf_fps: Number(((b.raf - a.raf) / dt).toFixed(1)),
      longest_gap_ms: Math.round(b.gap), wasm_memory_mib: Number((b.mem / 1048576).toFixed(1)),
      threads: b.s.threads, epoch: b.s.epoch, dense_epoch: b.s.dense_epoch, step: b.s.step,
      train_images: b.s.train_images, test_acc: b.s.test_acc, dense_test_acc: b.s.dense_test_acc,
      draw_calls: b.s.draw_calls, draw_commands: b.s.draw_commands,
      texture_renders_per_s: Number(((b.s.texture_uploads - a.s.texture_uploads) / dt).toFixed(1)),
      cpu: cpuSince(a.cpu, b.cpu, dt, b.s.frames - a.s.frames, b.s.frames_drawn - a.s.frames_drawn), page_errors: errors,
    };
  } finally {
    await context.close();
  }
}

const servers = [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-dev-shm-usage'] });
try {
  const base = {};
  for (const root of opt.roots)
    for (const b of opt.builds) {
      const server = await startServer(root, b === 'threads' ? [] : ['--no-isolation']);
      servers.push(server.child);
      base[`${root}|${b}`] = server.base;
    }
  for (let run = 0; run < opt.runs; ++run)
    for (const b of opt.builds)
      for (const root of opt.roots) {
        const row = { impl: 'convplay-page', build: b, root, run, mode: opt.full ? 'full' : 'steady', load_avg: [load()] };
        Object.assign(row, await pageRun(browser, base[`${root}|${b}`], b));
        row.load_avg.push(load());
        if (opt.cli) {
          const lenet = cliEpoch(root, b, 'lenet5'), mlp = cliEpoch(root, b, 'mlp');
          const pair = 1 / (1 / lenet.images_per_s + 1 / mlp.images_per_s);
          row.cli = { threads: lenet.threads, lenet5: Math.round(lenet.images_per_s), mlp: Math.round(mlp.images_per_s), pair: Math.round(pair) };
          row.ratio = Number((row.cnn_images_per_s / pair).toFixed(3));
          row.load_avg.push(load());
        }
        console.log(JSON.stringify(row));
      }
} finally {
  await browser.close();
  for (const child of servers) child.kill();
}
