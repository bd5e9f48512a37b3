// bench/rounds.mjs, the round check of compare_xnnpack.mjs, on given numbers (no timing): which rounds
// are disturbed, the foreign load from CPU counters, the table's median over the kept rounds only, and
// the line naming the dropped rounds.   node tests/core/rounds_tests.mjs
import assert from 'node:assert/strict';
import { droppedLine, foreignLoad, judgeRound, mergeKept, sampleCpu } from '../../bench/rounds.mjs';

const limits = { peak_drift_limit: 0.1, load_limit: 0.5 }; // what convplay-bench --peak --json prints

// The rule: peak moved by more than 10 % of the first, or foreign load above 0.5; the limits themselves are clean.
assert.deepEqual(judgeRound(40, 40, 0, limits), { disturbed: false, why: '' });
assert.deepEqual(judgeRound(40, 44, 0.5, limits), { disturbed: false, why: '' });
assert.deepEqual(judgeRound(40, 36, 0.5, limits), { disturbed: false, why: '' });
assert.deepEqual(judgeRound(40, 30, 0, limits), { disturbed: true, why: 'peak moved 25 % (40.0 -> 30.0 GFLOP/s)' });
assert.deepEqual(judgeRound(40, 40, 0.51, limits), { disturbed: true, why: 'load 0.51' });
assert.deepEqual(judgeRound(20, 40, 1.5, limits), { disturbed: true, why: 'peak moved 100 % (20.0 -> 40.0 GFLOP/s); load 1.50' });
assert.equal(judgeRound(40, 40, -1, limits).disturbed, false); // load unknown: the peaks alone
assert.deepEqual(judgeRound(0, 40, 0, limits), { disturbed: true, why: 'no peak measured' });
assert.equal(judgeRound(40, 43, 0, { peak_drift_limit: 0.05, load_limit: 0.5 }).disturbed, true); // the limits given are used

// Foreign load: others' busy ticks (all busy minus ours) per elapsed tick of every CPU.
const a = { busy: 100, total: 1000, own: 50, cpus: 2 };
assert.equal(foreignLoad(a, { busy: 600, total: 2000, own: 350, cpus: 2 }), 0.4);
assert.equal(foreignLoad(a, { busy: 400, total: 2000, own: 400, cpus: 2 }), 0); // own ticks counted late: not negative
assert.equal(foreignLoad(null, a), -1);
assert.equal(foreignLoad(a, a), -1); // no time elapsed
const now = sampleCpu(); // this machine's counters (Linux)
assert.ok(now && now.cpus >= 1 && now.total >= now.busy && now.own >= 0, JSON.stringify(now));

// The table: per shape, the median over the undisturbed rounds only; null when none is left.
const row = (shape, ms) => ({ shape, median_ms: ms, abssum: 1 });
const rounds = [
  { ours: [row('s1', 1.0), row('s2', 2.0)], theirs: [row('s1', 3.0), row('s2', 4.0)], disturbed: false, why: '' },
  { ours: [row('s1', 9.0), row('s2', 9.0)], theirs: [row('s1', 0.1), row('s2', 0.1)], disturbed: true, why: 'load 1.70' },
  { ours: [row('s1', 1.2), row('s2', 2.2)], theirs: [row('s1', 3.2), row('s2', 4.2)], disturbed: false, why: '' },
  { ours: [row('s1', 1.1), row('s2', 2.1)], theirs: [row('s1', 3.1), row('s2', 4.1)], disturbed: false, why: '' },
];
const kept = mergeKept(rounds);
assert.deepEqual(kept.ours.map((r) => r.median_ms), [1.1, 2.1]);
assert.deepEqual(kept.theirs.map((r) => r.median_ms), [3.1, 4.1]);
assert.deepEqual(mergeKept(rounds.slice(0, 2)).ours.map((r) => r.median_ms), [1.0, 2.0]); // the disturbed 9.0 is not in it
assert.equal(mergeKept(rounds.map((r) => ({ ...r, disturbed: true }))), null);

// The summary line per thread count.
assert.equal(droppedLine(2, rounds), '2 thread(s): 1 of 4 rounds disturbed, dropped (round 2: load 1.70)');
assert.equal(droppedLine(1, [rounds[0]]), '1 thread(s): no round disturbed, none dropped (1 round(s))');
assert.equal(droppedLine(2, [rounds[1], { ...rounds[0], disturbed: true, why: 'peak moved 12 %' }]),
             '2 thread(s): every round was disturbed (round 1: load 1.70; round 2: peak moved 12 %): no rows for this thread count; ' +
             'run again on a quieter machine');
console.log('rounds.mjs: the round check, the foreign load, the kept rounds\' median and the dropped line hold');
