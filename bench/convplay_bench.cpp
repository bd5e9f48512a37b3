// convplay-bench: times the core's fast kernels on the shapes of ../shared/perf-anchors/bench/shapes.json
// with the same deterministic inputs and timing rules as that harness, one JSON line per
// (implementation, shape, threads), so run_all.sh --extra can put us beside XNNPACK, ONNX Runtime Web,
// oneDNN and SciPy.
//
//   convplay-bench --shapes FILE [--threads N] [--ids s1,s7*] [--impl fast,direct,winograd,im2col,toeplitz]
//                  [--max-bytes B] [--reps R] [--min-sample-ms X] [--tiling auto|columns|channels]
//                  [--rounds R] [--json]
//   convplay-bench --peak [--threads N] [--json]   the 4-wide multiply-add peak (bench/peak.h)
//   ... | convplay-bench            shapes in the harness' text form on stdin: id op N C H W M K pad S
// THREADS, REPS and MIN_SAMPLE_MS in the environment are defaults (run_all.sh sets them).
// --impl: fast (default) is the planned operator as programs use it (Conv2dPlan, weights packed once,
// as the other libraries' operators), named after the algorithm it took: convplay-direct, or
// convplay-winograd on the 3×3 layers where the plan takes Winograd (conv2d_plan.h); direct and winograd
// hold the plan to one (winograd is skipped, with a message, where it does not apply; winograd-f2 and
// winograd-f4 also pick its tile, rows convplay-winograd-f2/-f4). A row already printed for a shape
// (e.g. fast and direct on a layer the plan runs direct) is not repeated. The lecture's three ways
// (convplay/three_ways.h) are direct, im2col (im2col matrix + GEMM) and toeplitz (the (M·OH·OW) ×
// (C·H·W) matrix times the image); im2col and toeplitz time the whole method, building
// the matrix included. peak_bytes = what the method allocates besides the input (output included);
// a method needing more than --max-bytes (default 1 GiB) is skipped with a message. --tiling forces
// direct's kernel family (row tiles over output columns, or channel-vectorised pixel tiles).
// Shapes with op maxpool / avgpool (K×K window, stride S, no padding, as the harness) run the planned
// pooling (convplay/pool2d_plan.h) once whatever --impl says, as impl convplay-pool; their flop is the
// harness' N·C·Ho·Wo·K·K (one operation per tap).
// Training products (bench/shapes_train.json, LeNet-5 at batch 64), by what the training step runs:
// op conv is the forward pass (the plan, as above); dense is dense_fast (y = x·wᵀ, x (N, C), w (M, C));
// conv_wgrad / dense_wgrad the weight gradient alone (conv2d_backward_fast / dense_backward_fast
// without the input gradient, as for a network's first layer; no bias); conv_dgrad / dense_dgrad the
// input gradient, which those functions compute only together with the weight gradient: its time is
// the whole backward pass's minus the weight gradient's, the two timed in turns (the row's backward_ms,
// weight_gradient_ms and derived say so; where the difference is within the noise, the whole pass).
// grad_y is the deterministic sequence with seed 104729 over the output's NCHW index; abssum is of
// the gradient the row names. flop: 2·N·Ho·Wo·M·C·K·K for every conv product, 2·N·C·M for dense.
// Rounds (--rounds R, default 1): every round times all the shapes, bracketed by two measurements of
// the peak and of the CPU time other processes used (round_check.h). Each round ends with a record
// {"info":"bench-round", bench_round, peak_before, peak_after, load, loadavg, disturbed, why} after its
// rows (which carry bench_round and disturbed too); the run ends with {"info":"bench-rounds", rounds,
// dropped} and, for R > 1, the same in words on stderr. The text table adds, for R > 1, the median over the
// undisturbed rounds, or says that every round was disturbed. --assume-peaks / --assume-loads replace
// the measurements by given numbers (two peaks and one load per round), so a test can check the rule.
#include <convplay/conv2d_plan.h>
#include <convplay/json.h>
#include <convplay/pool2d_plan.h>
#include <convplay/thread_pool.h>
#include <convplay/three_ways.h>
#include <convplay/train_ops.h>

#include "command_line.h"

#include "peak.h"
#include "round_check.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <malloc.h> // malloc_usable_size (glibc, Emscripten)
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// What the implementations really allocate: every operator new is counted (bytes live and their high
// mark), so each row can show alloc_peak_bytes, measured from plan or method start through its first
// run, next to the peak_bytes it reports (the rule: at most twice output plus workspace).
namespace alloc_count {
std::atomic<long long> live{0}, high{0};
void* note(void* p) {
  if (!p) throw std::bad_alloc();
  const long long now = live.fetch_add(static_cast<long long>(malloc_usable_size(p))) + static_cast<long long>(malloc_usable_size(p));
  for (long long h = high.load(); now > h && !high.compare_exchange_weak(h, now);) {}
  return p;
}
void forget(void* p) {
  if (!p) return;
  live.fetch_sub(static_cast<long long>(malloc_usable_size(p)));
  std::free(p);
}
void* aligned_raw(std::size_t n, std::align_val_t a) {
  const auto al = static_cast<std::size_t>(a);
  return std::aligned_alloc(al, (std::max<std::size_t>(n, 1) + al - 1) / al * al);
}
void* aligned(std::size_t n, std::align_val_t a) { return note(aligned_raw(n, a)); }
void* note_or_null(void* p) noexcept { return p ? note(p) : nullptr; }
// Bytes allocated at the highest point since start(), above what was live at start().
struct Scope {
  long long base = live.load();
  Scope() { high.store(base); }
  long long peak() const { return high.load() - base; }
};
} // namespace alloc_count

void* operator new(std::size_t n) { return alloc_count::note(std::malloc(n ? n : 1)); }
void* operator new[](std::size_t n) { return alloc_count::note(std::malloc(n ? n : 1)); }
void* operator new(std::size_t n, std::align_val_t a) { return alloc_count::aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_count::aligned(n, a); }
// The nothrow forms too (std::stable_partition's temporary buffer, for one): left to the runtime, they
// would allocate where our delete does not free (AddressSanitizer reports the mismatch).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return alloc_count::note_or_null(std::malloc(n ? n : 1)); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return alloc_count::note_or_null(std::malloc(n ? n : 1)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return alloc_count::note_or_null(alloc_count::aligned_raw(n, a)); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return alloc_count::note_or_null(alloc_count::aligned_raw(n, a)); }
void operator delete(void* p, const std::nothrow_t&) noexcept { alloc_count::forget(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { alloc_count::forget(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { alloc_count::forget(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { alloc_count::forget(p); }
void operator delete(void* p) noexcept { alloc_count::forget(p); }
void operator delete[](void* p) noexcept { alloc_count::forget(p); }
void operator delete(void* p, std::size_t) noexcept { alloc_count::forget(p); }
void operator delete[](void* p, std::size_t) noexcept { alloc_count::forget(p); }
void operator delete(void* p, std::align_val_t) noexcept { alloc_count::forget(p); }
void operator delete[](void* p, std::align_val_t) noexcept { alloc_count::forget(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { alloc_count::forget(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { alloc_count::forget(p); }

namespace {

struct Shape {
  std::string id, op, pad = "valid";
  long N = 1, C = 1, H = 1, W = 1, M = 1, K = 1, S = 1;
  long G = 1; // conv groups (our own shapes files; depthwise when G = C); the shared harness has none
  bool pooling() const { return op == "maxpool" || op == "avgpool"; }
  bool training() const { return op == "conv_dgrad" || op == "conv_wgrad" || dense(); } // train_ops.h
  bool dense() const { return op == "dense" || op == "dense_dgrad" || op == "dense_wgrad"; } // H = W = K = 1
  // Padding per side as PyTorch pads (symmetric, also with a stride).
  long p() const { return pooling() ? 0 : pad == "same" ? (K - 1) / 2 : pad == "full" ? K - 1 : 0; }
  long Ho() const { return (H + 2 * p() - K) / S + 1; }
  long Wo() const { return (W + 2 * p() - K) / S + 1; }
  long Mo() const { return pooling() ? C : M; } // output channels
  double flop() const {
    // In double: long is 32 bits in WebAssembly, and a batch-64 K7 layer has more taps than that.
    const double taps = static_cast<double>(N) * static_cast<double>(Ho()) * static_cast<double>(Wo()) *
                        static_cast<double>(Mo()) * static_cast<double>(K) * static_cast<double>(K);
    return pooling() ? taps : 2.0 * taps * static_cast<double>(C / G);
  }
  std::string check() const { // "" or why the shape cannot run
    if (dense() && (H != 1 || W != 1 || K != 1 || pad != "valid")) return "a dense layer has H, W and K 1 and pad valid";
    if (training() && (S != 1 || G != 1)) return "the training products have stride 1 and one group";
    if (N < 1 || C < 1 || H < 1 || W < 1 || K < 1 || S < 1 || G < 1) return "sizes, K, S and G must be at least 1";
    if (!pooling() && M < 1) return "M, the number of filters, must be at least 1"; // pooling rows have M 0
    if (!pooling() && (C % G || M % G)) return "groups G must divide C and M";
    if (H + 2 * p() < K || W + 2 * p() < K) return "the window is larger than the (padded) input";
    return {};
  }
};

// Rows name the build, so run_all.sh can put native and WebAssembly side by side in one table.
#if defined(__EMSCRIPTEN__)
constexpr const char* kImplPrefix = "convplay-wasm-";
#else
constexpr const char* kImplPrefix = "convplay-";
#endif
const char* g_name = "convplay-bench"; // or "convplay bench", as the user typed it

int fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", g_name, message.c_str());
  return 2;
}

// value(i, seed) = (((i + seed) * 1103515245 + 12345) mod 2^31) / 2^31 − 0.5 over the NCHW / OIHW index
// (64-byte-aligned storage, as a Tensor's: the inputs and every output below live in it).
convplay::AlignedVector<float> deterministic(size_t n, uint64_t seed) {
  convplay::AlignedVector<float> a(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = ((i + seed) * 1103515245ull + 12345ull) & 0x7fffffffull;
    a[i] = static_cast<float>(static_cast<double>(v) / 2147483648.0 - 0.5);
  }
  return a;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Timing { double median_ms, min_ms, max_ms; int reps, inner; };

// Warm-up: at least 3 calls and 200 ms; then reps samples of `inner` back-to-back calls, inner chosen
// so one sample lasts at least min_sample_ms; per-call time = sample / inner; median over samples.
template <class F> int warm_up(F&& fn, double min_sample_ms) { // the warm-up; returns inner
  const double tw = now_ms();
  for (int i = 0; i < 3 || now_ms() - tw < 200.0; ++i) fn();
  const double t0 = now_ms();
  fn();
  const double one = now_ms() - t0;
  return static_cast<int>(std::max(1.0, std::min(1000.0, std::ceil(min_sample_ms / std::max(one, 1e-3)))));
}
template <class F> double sample_ms(F&& fn, int inner) { // one sample, per call
  const double t0 = now_ms();
  for (int j = 0; j < inner; ++j) fn();
  return (now_ms() - t0) / inner;
}
Timing summarize(std::vector<double> samples, int inner) {
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples.front(), samples.back(), static_cast<int>(samples.size()), inner};
}
template <class F> Timing time_it(F&& fn, int reps, double min_sample_ms) {
  const int inner = warm_up(fn, min_sample_ms);
  std::vector<double> samples;
  for (int r = 0; r < reps; ++r) samples.push_back(sample_ms(fn, inner));
  return summarize(std::move(samples), inner);
}
// What `more` costs beyond `less` (which does part of its work): samples of the two taken in turns,
// the same inner for both (the longer one's), and the median of the per-sample differences, so a
// machine that slows down meanwhile slows both; also each one's own timing.
struct Difference { Timing difference, less, more; };
template <class A, class B> Difference time_difference(A&& less, B&& more, int reps, double min_sample_ms) {
  warm_up(less, min_sample_ms);
  const int inner = warm_up(more, min_sample_ms);
  std::vector<double> a, b, d;
  for (int r = 0; r < reps; ++r) {
    a.push_back(sample_ms(less, inner));
    b.push_back(sample_ms(more, inner));
    d.push_back(b.back() - a.back());
  }
  return {summarize(d, inner), summarize(a, inner), summarize(b, inner)};
}

bool id_selected(const std::string& id, const std::string& ids) {
  if (ids.empty()) return true;
  std::stringstream ss(ids);
  std::string want;
  while (std::getline(ss, want, ',')) {
    if (!want.empty() && want.back() == '*' ? id.rfind(want.substr(0, want.size() - 1), 0) == 0 : id == want) return true;
  }
  return false;
}

bool read_json_shapes(const std::string& path, std::vector<Shape>& out, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) { error = "cannot open " + path; return false; }
  std::stringstream buf;
  buf << f.rdbuf();
  std::vector<convplay::JsonObject> items;
  if (!convplay::parse_flat_json_array(buf.str(), items, error)) { error = path + ": " + error; return false; }
  for (const auto& o : items) {
    Shape s;
    auto str = [&](const char* k, std::string& v) { if (auto it = o.find(k); it != o.end()) if (auto p = std::get_if<std::string>(&it->second)) v = *p; };
    auto num = [&](const char* k, long& v) { if (auto it = o.find(k); it != o.end()) if (auto p = std::get_if<double>(&it->second)) v = static_cast<long>(*p); };
    str("id", s.id); str("op", s.op); str("pad", s.pad);
    num("N", s.N); num("C", s.C); num("H", s.H); num("W", s.W); num("M", s.M); num("K", s.K); num("S", s.S); num("G", s.G);
    if (s.id.empty() || s.op.empty()) { error = path + ": a shape without id or op"; return false; }
    out.push_back(s);
  }
  return true;
}

void read_text_shapes(std::istream& in, std::vector<Shape>& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    Shape s;
    ss >> s.id >> s.op >> s.N >> s.C >> s.H >> s.W >> s.M >> s.K >> s.pad >> s.S;
    if (!ss) { std::fprintf(stderr, "%s: bad shape line: %s\n", g_name, line.c_str()); continue; }
    out.push_back(s);
  }
}

// One measured (implementation, shape, threads) in one round.
struct Row {
  std::string impl, label, kernel; // label: the short name of the text table
  Timing t;
  convplay::AlignedVector<float> y; // the output, until its sums are taken (sum_output)
  long long workspace, peak;
  long long alloc_peak = -1;       // measured by alloc_count (-1: not measured)
  const Shape* shape = nullptr;
  double checksum = 0, abssum = 0; // sum and sum of |·| of the output
  long long output_bytes = 0;
  int round = 0;
  bool disturbed = false;
  std::string extra; // more JSON fields, ",\"name\":value…"
};
Row new_row(const std::string& label, const std::string& kernel) {
  Row r{std::string(kImplPrefix) + label, label, kernel, {}, {}, 0, 0, -1, nullptr, 0, 0, 0, 0, false, {}};
  return r;
}

// Takes the output's sums and frees it: a round's rows wait for its verdict before they are printed.
void sum_output(Row& r) {
  r.checksum = r.abssum = 0;
  for (float v : r.y) { r.checksum += v; r.abssum += std::fabs(v); }
  r.output_bytes = static_cast<long long>(r.y.size() * sizeof(float));
  convplay::AlignedVector<float>().swap(r.y);
}

void print_row(long threads, const Row& r, bool json) {
  const Shape& s = *r.shape;
  const double checksum = r.checksum, abssum = r.abssum;
  const double gflops = s.flop() / (r.t.median_ms * 1e6);
  if (json) {
    std::printf("{\"impl\":\"%s\",\"shape\":\"%s\",\"op\":\"%s\",\"N\":%ld,\"C\":%ld,\"H\":%ld,\"W\":%ld,"
                "\"M\":%ld,\"K\":%ld,\"pad\":\"%s\",\"S\":%ld,\"G\":%ld,\"Ho\":%ld,\"Wo\":%ld,\"threads\":%ld,\"median_ms\":%.5g,"
                "\"min_ms\":%.5g,\"max_ms\":%.5g,\"reps\":%d,\"inner\":%d,\"flop\":%.0f,\"gflops\":%.4g,"
                "\"checksum\":%.7g,\"abssum\":%.7g,\"kernel\":\"%s\",\"workspace_bytes\":%lld,\"output_bytes\":%lld,"
                "\"peak_bytes\":%lld,\"alloc_peak_bytes\":%lld,\"alloc_within_2x\":%s,\"bench_round\":%d,\"disturbed\":%s%s}\n",
                r.impl.c_str(), s.id.c_str(), s.op.c_str(), s.N, s.C, s.H, s.W, s.Mo(), s.K, s.pooling() ? "valid" : s.pad.c_str(),
                s.S, s.pooling() ? 1L : s.G, s.Ho(), s.Wo(), threads, r.t.median_ms, r.t.min_ms, r.t.max_ms, r.t.reps, r.t.inner,
                s.flop(), gflops, checksum, abssum, r.kernel.c_str(), r.workspace,
                r.output_bytes, r.peak, r.alloc_peak,
                r.peak < 0 ? "null" : r.alloc_peak >= 0 && r.alloc_peak <= 2 * r.peak ? "true" : "false", r.round,
                r.disturbed ? "true" : "false", r.extra.c_str());
  } else {
    std::printf("%-14s %-10s %8ld %10.4g %10.4g %9.3g %14.7g %12lld\n", s.id.c_str(), r.label.c_str(), threads,
                r.t.median_ms, r.t.min_ms, gflops, abssum, r.peak);
  }
  std::fflush(stdout);
}

// The options, checked (command_line.h parses the numbers).
struct Settings {
  std::string shapes_path, ids;
  long threads;
  int reps, rounds;
  double min_sample_ms, max_bytes;
  bool json, peak;
  std::string impls, tiling_name;
  std::vector<double> assume_peaks, assume_loads; // empty: measured
};

// fast: the operator as a program uses it (Conv2dPlan, Algorithm::Auto; the row is named after what
// the plan took, direct or winograd); direct, winograd: Conv2dPlan held to one algorithm; im2col,
// toeplitz: the lecture's other two ways (three_ways.h).
struct Method {
  bool plan = false;
  convplay::Conv2dAlgorithm algorithm = convplay::Conv2dAlgorithm::Auto;
  convplay::ConvMethod way = convplay::ConvMethod::Direct;
};

// A training product (Shape::training(), or a dense forward) by train_ops.h, as the training step
// calls it; one row, impl convplay-train. peak_bytes is -1: train_ops reports no workspace.
std::string measure_training(const Shape& s, const Settings& settings, convplay::ThreadPool& pool, std::vector<Row>& rows) {
  using convplay::Tensor;
  const bool conv = !s.dense();
  const Tensor x{conv ? std::vector<int64_t>{s.N, s.C, s.H, s.W} : std::vector<int64_t>{s.N, s.C},
                 deterministic(static_cast<size_t>(s.N * s.C * s.H * s.W), 0)};
  const Tensor w{conv ? std::vector<int64_t>{s.M, s.C, s.K, s.K} : std::vector<int64_t>{s.M, s.C},
                 deterministic(static_cast<size_t>(s.M * s.C * s.K * s.K), 7919)};
  const Tensor gy{conv ? std::vector<int64_t>{s.N, s.M, s.Ho(), s.Wo()} : std::vector<int64_t>{s.N, s.M},
                  deterministic(static_cast<size_t>(s.N * s.M * s.Ho() * s.Wo()), 104729)};
  convplay::Conv2dParams params;
  params.padding = convplay::Padding::Explicit;
  params.pad_top = params.pad_bottom = params.pad_left = params.pad_right = s.p();
  Row row = new_row("train", "");
  row.peak = -1;
  std::string error;
  const auto time_run = [&](auto&& run) { // first run (allocations counted), then the timing
    const alloc_count::Scope scope;
    error = run();
    row.alloc_peak = scope.peak();
    return error.empty() ? time_it([&] { (void)run(); }, settings.reps, settings.min_sample_ms) : Timing{};
  };
  if (s.op == "dense") {
    Tensor y;
    row.kernel = "dense_fast";
    row.t = time_run([&] { return convplay::dense_fast_into(x, w, nullptr, y, {&pool, "", true}); });
    row.y = y.data;
  } else {
    const bool input = s.op == "conv_dgrad" || s.op == "dense_dgrad";
    convplay::ConvGradients cg;
    convplay::DenseGradients dg;
    const auto backward = [&](bool with_input) {
      const convplay::TrainOpsOptions options{&pool, "", with_input};
      return conv ? convplay::conv2d_backward_fast_into(x, w, false, gy, params, cg, options)
                  : convplay::dense_backward_fast_into(x, w, false, gy, dg, options);
    };
    row.kernel = std::string(conv ? "conv2d_backward_fast" : "dense_backward_fast") + (input ? " (input gradient)" : " (weight gradient)");
    if (!input) {
      row.t = time_run([&] { return backward(false); });
    } else {
      const alloc_count::Scope scope;
      error = backward(true);
      row.alloc_peak = scope.peak();
      if (error.empty()) {
        const auto d = time_difference([&] { (void)backward(false); }, [&] { (void)backward(true); }, settings.reps,
                                       settings.min_sample_ms);
        // Within the noise (a small layer on a busy machine), the whole backward pass is the bound.
        const bool measurable = d.difference.median_ms > 0;
        row.t = measurable ? d.difference : d.more;
        char text[200];
        std::snprintf(text, sizeof text, ",\"backward_ms\":%.5g,\"weight_gradient_ms\":%.5g,\"derived\":\"%s\"", d.more.median_ms,
                      d.less.median_ms,
                      measurable ? "backward minus weight gradient, in turns" : "upper bound: the whole backward pass (the difference was within the noise)");
        row.extra = text;
      }
    }
    row.y = input ? (conv ? cg.input : dg.input).data : (conv ? cg.weight : dg.weight).data;
  }
  if (!error.empty()) return s.id + ": " + error;
  row.shape = &s;
  sum_output(row);
  rows.push_back(std::move(row));
  return {};
}

// Times one shape by every method, appending its rows (outputs summed); "" or why the run must stop.
std::string measure_shape(const Shape& s, const std::vector<Method>& methods, const Settings& settings,
                          convplay::Conv2dTiling tiling, convplay::ThreadPool& pool, std::vector<Row>& rows) {
  const int reps = settings.reps;
  const double min_sample_ms = settings.min_sample_ms;
  if (s.training()) return measure_training(s, settings, pool, rows);
  const auto x = deterministic(static_cast<size_t>(s.N * s.C * s.H * s.W), 0);
  if (s.pooling()) {
    convplay::Pool2dPlanSpec spec;
    spec.N = s.N; spec.C = s.C; spec.H = s.H; spec.W = s.W; spec.KH = spec.KW = s.K; spec.SH = spec.SW = s.S;
    spec.op = s.op == "maxpool" ? convplay::PoolOp::Max : convplay::PoolOp::Avg;
    const alloc_count::Scope scope;
    const convplay::Pool2dPlan plan(spec);
    if (!plan.ok()) return s.id + ": " + plan.error();
    Row row = new_row("pool", plan.kernel_name());
    row.y.assign(static_cast<size_t>(plan.output_size()), 0.0f);
    plan.run(x.data(), row.y.data(), &pool);
    row.alloc_peak = scope.peak();
    row.t = time_it([&] { plan.run(x.data(), row.y.data(), &pool); }, reps, min_sample_ms);
    row.workspace = plan.workspace_bytes();
    row.peak = row.workspace + static_cast<long long>(row.y.size() * sizeof(float));
    row.shape = &s;
    sum_output(row);
    rows.push_back(std::move(row));
    return {};
  }
  const auto w = deterministic(static_cast<size_t>(s.M * (s.C / s.G) * s.K * s.K), 7919);
  std::vector<std::string> printed; // impl names of this shape's rows so far
  for (const Method& method : methods) {
    const convplay::ConvMethod way = method.way;
    Row row = new_row(convplay::conv_method_name(way), "");
    if (method.plan) {
      convplay::Conv2dPlanSpec spec;
      spec.N = s.N; spec.C = s.C; spec.H = s.H; spec.W = s.W; spec.M = s.M; spec.KH = spec.KW = s.K;
      spec.pad_top = spec.pad_bottom = spec.pad_left = spec.pad_right = s.p();
      spec.SH = spec.SW = s.S;
      spec.groups = s.G;
      spec.algorithm = method.algorithm;
      spec.tiling = tiling;
      const alloc_count::Scope scope;
      convplay::Conv2dPlan plan(spec, w.data(), nullptr);
      if (!plan.ok() && method.algorithm != convplay::Conv2dAlgorithm::Direct && method.algorithm != convplay::Conv2dAlgorithm::Auto) {
        std::fprintf(stderr, "%s: %s: winograd skipped: %s\n", g_name, s.id.c_str(), plan.error().c_str());
        continue;
      }
      if (!plan.ok()) return s.id + ": " + plan.error();
      if (plan.algorithm() != convplay::Conv2dAlgorithm::Direct) {
        const bool tile_asked = method.algorithm == convplay::Conv2dAlgorithm::WinogradF2 ||
                                method.algorithm == convplay::Conv2dAlgorithm::WinogradF4;
        row.label = !tile_asked ? "winograd" : plan.algorithm() == convplay::Conv2dAlgorithm::WinogradF2 ? "winograd-f2" : "winograd-f4";
        row.impl = std::string(kImplPrefix) + row.label;
      }
      if (std::find(printed.begin(), printed.end(), row.impl) != printed.end()) continue;
      row.y.assign(static_cast<size_t>(plan.output_size()), 0.0f);
      plan.run(x.data(), row.y.data(), &pool);
      row.alloc_peak = scope.peak();
      row.t = time_it([&] { plan.run(x.data(), row.y.data(), &pool); }, reps, min_sample_ms);
      row.kernel = plan.kernel_name();
      row.workspace = plan.workspace_bytes();
      row.peak = row.workspace + static_cast<long long>(row.y.size() * sizeof(float));
    } else {
      const convplay::Tensor xt{{s.N, s.C, s.H, s.W}, x}, wt{{s.M, s.C / s.G, s.K, s.K}, w};
      convplay::Conv2dParams params;
      params.stride_h = params.stride_w = s.S;
      params.groups = s.G;
      params.padding = convplay::Padding::Explicit;
      params.pad_top = params.pad_bottom = params.pad_left = params.pad_right = s.p();
      const auto limit = static_cast<int64_t>(settings.max_bytes);
      const alloc_count::Scope scope;
      auto first = convplay::run_conv_method(way, xt, wt, nullptr, params, &pool, limit);
      row.alloc_peak = scope.peak();
      if (!first) {
        std::fprintf(stderr, "%s: %s: %s skipped: %s\n", g_name, s.id.c_str(), row.impl.c_str(), first.error().c_str());
        continue;
      }
      row.kernel = first->kernel;
      row.peak = first->bytes_allocated;
      row.workspace = row.peak - static_cast<long long>(first->output.data.size() * sizeof(float));
      row.t = time_it([&] { (void)convplay::run_conv_method(way, xt, wt, nullptr, params, &pool, limit); },
                      reps, min_sample_ms);
      row.y = std::move(first->output.data);
    }
    printed.push_back(row.impl);
    row.shape = &s;
    sum_output(row);
    rows.push_back(std::move(row));
  }
  return {};
}

// The text table's median over the undisturbed rounds: per (shape, impl), in the order of the rows,
// the median of the rounds' medians (the upper one of an even count, as compare_xnnpack.mjs) and the
// fastest sample.
std::vector<Row> median_of_kept_rounds(const std::vector<Row>& all) {
  std::vector<Row> out;
  for (const Row& r : all) {
    if (r.disturbed) continue;
    bool seen = false;
    for (const Row& o : out) seen = seen || (o.shape == r.shape && o.impl == r.impl);
    if (seen) continue;
    std::vector<double> medians;
    Row m = r;
    for (const Row& q : all) {
      if (q.disturbed || q.shape != r.shape || q.impl != r.impl) continue;
      medians.push_back(q.t.median_ms);
      m.t.min_ms = std::min(m.t.min_ms, q.t.min_ms);
    }
    std::sort(medians.begin(), medians.end());
    m.t.median_ms = medians[medians.size() / 2];
    out.push_back(m);
  }
  return out;
}

int run_bench(const Settings& settings) {
  const std::string &shapes_path = settings.shapes_path, &ids = settings.ids, &impls = settings.impls;
  const long threads = settings.threads;
  const bool json = settings.json, peak = settings.peak;
  const std::string& tiling_name = settings.tiling_name;
  const convplay::Conv2dTiling tiling = tiling_name == "columns"    ? convplay::Conv2dTiling::Columns
                                        : tiling_name == "channels" ? convplay::Conv2dTiling::Channels
                                        : tiling_name == "depthwise" ? convplay::Conv2dTiling::Depthwise
                                                                    : convplay::Conv2dTiling::Auto;
  if (tiling_name != "auto" && tiling == convplay::Conv2dTiling::Auto)
    return fail("--tiling must be auto, columns, channels or depthwise");
  const size_t peaks_needed = peak ? 1 : 2 * static_cast<size_t>(settings.rounds);
  if (!settings.assume_peaks.empty() && settings.assume_peaks.size() != peaks_needed)
    return fail("--assume-peaks: give " + std::to_string(peaks_needed) + " numbers (" +
                (peak ? std::string("one for --peak") : "before and after each of the " + std::to_string(settings.rounds) + " round(s)") +
                "), not " + std::to_string(settings.assume_peaks.size()));
  if (!settings.assume_loads.empty() && (peak || settings.assume_loads.size() != static_cast<size_t>(settings.rounds)))
    return fail(peak ? std::string("--assume-loads has no meaning with --peak")
                     : "--assume-loads: give one number per round (" + std::to_string(settings.rounds) + "), not " +
                           std::to_string(settings.assume_loads.size()));
  if (peak) {
    convplay::ThreadPool pool(static_cast<size_t>(threads - 1));
    const double gflops = settings.assume_peaks.empty() ? simd128_peak_gflops(pool) : settings.assume_peaks[0];
    if (json)
      std::printf("{\"impl\":\"%speak\",\"shape\":\"simd128_muladd\",\"threads\":%ld,\"gflops\":%.4g,\"gflops_per_thread\":%.4g,"
                  "\"peak_drift_limit\":%g,\"load_limit\":%g}\n",
                  kImplPrefix, threads, gflops, gflops / static_cast<double>(threads), round_check::kPeakDrift, round_check::kMaxLoad);
    else
      std::printf("4-wide multiply-add peak, %ld thread(s): %.1f GFLOP/s (%.1f per thread)\n", threads, gflops,
                  gflops / static_cast<double>(threads));
    return 0;
  }
  std::vector<Method> methods;
  {
    std::stringstream ss(impls);
    std::string name;
    while (std::getline(ss, name, ',')) {
      if (name == "fast") methods.push_back({true, convplay::Conv2dAlgorithm::Auto});
      else if (name == "winograd") methods.push_back({true, convplay::Conv2dAlgorithm::Winograd});
      else if (name == "winograd-f2") methods.push_back({true, convplay::Conv2dAlgorithm::WinogradF2});
      else if (name == "winograd-f4") methods.push_back({true, convplay::Conv2dAlgorithm::WinogradF4});
      else if (name == "direct") methods.push_back({true, convplay::Conv2dAlgorithm::Direct});
      else {
        auto m = convplay::parse_conv_method(name);
        if (!m) return fail("--impl: unknown '" + name + "' (give fast, direct, winograd, im2col or toeplitz)");
        methods.push_back({false, convplay::Conv2dAlgorithm::Auto, *m});
      }
    }
    if (methods.empty()) return fail("--impl: give at least one of fast, direct, winograd, im2col, toeplitz");
  }

  std::vector<Shape> shapes;
  std::string error;
  if (!shapes_path.empty()) {
    if (!read_json_shapes(shapes_path, shapes, error)) return fail(error);
  } else {
    read_text_shapes(std::cin, shapes);
  }
  if (shapes.empty()) return fail("no shapes: give --shapes FILE or shapes in text form on stdin");
  std::vector<const Shape*> selected;
  for (const Shape& s : shapes) {
    if (!id_selected(s.id, ids)) continue;
    if (s.op != "conv" && !s.pooling() && !s.training()) {
      std::fprintf(stderr, "%s: %s: %s has no fast kernel yet, skipped\n", g_name, s.id.c_str(), s.op.c_str());
      continue;
    }
    if (auto e = s.check(); !e.empty()) return fail(s.id + ": " + e);
    selected.push_back(&s);
  }

  // threads = computing threads: the caller takes part, so the pool has threads − 1 workers.
  convplay::ThreadPool pool(static_cast<size_t>(threads - 1));
  auto header = [&] {
    if (!json) std::printf("%-14s %-10s %8s %10s %10s %9s %14s %12s\n", "shape", "impl", "threads", "median_ms", "min_ms", "GFLOP/s",
                           "abssum", "peak_bytes");
  };
  header();
  std::vector<Row> all;
  std::string dropped; // "round 1 (why); …"
  int disturbed_rounds = 0;
  for (int round = 0; round < settings.rounds; ++round) {
    const auto cpu0 = round_check::sample_cpu();
    const double loadavg = round_check::load_average();
    const auto measure_peak = [&](size_t i) {
      return settings.assume_peaks.empty() ? simd128_peak_gflops(pool) : settings.assume_peaks[i];
    };
    const double peak_before = measure_peak(2 * static_cast<size_t>(round));
    std::vector<Row> rows;
    for (const Shape* s : selected)
      if (auto e = measure_shape(*s, methods, settings, tiling, pool, rows); !e.empty()) return fail(e);
    const double peak_after = measure_peak(2 * static_cast<size_t>(round) + 1);
    const double load = settings.assume_loads.empty() ? round_check::foreign_load(cpu0, round_check::sample_cpu())
                                                      : settings.assume_loads[static_cast<size_t>(round)];
    const auto verdict = round_check::judge(peak_before, peak_after, load);
    for (Row& r : rows) {
      r.round = round;
      r.disturbed = verdict.disturbed;
      print_row(threads, r, json);
      all.push_back(std::move(r));
    }
    if (verdict.disturbed) {
      ++disturbed_rounds;
      dropped += (dropped.empty() ? "" : "; ") + std::string("round ") + std::to_string(round + 1) + ": " + verdict.why;
    }
    if (json)
      std::printf("{\"info\":\"bench-round\",\"bench_round\":%d,\"threads\":%ld,\"peak_before\":%.4g,\"peak_after\":%.4g,"
                  "\"load\":%.3g,\"loadavg\":%.3g,\"disturbed\":%s,\"why\":\"%s\"}\n",
                  round, threads, peak_before, peak_after, load, loadavg, verdict.disturbed ? "true" : "false", verdict.why.c_str());
    else
      std::printf("round %d of %d: peak %.1f -> %.1f GFLOP/s, load %.2f (load average %.2f): %s\n", round + 1, settings.rounds,
                  peak_before, peak_after, load, loadavg, verdict.disturbed ? ("disturbed, " + verdict.why).c_str() : "clean");
    if (load < 0 && round == 0) std::fprintf(stderr, "%s: /proc is not readable: rounds are judged by the peak alone\n", g_name);
    std::fflush(stdout);
  }
  const int rounds = settings.rounds;
  const std::string summary =
      disturbed_rounds == 0 ? "no round disturbed, none dropped (" + std::to_string(rounds) + " round(s))"
      : disturbed_rounds == rounds
          ? "every round was disturbed (" + dropped + "): no timing above is to be trusted; run again on a quieter machine"
          : std::to_string(disturbed_rounds) + " of " + std::to_string(rounds) + " rounds disturbed, dropped: " + dropped;
  if (json) {
    std::printf("{\"info\":\"bench-rounds\",\"threads\":%ld,\"rounds\":%d,\"dropped\":%d}\n", threads, rounds, disturbed_rounds);
    // In words too when there are rounds to tell apart (one round's record says it all, and the
    // callers that run one round, run_all.sh and compare_xnnpack.mjs, judge their own rounds).
    if (rounds > 1) std::fprintf(stderr, "%s: %s\n", g_name, summary.c_str());
  } else {
    std::printf("%s\n", summary.c_str());
    if (rounds > 1 && disturbed_rounds < rounds) {
      std::printf("\nmedian over the %d undisturbed round(s):\n", rounds - disturbed_rounds);
      header();
      for (const Row& r : median_of_kept_rounds(all)) print_row(threads, r, false);
    }
  }
  return 0;
}

} // namespace

// The benchmark's entry (bench_main.cpp's main, and `convplay bench` natively): argv[0] is the
// command's name, options follow.
int convplay_bench_main(int argc, char** argv) {
  if (argc > 0 && std::string(argv[0]) == "bench") g_name = "convplay bench";
  std::string shapes_path, ids;
  int64_t threads = 1, reps = 15, rounds = 1;
  std::vector<double> assume_peaks, assume_loads;
  double min_sample_ms = 10, max_bytes = 1024.0 * 1024.0 * 1024.0;
  bool json = false, peak = false;
  std::string impls = "fast", tiling_name = "auto";
  CLI::App app{"Times the core's fast kernels on the shapes of ../shared/perf-anchors/bench/shapes.json, one row per "
               "(implementation, shape, threads).", g_name};
  app.add_option("--shapes", shapes_path, "a JSON array as ../shared/perf-anchors/bench/shapes.json (conv may add S, stride, "
                                          "and G, groups); without it the harness' text form on stdin: id op N C H W M K pad S");
  convplay::cli::add_int(app, "--threads", threads, 1, 64, "computing threads, the caller included (1)")->envname("THREADS");
  app.add_option("--ids", ids, "shape ids, comma-separated; s7* is every id starting with s7 (all)");
  app.add_option("--impl", impls, "fast, direct, winograd, winograd-f2, winograd-f4, im2col, toeplitz, comma-separated (fast)");
  convplay::cli::add_real(app, "--max-bytes", max_bytes, 1, 9e18, "skip a method needing more memory than this (1 GiB)");
  convplay::cli::add_int(app, "--reps", reps, 1, 10000, "timed samples (15)")->envname("REPS");
  convplay::cli::add_real(app, "--min-sample-ms", min_sample_ms, 0, 10000, "shortest sample, ms (10)")
      ->envname("MIN_SAMPLE_MS");
  app.add_option("--tiling", tiling_name, "direct's kernel family: auto, columns, channels or depthwise (auto)");
  app.add_flag("--json", json, "one JSON line per row (else a text table)");
  app.add_flag("--peak", peak, "the 4-wide multiply-add peak, GFLOP/s, instead of the shapes");
  convplay::cli::add_int(app, "--rounds", rounds, 1, 1000, "rounds over all the shapes, each judged disturbed or not (1)");
  // "40,41.5": positive numbers (peaks, GFLOP/s) or numbers from 0 (loads), comma-separated.
  const auto add_list = [&](const std::string& name, std::vector<double>& target, bool zero_allowed, const std::string& help) {
    app.add_option_function<std::string>(
           name,
           [&target, name, zero_allowed](const std::string& text) {
             std::stringstream ss(text);
             std::string item;
             while (std::getline(ss, item, ','))
               target.push_back(convplay::cli::need(convplay::cli::parse_real(name.substr(2), item, 0, 1e9, zero_allowed)));
           },
           help)
        ->type_name("LIST");
  };
  add_list("--assume-peaks", assume_peaks, false,
           "for testing the round check: these peaks, GFLOP/s (before and after each round; one with --peak), instead of measuring");
  add_list("--assume-loads", assume_loads, true,
           "for testing the round check: these foreign loads (one per round, CPUs) instead of measuring");
  return convplay::cli::run(app, g_name, argc, argv, [&] {
    return run_bench({shapes_path, ids, static_cast<long>(threads), static_cast<int>(reps), static_cast<int>(rounds), min_sample_ms,
                      max_bytes, json, peak, impls, tiling_name, assume_peaks, assume_loads});
  });
}
