// The fast convolution operator: checks and plans, then pads the input and runs the row kernels of
// src/kernels/ on the thread pool. See convplay/conv2d_plan.h.
#include <convplay/conv2d_plan.h>

#include "kernels/conv2d_direct_f32.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace convplay {
namespace {
using kernels::Conv2dDirectArgs;
using kernels::Conv2dRowKernel;

// The kernels of each instruction set this build has, best first: compile-time on WebAssembly, at
// run time on x86-64 (AVX-512F, AVX2 + FMA only if the CPU has them).
struct IsaKernels {
  const char* isa;
  kernels::Conv2dDirectKernels k;
  int lanes; // floats per vector
};
const std::vector<IsaKernels>& available_kernels() {
  static const std::vector<IsaKernels> list = [] {
    std::vector<IsaKernels> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", kernels::conv2d_direct_f32_kernels__wasmsimd(), 4});
#elif defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx512f")) v.push_back({"avx512f", kernels::conv2d_direct_f32_kernels__avx512f(), 16});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      v.push_back({"avx2fma", kernels::conv2d_direct_f32_kernels__avx2fma(), 8});
    v.push_back({"sse2", kernels::conv2d_direct_f32_kernels__sse2(), 4});
#endif
    v.push_back({"scalar", kernels::conv2d_direct_f32_kernels__scalar(), 1});
    return v;
  }();
  return list;
}

// The named instruction set, or ("") the best one whose vector is not wider than the output rows
// (a 16-float vector on rows of 10 would leave only the scalar tail).
const kernels::Conv2dDirectKernels* kernels_for(const std::string& isa, int64_t OW) {
  for (const IsaKernels& k : available_kernels())
    if (isa.empty() ? k.lanes <= OW || k.lanes == 1 : isa == k.isa) return &k.k;
  return nullptr;
}

// The register tile for a layer of M filters: the least work per channel, ceil(M/MB)·MB / speed
// (e.g. 64 filters in 5-channel blocks waste one channel in 65; 6 filters prefer two blocks of 3).
const kernels::Conv2dDirectTile& choose_tile(const kernels::Conv2dDirectKernels& k, int64_t M) {
  int best = 0;
  double best_cost = 0;
  for (int i = 0; i < k.count; ++i) {
    const kernels::Conv2dDirectTile& t = k.tiles[i];
    const double cost = static_cast<double>((M + t.mb - 1) / t.mb * t.mb) / t.speed;
    if (i == 0 || cost < best_cost) { best = i; best_cost = cost; }
  }
  return k.tiles[best];
}

bool mul_ok(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Problems smaller than this many multiply-adds run on the calling thread: handing work to another
// thread costs a few microseconds (more in WebAssembly), ~100k multiply-adds.
constexpr int64_t kParallelMacs = 1 << 17;
// A parallel item (what one thread takes from the shared counter) has at least about this much work.
constexpr int64_t kItemMacs = 1 << 14;
// Input rows of one task should stay in L1/L2 while all channel blocks pass over them.
constexpr int64_t kTaskInputBytes = 48 << 10;
} // namespace

Conv2dPlan::Conv2dPlan(const Conv2dPlanSpec& s, const float* weights, const float* bias) : spec_(s) {
  if (s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.M < 1 || s.KH < 1 || s.KW < 1) {
    error_ = "every size must be at least 1";
    return;
  }
  if (s.SH != 1 || s.SW != 1 || s.groups != 1) {
    error_ = "the fast kernels cover stride 1 and groups 1 only";
    return;
  }
  if (s.pad_top < 0 || s.pad_bottom < 0 || s.pad_left < 0 || s.pad_right < 0) {
    error_ = "padding must not be negative";
    return;
  }
  hp_ = s.H + s.pad_top + s.pad_bottom;
  wp_ = s.W + s.pad_left + s.pad_right;
  if (hp_ < s.KH || wp_ < s.KW) {
    error_ = "kernel " + std::to_string(s.KH) + "×" + std::to_string(s.KW) + " is larger than the padded input " +
             std::to_string(hp_) + "×" + std::to_string(wp_);
    return;
  }
  oh_ = hp_ - s.KH + 1;
  ow_ = wp_ - s.KW + 1;
  int64_t taps = 0, tmp = 0, padded = 0;
  if (!mul_ok(s.C, s.KH * s.KW, taps) || !mul_ok(taps, s.M + 16, tmp) || !mul_ok(s.N * s.C, hp_ * wp_, padded) ||
      !mul_ok(s.N * s.M, oh_ * ow_, tmp) || padded > std::numeric_limits<int32_t>::max()) {
    error_ = "the layer is too large";
    return;
  }
  const kernels::Conv2dDirectKernels* ks = kernels_for(s.isa, oh_ > 0 ? ow_ : 1);
  if (!ks) {
    error_ = "no kernels for instruction set '" + s.isa + "' on this machine";
    return;
  }
  const kernels::Conv2dDirectTile& tile = choose_tile(*ks, s.M);
  mb_ = tile.mb;
  row_ = tile.rows[kernels::kernel_width_index(s.KW)];
  kernel_name_ = tile.name;
  // Pack weights as blocks × taps × MB (channel fastest), zero-filled past M, so one tile reads them in order.
  const int64_t blocks = (s.M + mb_ - 1) / mb_;
  packed_w_.assign(static_cast<size_t>(blocks * taps * mb_), 0.0f);
  packed_bias_.assign(static_cast<size_t>(blocks * mb_), 0.0f);
  for (int64_t m = 0; m < s.M; ++m) {
    for (int64_t t = 0; t < taps; ++t)
      packed_w_[static_cast<size_t>(((m / mb_) * taps + t) * mb_ + m % mb_)] = weights[m * taps + t];
    if (bias) packed_bias_[static_cast<size_t>(m)] = bias[m];
  }
  if (hp_ != s.H || wp_ != s.W) padded_.assign(static_cast<size_t>(padded), 0.0f); // borders stay zero
}

int64_t Conv2dPlan::workspace_bytes_for(const Conv2dPlanSpec& s) {
  const kernels::Conv2dDirectKernels* ks = kernels_for(s.isa, s.W + s.pad_left + s.pad_right - s.KW + 1);
  const int64_t mb = ks ? choose_tile(*ks, s.M).mb : 1, blocks = (s.M + mb - 1) / mb;
  const int64_t hp = s.H + s.pad_top + s.pad_bottom, wp = s.W + s.pad_left + s.pad_right;
  const int64_t padded = hp != s.H || wp != s.W ? s.N * s.C * hp * wp : 0;
  return (blocks * s.C * s.KH * s.KW * mb + blocks * mb + padded) * static_cast<int64_t>(sizeof(float));
}

std::vector<std::string> Conv2dPlan::instruction_sets() {
  std::vector<std::string> v;
  for (const IsaKernels& k : available_kernels()) v.emplace_back(k.isa);
  return v;
}

int64_t Conv2dPlan::workspace_bytes() const {
  return static_cast<int64_t>((packed_w_.size() + packed_bias_.size() + padded_.size()) * sizeof(float));
}

void Conv2dPlan::run(const float* x, float* y, ThreadPool* pool) {
  if (!ok()) return;
  const Conv2dPlanSpec& s = spec_;
  const int64_t macs = s.N * s.M * oh_ * ow_ * s.C * s.KH * s.KW;
  ThreadPool* p = macs >= kParallelMacs && pool && pool->workers() > 0 ? pool : nullptr;
  const int64_t threads = p ? static_cast<int64_t>(p->workers()) + 1 : 1;
  // Runs items [0, n) on the pool, or serially.
  auto run_items = [p](int64_t n, auto&& f) {
    if (p && n > 1) p->parallel_for(static_cast<std::size_t>(n), [&](std::size_t i) { f(static_cast<int64_t>(i)); });
    else for (int64_t i = 0; i < n; ++i) f(i);
  };
  const float* xin = x;
  if (!padded_.empty()) {
    // Copy the input inside the zero border (the border was zeroed once, at planning), in strips of
    // rows so that two threads share even a three-channel image evenly.
    const int64_t planes = s.N * s.C;
    const int64_t strips = std::clamp<int64_t>(p ? 8 * threads / planes : 1, 1, s.H);
    const int64_t strip_rows = (s.H + strips - 1) / strips;
    run_items(planes * strips, [&](int64_t i) {
      const int64_t plane = i / strips, h0 = (i % strips) * strip_rows;
      const float* src = x + plane * s.H * s.W;
      float* dst = padded_.data() + plane * hp_ * wp_ + s.pad_top * wp_ + s.pad_left;
      for (int64_t h = h0; h < std::min(s.H, h0 + strip_rows); ++h)
        std::memcpy(dst + h * wp_, src + h * s.W, static_cast<std::size_t>(s.W) * sizeof(float));
    });
    xin = padded_.data();
  }
  Conv2dDirectArgs a;
  a.x = xin;
  a.w = packed_w_.data();
  a.bias = packed_bias_.data();
  a.y = y;
  a.C = s.C; a.Hp = hp_; a.Wp = wp_; a.M = s.M; a.KH = s.KH; a.KW = s.KW; a.OH = oh_; a.OW = ow_;
  const int64_t blocks = (s.M + mb_ - 1) / mb_;
  const Conv2dRowKernel kernel = row_;
  // A task is a chunk of output rows of one image and one channel block, channel block fastest: the
  // chunk's input rows (at most kTaskInputBytes) stay in cache while every block passes over them.
  const int64_t row_bytes = s.C * wp_ * static_cast<int64_t>(sizeof(float));
  int64_t rows = std::clamp<int64_t>(kTaskInputBytes / std::max<int64_t>(row_bytes, 1) - (s.KH - 1), 1, oh_);
  if (p) {
    // Enough tasks for the threads to finish together: at least 16 per thread when rows allow.
    const int64_t want_chunks = (16 * threads + s.N * blocks - 1) / (s.N * blocks);
    rows = std::min(rows, std::max<int64_t>(1, oh_ / std::max<int64_t>(want_chunks, 1)));
    // ...but a chunk's output rows span at least four cache lines per channel: narrow rows (LeNet's
    // 10 columns) split one per task would put two threads' rows in the same cache lines.
    rows = std::clamp<int64_t>((256 / static_cast<int64_t>(sizeof(float)) + ow_ - 1) / ow_, rows, oh_);
  }
  const int64_t chunks = (oh_ + rows - 1) / rows;
  const int64_t tasks = s.N * chunks * blocks;
  auto task = [&](int64_t t) {
    const int64_t block = t % blocks, rest = t / blocks;
    const int64_t n = rest / chunks, r0 = (rest % chunks) * rows;
    for (int64_t r = r0; r < std::min(oh_, r0 + rows); ++r) kernel(a, n, block, r);
  };
  if (!p) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
    return;
  }
  // Consecutive tasks are grouped into items of at least kItemMacs (fewer hand-overs for tiny tasks);
  // which thread runs an item does not change any result.
  const int64_t items = std::min(tasks, std::max(macs / kItemMacs, threads));
  run_items(items, [&](int64_t i) {
    for (int64_t t = i * tasks / items; t < (i + 1) * tasks / items; ++t) task(t);
  });
}

} // namespace convplay
