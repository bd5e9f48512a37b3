// Convolution Playground against XNNPACK (inside @tensorflow/tfjs-backend-wasm) in one run, on this
// machine, with the same shapes, inputs and timing rules; prints the ratio per shape (>1: we are faster).
//   node bench/compare_xnnpack.mjs [--shapes FILE] [--threads 1,2] [--reps R] [--min-sample-ms X]
// Needs both WebAssembly builds (tools/play.sh or tools/test.sh builds them) and `npm ci`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback; };
const shapes = path.resolve(opt('--shapes', path.join(root, 'bench/shapes.json')));
const threadCounts = opt('--threads', '1,2').split(',').map(Number);
const timing = ['--reps', opt('--reps', '15'), '--min-sample-ms', opt('--min-sample-ms', '10')];
if (!fs.existsSync(shapes)) { console.error(`compare_xnnpack: no shapes file ${shapes}`); process.exit(2); }

function runLines(args) {
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
                                                     env: { ...process.env, NODE_PATH: '' } });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const rows = [];
for (const t of threadCounts) {
  // Ours: the single-threaded build for 1 thread (what pages without isolation get), the threaded one otherwise.
  const build = t === 1 ? 'build/wasm-st/bin/convplay-bench.js' : 'build/wasm-mt/bin/convplay-bench.js';
  if (!fs.existsSync(path.join(root, build))) { console.error(`compare_xnnpack: ${build} is missing: build it first`); process.exit(2); }
  console.error(`running convplay (${build}) and XNNPACK with ${t} thread(s)…`);
  const ours = runLines(['--no-experimental-fetch', build, '--shapes', shapes, '--threads', String(t), '--json', ...timing]);
  const theirs = runLines([path.join(root, 'bench/tfjs_xnnpack.cjs'), '--shapes', shapes, '--threads', String(t), ...timing]);
  for (const o of ours) {
    const x = theirs.find((r) => r.shape === o.shape);
    if (!x) continue;
    rows.push({ shape: o.shape, threads: t, ours: o.median_ms, xnnpack: x.median_ms, xnnpack_threads: x.threads,
                ratio: x.median_ms / o.median_ms, agree: Math.abs(o.abssum - x.abssum) <= 1e-4 * Math.abs(x.abssum) });
  }
}

console.log('| shape | threads | convplay ms | XNNPACK ms | speed-up | outputs agree |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.shape} | ${r.threads}${r.xnnpack_threads !== r.threads ? ` (XNNPACK ${r.xnnpack_threads})` : ''} | ` +
              `${r.ours.toPrecision(3)} | ${r.xnnpack.toPrecision(3)} | ${r.ratio.toFixed(2)}× | ${r.agree ? 'yes' : 'NO'} |`);
}
for (const t of threadCounts) {
  const sel = rows.filter((r) => r.threads === t && /^s[2-6]$/.test(r.shape));
  if (sel.length) {
    const geo = Math.exp(sel.reduce((a, r) => a + Math.log(r.ratio), 0) / sel.length);
    console.log(`\ngeometric mean speed-up over s2–s6, ${t} thread(s): ${geo.toFixed(2)}× (minimum ${Math.min(...sel.map((r) => r.ratio)).toFixed(2)}×)`);
  }
}
console.log(`\nmachine: ${(await import('node:os')).cpus()[0].model}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}`);
