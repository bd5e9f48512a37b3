// Convolution Playground against XNNPACK (inside @tensorflow/tfjs-backend-wasm) in one run, on this
// machine, with the same shapes, inputs and timing rules; prints the ratio per shape (>1: we are faster).
//   node bench/compare_xnnpack.mjs [--shapes FILE] [--threads 1,2] [--reps R] [--min-sample-ms X]
//                                  [--ids s2,s3] [--ours-st JS] [--ours-mt JS] [--rounds R] [--json]
// --rounds R: R rounds per thread count, alternating which side runs first, and per shape the median
// of the rounds' medians (a busy machine then slows both sides alike).
// Each round is bracketed by two measurements of the multiply-add peak (our build's --peak) and of the
// CPU time other processes used; a disturbed round (bench/rounds.mjs: the peak moved more than 10 % or
// the foreign load exceeded 0.5 CPUs) is dropped from the table, and a line per thread count says which.
// --ours-st / --ours-mt: other builds of convplay-bench.js (default build/wasm-st, build/wasm-mt);
// --json prints the rows as JSON lines too, and a record per round {"info":"round", threads, round,
// peak_before, peak_after, load, loadavg, disturbed, why}.
// --assume-peaks P,P,… / --assume-loads L,…: for testing the round check, these peaks (two per round, in
// the order the rounds run) and foreign loads (one per round) instead of the measured ones.
// Needs both WebAssembly builds (tools/play.sh or tools/test.sh builds them) and `npm ci`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { droppedLine, foreignLoad, judgeRound, mergeKept, sampleCpu } from './rounds.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback; };
let shapes = path.resolve(opt('--shapes', path.join(root, 'bench/shapes.json')));
const threadCounts = opt('--threads', '1,2').split(',').map(Number);
const timing = ['--reps', opt('--reps', '15'), '--min-sample-ms', opt('--min-sample-ms', '10')];
const ids = opt('--ids', '');
if (ids && fs.existsSync(shapes)) {
  // Both sides get the same subset: a filtered copy of the shapes file (s7* = prefix).
  const want = ids.split(',');
  const sel = JSON.parse(fs.readFileSync(shapes, 'utf8'))
    .filter((s) => want.some((w) => (w.endsWith('*') ? s.id.startsWith(w.slice(0, -1)) : s.id === w)));
  shapes = path.join((await import('node:os')).tmpdir(), `convplay-shapes-${process.pid}.json`);
  fs.writeFileSync(shapes, JSON.stringify(sel));
}
const idArgs = [];
const oursSt = path.resolve(root, opt('--ours-st', 'build/wasm-st/bin/convplay-bench.js'));
const oursMt = path.resolve(root, opt('--ours-mt', 'build/wasm-mt/bin/convplay-bench.js'));
const wantJson = argv.includes('--json');
const rounds = Math.max(1, Number(opt('--rounds', '1')));
const median = (v) => { const a = [...v].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
const os = await import('node:os');
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
if (!fs.existsSync(shapes)) { console.error(`compare_xnnpack: no shapes file ${shapes}`); process.exit(2); }
const numbers = (name, atLeast) => {
  const text = opt(name, '');
  const list = text ? text.split(',').map(Number) : [];
  if (list.some((v) => !Number.isFinite(v) || v < atLeast)) { console.error(`compare_xnnpack: ${name}: '${text}' is not a list of numbers from ${atLeast}`); process.exit(2); }
  return list;
};
const assumedPeaks = numbers('--assume-peaks', Number.MIN_VALUE), assumedLoads = numbers('--assume-loads', 0);
for (const [name, list, per] of [['--assume-peaks', assumedPeaks, 2], ['--assume-loads', assumedLoads, 1]]) {
  if (list.length && list.length !== per * rounds * threadCounts.length) {
    console.error(`compare_xnnpack: ${name}: give ${per * rounds * threadCounts.length} numbers (${per} per round), not ${list.length}`);
    process.exit(2);
  }
}

function runLines(args) {
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
                                                     env: { ...process.env, NODE_PATH: '' } });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const rows = [], roundsOf = new Map(); // thread count → its rounds
for (const t of threadCounts) {
  // Ours: the single-threaded build for 1 thread (what pages without isolation get), the threaded one otherwise.
  const build = t === 1 ? oursSt : oursMt;
  if (!fs.existsSync(build)) { console.error(`compare_xnnpack: ${build} is missing: build it first`); process.exit(2); }
  console.error(`running convplay (${build}) and XNNPACK with ${t} thread(s)…`);
  const runOurs = () => runLines(['--no-experimental-fetch', build, '--shapes', shapes, '--threads', String(t), '--json', ...idArgs, ...timing]);
  const runTheirs = () => runLines([path.join(root, 'bench/tfjs_xnnpack.cjs'), '--shapes', shapes, '--threads', String(t), ...timing]);
  // The peak record also carries the round check's limits (bench/round_check.h).
  const runPeak = () => runLines(['--no-experimental-fetch', build, '--peak', '--threads', String(t), '--json',
                                  ...(assumedPeaks.length ? ['--assume-peaks', String(assumedPeaks.shift())] : [])])[0];
  const list = [];
  for (let r = 0; r < rounds; ++r) {
    const round = { loadavg: load() }, cpu0 = sampleCpu();
    const before = runPeak();
    if (r % 2 === 0) { round.ours = runOurs(); round.theirs = runTheirs(); }
    else { round.theirs = runTheirs(); round.ours = runOurs(); }
    const after = runPeak();
    round.peak_before = before.gflops;
    round.peak_after = after.gflops;
    round.load = assumedLoads.length ? assumedLoads.shift() : foreignLoad(cpu0, sampleCpu());
    Object.assign(round, judgeRound(round.peak_before, round.peak_after, round.load, after));
    list.push(round);
  }
  roundsOf.set(t, list);
  const kept = mergeKept(list);
  if (!kept) continue;
  const loadOurs = list.map((r) => r.loadavg).join(' / '), loadTheirs = loadOurs;
  const { ours, theirs } = kept;
  for (const o of ours) {
    const x = theirs.find((r) => r.shape === o.shape);
    if (!x) continue;
    rows.push({ shape: o.shape, op: o.op, threads: t, ours: o.median_ms, xnnpack: x.median_ms, xnnpack_threads: x.threads,
                flop: o.flop,
                ratio: x.median_ms / o.median_ms, agree: Math.abs(o.abssum - x.abssum) <= 1e-4 * Math.abs(x.abssum),
                kernel: o.kernel, load_ours: loadOurs, load_xnnpack: loadTheirs });
  }
}

if (!rows.length) console.log('every round was disturbed: no table (see below); run again on a quieter machine');
else {
  console.log('| shape | threads | convplay ms | XNNPACK ms | speed-up | outputs agree |');
  console.log('|---|---|---|---|---|---|');
}
for (const r of rows) {
  console.log(`| ${r.shape} | ${r.threads}${r.xnnpack_threads !== r.threads ? ` (XNNPACK ${r.xnnpack_threads})` : ''} | ` +
              `${r.ours.toPrecision(3)} | ${r.xnnpack.toPrecision(3)} | ${r.ratio.toFixed(2)}× | ${r.agree ? 'yes' : 'NO'} |`);
}
// "<geometric mean>× (minimum <min>×)" of the rows' speed-ups.
const summary = (sel) => `${Math.exp(sel.reduce((a, r) => a + Math.log(r.ratio), 0) / sel.length).toFixed(2)}× ` +
                         `(minimum ${Math.min(...sel.map((r) => r.ratio)).toFixed(2)}×)`;
for (const t of threadCounts) {
  const sel = rows.filter((r) => r.threads === t && /^s[2-6]$/.test(r.shape));
  if (sel.length) console.log(`\ngeometric mean speed-up over s2–s6, ${t} thread(s): ${summary(sel)}`);
}
for (const t of threadCounts) {
  // Pooling (the maxpool / avgpool shapes, p1_max … p2_avg in bench/shapes.json) has a line of its own.
  const sel = rows.filter((r) => r.threads === t && (r.op === 'maxpool' || r.op === 'avgpool'));
  if (sel.length) console.log(`pooling, ${t} thread(s): geometric mean speed-up over ${sel.map((r) => r.shape).join(', ')}: ${summary(sel)}`);
}
// The issue's s4/s5 target is a share of the 4-wide multiply-add peak for the thread count, measured
// by the same builds (convplay-bench --peak) around each round: the median over the undisturbed rounds.
// GFLOP/s count the direct convolution's FLOPs, so a Winograd row can pass 100 %.
for (const t of threadCounts) {
  const sel = rows.filter((r) => r.threads === t && (r.shape === 's4' || r.shape === 's5'));
  if (!sel.length) continue;
  const peak = { gflops: median(roundsOf.get(t).filter((r) => !r.disturbed).flatMap((r) => [r.peak_before, r.peak_after])) };
  const share = (r, ms) => `${(r.flop / ms / 1e6).toFixed(1)} GFLOP/s = ${(100 * r.flop / ms / 1e6 / peak.gflops).toFixed(0)} %`;
  console.log(`SIMD128 multiply-add peak, ${t} thread(s): ${peak.gflops.toFixed(1)} GFLOP/s; ` +
              sel.map((r) => `${r.shape} ours ${share(r, r.ours)}, XNNPACK ${share(r, r.xnnpack)}`).join('; '));
}
if (wantJson) {
  for (const r of rows) console.log(JSON.stringify(r));
  for (const [t, list] of roundsOf) {
    list.forEach((r, i) => console.log(JSON.stringify({ info: 'round', threads: t, round: i + 1, peak_before: r.peak_before,
      peak_after: r.peak_after, load: r.load, loadavg: r.loadavg, disturbed: r.disturbed, why: r.why })));
  }
}
console.log('\nrounds (peak of the 4-wide multiply-add before and after, foreign load):');
for (const [t, list] of roundsOf) {
  list.forEach((r, i) => console.log(`  ${t} thread(s), round ${i + 1}: peak ${r.peak_before.toFixed(1)} -> ${r.peak_after.toFixed(1)} GFLOP/s, ` +
                                     `load ${r.load.toFixed(2)}, load average ${r.loadavg}: ${r.disturbed ? `disturbed, ${r.why}` : 'clean'}`));
  console.log(`rounds dropped, ${droppedLine(t, list)}`);
}
console.log(`\nmachine: ${(await import('node:os')).cpus()[0].model}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}`);
