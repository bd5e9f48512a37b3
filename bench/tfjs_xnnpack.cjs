// XNNPACK, as browsers run it inside @tensorflow/tfjs-backend-wasm, timed on the shapes file with the
// same inputs and timing rules as convplay-bench. One JSON line per shape on stdout.
// Convolutions (op conv, with stride S and groups G = 1 or depthwise when given) and pooling (op maxpool / avgpool: K×K window, stride S, 'valid', and flop =
// N·C·Ho·Wo·K·K, as ../shared/perf-anchors/bench/common.js counts it); dense layers (op dense, bench/shapes_train.json:
// x (N, C) times wᵀ, w (M, C), by tf.matMul, which tfjs-backend-wasm runs on XNNPACK's fully connected operator).
// Other ops (the training gradients) are skipped.
//   node bench/tfjs_xnnpack.cjs --shapes FILE [--threads N] [--reps R] [--min-sample-ms X]
// --threads 1 uses the SIMD binary; N > 1 the threaded SIMD binary, which tfjs never picks under Node
// on its own, so two things are adjusted here (see the comments below).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback; };
const shapesPath = opt('--shapes', null);
const threads = Number(opt('--threads', '1'));
const reps = Number(opt('--reps', '15'));
const minSampleMs = Number(opt('--min-sample-ms', '10'));
if (!shapesPath || !(threads >= 1)) {
  console.error('usage: node bench/tfjs_xnnpack.cjs --shapes FILE [--threads N] [--reps R] [--min-sample-ms X]');
  process.exit(2);
}

if (threads > 1) {
  // 1. The threaded build starts its Emscripten workers from blob: URLs, which Node's workers cannot
  //    load: keep the text of script Blobs and hand out temporary files instead; the worker script
  //    then loads the (unbundled) Emscripten glue from the package by path.
  const pkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const glue = path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-tfjs-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const NodeBlob = globalThis.Blob;
  globalThis.Blob = class extends NodeBlob {
    constructor(parts, options) {
      super(parts, options);
      if (Array.isArray(parts) && parts.every((p) => typeof p === 'string')) this.text_ = parts.join('');
    }
  };
  const createObjectURL = URL.createObjectURL;
  let count = 0;
  URL.createObjectURL = (blob) => {
    if (!blob || typeof blob.text_ !== 'string') return createObjectURL(blob);
    const loadMain = /if\(typeof e\.data\.urlOrBlob=="string"\)\{importScripts\(e\.data\.urlOrBlob\)\}else\{[^}]*\}/;
    const file = path.join(dir, `blob-${count++}.js`);
    fs.writeFileSync(file, blob.text_.replace(loadMain, `importScripts(${JSON.stringify(glue)});`));
    return file;
  };
  // 2. tfjs-backend-wasm caps its pool at half the logical cores (it assumes two hyper-threads per
  //    core): report each core twice so that N threads can be had on an N-core machine.
  const cpus = os.cpus;
  os.cpus = () => cpus().concat(cpus());
}

const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');

// value(i, seed) = (((i + seed) * 1103515245 + 12345) mod 2^31) / 2^31 − 0.5, as convplay-bench.
function deterministic(n, seed) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; ++i) a[i] = Number((BigInt(i + seed) * 1103515245n + 12345n) & 0x7fffffffn) / 2147483648 - 0.5;
  return a;
}
function timeIt(fn) {
  const t = () => performance.now();
  const start = t();
  for (let i = 0; i < 3 || t() - start < 200; ++i) fn();
  let t0 = t();
  fn();
  const inner = Math.max(1, Math.min(1000, Math.ceil(minSampleMs / Math.max(t() - t0, 1e-3))));
  const samples = [];
  for (let r = 0; r < reps; ++r) {
    t0 = t();
    for (let j = 0; j < inner; ++j) fn();
    samples.push((t() - t0) / inner);
  }
  samples.sort((a, b) => a - b);
  return { median_ms: samples[samples.length >> 1], min_ms: samples[0], max_ms: samples[samples.length - 1] };
}

(async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not start');
  await tf.ready();
  const used = wasm.getThreadsCount();
  const shapes = JSON.parse(fs.readFileSync(shapesPath, 'utf8'));
  // NCHW → NHWC, tfjs' layout.
  const nhwc = (a, N, C, H, W) => {
    const out = new Float32Array(a.length);
    for (let n = 0; n < N; ++n) for (let c = 0; c < C; ++c) for (let h = 0; h < H; ++h) for (let w = 0; w < W; ++w)
      out[((n * H + h) * W + w) * C + c] = a[((n * C + c) * H + h) * W + w];
    return out;
  };
  const pooling = (op) => op === 'maxpool' || op === 'avgpool';
  // One JSON line: the sum of |output| of a first call (untimed), then the timing.
  const measure = (s, run, flop) => {
    const y = run();
    let abssum = 0;
    for (const v of y.dataSync()) abssum += Math.abs(v);
    y.dispose();
    const t = timeIt(() => run().dispose());
    console.log(JSON.stringify({ impl: `xnnpack-tfjs-wasm(${threads > 1 ? 'threaded-simd' : 'simd'})`, shape: s.id, op: s.op,
      threads: used, ...t, flop, gflops: flop / (t.median_ms * 1e6), abssum }));
  };
  for (const s of shapes) {
    if (s.op === 'dense') {
      const x = tf.tensor2d(deterministic(s.N * s.C, 0), [s.N, s.C]), w = tf.tensor2d(deterministic(s.M * s.C, 7919), [s.M, s.C]);
      measure(s, () => tf.matMul(x, w, false, true), 2 * s.N * s.C * s.M);
      x.dispose();
      w.dispose();
      continue;
    }
    if (s.op !== 'conv' && !pooling(s.op)) continue;
    const x = tf.tensor4d(nhwc(deterministic(s.N * s.C * s.H * s.W, 0), s.N, s.C, s.H, s.W), [s.N, s.H, s.W, s.C]);
    let run, w = null, flop;
    if (pooling(s.op)) {
      run = s.op === 'maxpool' ? () => tf.maxPool(x, s.K, s.S, 'valid') : () => tf.avgPool(x, s.K, s.S, 'valid');
      flop = s.N * s.C * (Math.floor((s.H - s.K) / s.S) + 1) * (Math.floor((s.W - s.K) / s.S) + 1) * s.K * s.K;
    } else {
      // Stride S and groups G (our own shapes files; 1 in the shared harness'). Padding is given
      // explicitly, symmetric as PyTorch and convplay pad: tfjs' 'same' pads 0/1 at stride 2.
      const S = s.S || 1, G = s.G || 1, p = s.pad === 'same' ? (s.K - 1) >> 1 : s.pad === 'full' ? s.K - 1 : 0;
      const Cg = s.C / G;
      if (G !== 1 && !(G === s.C && s.M % s.C === 0)) {
        console.error(`tfjs_xnnpack: ${s.id}: groups ${G} other than 1 or depthwise are not in tfjs, skipped`);
        x.dispose();
        continue;
      }
      const ws = deterministic(s.M * Cg * s.K * s.K, 7919);
      const pad = [[0, 0], [p, p], [p, p], [0, 0]];
      if (G === 1) {
        // OIHW → HWIO, tfjs' filter layout.
        const wh = new Float32Array(ws.length);
        for (let o = 0; o < s.M; ++o) for (let i = 0; i < s.C; ++i) for (let h = 0; h < s.K; ++h) for (let k = 0; k < s.K; ++k)
          wh[((h * s.K + k) * s.C + i) * s.M + o] = ws[((o * s.C + i) * s.K + h) * s.K + k];
        w = tf.tensor4d(wh, [s.K, s.K, s.C, s.M]);
        run = () => tf.conv2d(x, w, S, pad);
      } else {
        // Depthwise: output channel c·mult + q reads input channel c; tfjs' filter is [K, K, C, mult].
        const mult = s.M / s.C, wh = new Float32Array(ws.length);
        for (let c = 0; c < s.C; ++c) for (let q = 0; q < mult; ++q) for (let h = 0; h < s.K; ++h) for (let k = 0; k < s.K; ++k)
          wh[((h * s.K + k) * s.C + c) * mult + q] = ws[((c * mult + q) * s.K + h) * s.K + k];
        w = tf.tensor4d(wh, [s.K, s.K, s.C, mult]);
        run = () => tf.depthwiseConv2d(x, w, S, pad);
      }
      const ho = Math.floor((s.H + 2 * p - s.K) / S) + 1, wo = Math.floor((s.W + 2 * p - s.K) / S) + 1;
      flop = 2 * s.N * ho * wo * s.M * Cg * s.K * s.K;
    }
    measure(s, run, flop);
    x.dispose();
    if (w) w.dispose();
  }
})().then(() => process.exit(0), (e) => { console.error(e && e.stack || e); process.exit(1); });
