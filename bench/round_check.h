// Whether a benchmark round ran on an undisturbed machine. A round is bracketed by two measurements of
// the multiply-add peak (peak.h); it is disturbed when the peak moved by more than kPeakDrift of the
// first, or when other processes kept more than kMaxLoad CPUs busy on average during the round.
// "Load" is that foreign load, not the kernel's load average: the benchmark's own threads count in the
// load average (two threads running for a minute raise it to about 1.3 on an otherwise idle machine),
// so the round subtracts its own CPU time from the machine's. compare_xnnpack.mjs reads both limits
// from `convplay-bench --peak --json` and judges its rounds (ours and XNNPACK's) by the same rule.
#pragma once
#include <string>

namespace round_check {

constexpr double kPeakDrift = 0.10; // largest |peak_after − peak_before| / peak_before of a clean round
constexpr double kMaxLoad = 0.5;    // most CPUs other processes may keep busy, on average, in a clean round

// CPU time counters of the machine and of this process (Linux's /proc, also readable under Node with
// NODERAWFS), in the kernel's clock ticks.
struct CpuSample {
  bool ok = false;      // false: /proc/stat or /proc/self/stat could not be read
  long long busy = 0;   // all CPUs: user + nice + system + irq + softirq + steal
  long long total = 0;  // all CPUs: busy + idle + iowait
  long long own = 0;    // this process, all its threads, and its waited-for children
  int cpus = 0;         // CPUs in /proc/stat
};
CpuSample sample_cpu();

// Mean number of CPUs kept busy by other processes between a and b (at least 0); −1 when unknown.
double foreign_load(const CpuSample& a, const CpuSample& b);

// 1-minute load average from /proc/loadavg, for the record; −1 when unknown.
double load_average();

struct Verdict {
  bool disturbed = false;
  std::string why; // "" or e.g. "peak moved 14 %", "load 1.80", joined by "; "
};
// The rule above; a negative load (unknown) is judged by the peaks alone.
Verdict judge(double peak_before, double peak_after, double load);

} // namespace round_check
