#include "round_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace round_check {

CpuSample sample_cpu() {
  CpuSample s;
  std::ifstream stat("/proc/stat");
  std::string line;
  bool have_total = false;
  while (std::getline(stat, line)) {
    if (line.rfind("cpu", 0) != 0) break; // the cpu lines come first
    if (line.size() > 3 && line[3] == ' ') {
      std::istringstream in(line.substr(3));
      long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
      in >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
      if (!in) return s;
      s.busy = user + nice + system + irq + softirq + steal;
      s.total = s.busy + idle + iowait;
      have_total = true;
    } else {
      ++s.cpus;
    }
  }
  std::ifstream self("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')'); // the command's name may hold spaces and parentheses
  if (!have_total || s.cpus < 1 || close == std::string::npos) return s;
  std::istringstream in(text.substr(close + 1));
  std::string field;
  // Fields after the name: state (3) … utime (14), stime (15), cutime (16), cstime (17).
  long long times[4] = {};
  for (int i = 3; i <= 17 && in >> field; ++i)
    if (i >= 14) times[i - 14] = std::atoll(field.c_str());
  if (!in) return s;
  s.own = times[0] + times[1] + times[2] + times[3];
  s.ok = true;
  return s;
}

double foreign_load(const CpuSample& a, const CpuSample& b) {
  const long long total = b.total - a.total;
  if (!a.ok || !b.ok || total <= 0) return -1;
  // total ticks = CPUs × elapsed ticks, so this is the mean number of CPUs busy with others.
  const double others = static_cast<double>((b.busy - a.busy) - (b.own - a.own));
  return std::max(0.0, others * b.cpus / static_cast<double>(total));
}

double load_average() {
  std::ifstream f("/proc/loadavg");
  double one = -1;
  if (!(f >> one)) return -1;
  return one;
}

Verdict judge(double peak_before, double peak_after, double load) {
  Verdict v;
  auto add = [&](const std::string& why) {
    v.why += (v.why.empty() ? "" : "; ") + why;
    v.disturbed = true;
  };
  char text[96];
  if (!(peak_before > 0) || !(peak_after > 0)) {
    add("no peak measured");
  } else if (const double moved = std::fabs(peak_after - peak_before) / peak_before; moved > kPeakDrift) {
    std::snprintf(text, sizeof text, "peak moved %.0f %% (%.1f -> %.1f GFLOP/s)", 100 * moved, peak_before, peak_after);
    add(text);
  }
  if (load > kMaxLoad) {
    std::snprintf(text, sizeof text, "load %.2f", load);
    add(text);
  }
  return v;
}

} // namespace round_check
