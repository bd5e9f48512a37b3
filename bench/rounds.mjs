// The round check of compare_xnnpack.mjs, by convplay-bench's rule (bench/round_check.h, whose limits
// `convplay-bench --peak --json` prints as peak_drift_limit and load_limit): a round, bracketed by two
// measurements of the multiply-add peak, is disturbed when the peak moved by more than the drift limit
// or other processes kept more than the load limit of CPUs busy on average during it (the benchmark's
// own CPU time, its children's included, is not counted). Disturbed rounds are dropped from the table.
import fs from 'node:fs';

// CPU ticks of the machine (busy, total, number of CPUs) and of this process with its waited-for
// children (own), from Linux's /proc; null where /proc cannot be read.
export function sampleCpu() {
  try {
    const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
    const f = lines[0].trim().split(/\s+/).slice(1).map(Number); // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
    const self = fs.readFileSync('/proc/self/stat', 'utf8');
    const g = self.slice(self.lastIndexOf(')') + 2).split(' '); // g[0] is field 3 (state); utime … cstime are 14–17
    return { busy, total: busy + f[3] + f[4], own: g.slice(11, 15).reduce((a, v) => a + Number(v), 0),
             cpus: lines.filter((l) => /^cpu\d/.test(l)).length };
  } catch {
    return null;
  }
}

// Mean number of CPUs kept busy by other processes between two samples (at least 0); -1 when unknown.
export function foreignLoad(a, b) {
  if (!a || !b || !(b.total > a.total)) return -1;
  return Math.max(0, ((b.busy - a.busy) - (b.own - a.own)) * b.cpus / (b.total - a.total));
}

// { disturbed, why } of a round; limits = { peak_drift_limit, load_limit }; a negative load is unknown.
export function judgeRound(peakBefore, peakAfter, load, limits) {
  const why = [];
  if (!(peakBefore > 0) || !(peakAfter > 0)) why.push('no peak measured');
  else {
    const moved = Math.abs(peakAfter - peakBefore) / peakBefore;
    if (moved > limits.peak_drift_limit)
      why.push(`peak moved ${(100 * moved).toFixed(0)} % (${peakBefore.toFixed(1)} -> ${peakAfter.toFixed(1)} GFLOP/s)`);
  }
  if (load > limits.load_limit) why.push(`load ${load.toFixed(2)}`);
  return { disturbed: why.length > 0, why: why.join('; ') };
}

const median = (v) => { const a = [...v].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };

// rounds: [{ ours: rows, theirs: rows, disturbed, ... }] of one thread count. Per shape, the median over
// the undisturbed rounds of each side's medians: { ours, theirs } (rows of the first kept round with
// median_ms replaced), or null when every round was disturbed.
export function mergeKept(rounds) {
  const kept = rounds.filter((r) => !r.disturbed);
  if (!kept.length) return null;
  const merge = (all) => all[0].map((first) => {
    const same = all.map((list) => list.find((q) => q.shape === first.shape)).filter(Boolean);
    return { ...first, median_ms: median(same.map((q) => q.median_ms)) };
  });
  return { ours: merge(kept.map((r) => r.ours)), theirs: merge(kept.map((r) => r.theirs)) };
}

// The line saying which rounds of a thread count were dropped, and why.
export function droppedLine(threads, rounds) {
  const bad = rounds.map((r, i) => ({ ...r, n: i + 1 })).filter((r) => r.disturbed);
  const list = bad.map((r) => `round ${r.n}: ${r.why}`).join('; ');
  if (!bad.length) return `${threads} thread(s): no round disturbed, none dropped (${rounds.length} round(s))`;
  if (bad.length === rounds.length)
    return `${threads} thread(s): every round was disturbed (${list}): no rows for this thread count; run again on a quieter machine`;
  return `${threads} thread(s): ${bad.length} of ${rounds.length} rounds disturbed, dropped (${list})`;
}
