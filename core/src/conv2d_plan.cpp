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

struct KernelChoice {
  Conv2dRowKernel mb4, mb1;
  const char* name4;
  const char* name1;
};

// Picks the instruction set: compile-time on WebAssembly, at run time on x86-64 (AVX2 + FMA if the CPU has them).
KernelChoice choose_kernels() {
#if defined(__wasm_simd128__)
  return {kernels::conv2d_direct_f32_mb4_row__wasmsimd, kernels::conv2d_direct_f32_mb1_row__wasmsimd,
          "conv2d_direct_f32_mb4_row__wasmsimd", "conv2d_direct_f32_mb1_row__wasmsimd"};
#elif defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {kernels::conv2d_direct_f32_mb4_row__avx2fma, kernels::conv2d_direct_f32_mb1_row__avx2fma,
            "conv2d_direct_f32_mb4_row__avx2fma", "conv2d_direct_f32_mb1_row__avx2fma"};
  return {kernels::conv2d_direct_f32_mb4_row__sse2, kernels::conv2d_direct_f32_mb1_row__sse2,
          "conv2d_direct_f32_mb4_row__sse2", "conv2d_direct_f32_mb1_row__sse2"};
#else
  return {kernels::conv2d_direct_f32_mb4_row__scalar, kernels::conv2d_direct_f32_mb1_row__scalar,
          "conv2d_direct_f32_mb4_row__scalar", "conv2d_direct_f32_mb1_row__scalar"};
#endif
}

bool mul_ok(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Problems smaller than this many multiply-adds run on the calling thread: waking workers costs more.
constexpr int64_t kParallelMacs = 1 << 20;
} // namespace

Conv2dPlan::Conv2dPlan(const Conv2dPlanSpec& s, const float* weights, const float* bias) : spec_(s) {
  if (s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.M < 1 || s.KH < 1 || s.KW < 1) {
    error_ = "every size must be at least 1";
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
  if (!mul_ok(s.C, s.KH * s.KW, taps) || !mul_ok(taps, s.M + 4, tmp) || !mul_ok(s.N * s.C, hp_ * wp_, padded) ||
      !mul_ok(s.N * s.M, oh_ * ow_, tmp) || padded > std::numeric_limits<int32_t>::max()) {
    error_ = "the layer is too large";
    return;
  }
  const KernelChoice k = choose_kernels();
  mb_ = s.M >= 4 ? 4 : 1; // a lone filter (e.g. one image, one kernel) uses the wide single-channel tile
  row_ = mb_ == 4 ? k.mb4 : k.mb1;
  kernel_name_ = mb_ == 4 ? k.name4 : k.name1;
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

int64_t Conv2dPlan::workspace_bytes() const {
  return static_cast<int64_t>((packed_w_.size() + packed_bias_.size() + padded_.size()) * sizeof(float));
}

void Conv2dPlan::run(const float* x, float* y, ThreadPool* pool) {
  if (!ok()) return;
  const Conv2dPlanSpec& s = spec_;
  const int64_t macs = s.N * s.M * oh_ * ow_ * s.C * s.KH * s.KW;
  ThreadPool* p = macs >= kParallelMacs ? pool : nullptr;
  const float* xin = x;
  if (!padded_.empty()) {
    // Copy the input inside the zero border (the border was zeroed once, at planning).
    auto copy_plane = [&](std::size_t plane) {
      const float* src = x + plane * static_cast<std::size_t>(s.H * s.W);
      float* dst = padded_.data() + plane * static_cast<std::size_t>(hp_ * wp_) + s.pad_top * wp_ + s.pad_left;
      for (int64_t h = 0; h < s.H; ++h) std::memcpy(dst + h * wp_, src + h * s.W, static_cast<std::size_t>(s.W) * sizeof(float));
    };
    const auto planes = static_cast<std::size_t>(s.N * s.C);
    if (p) p->parallel_for(planes, copy_plane);
    else for (std::size_t i = 0; i < planes; ++i) copy_plane(i);
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
  // A task is a chunk of output rows of one image and one channel block. About 8 tasks per thread:
  // enough to balance, few enough that the per-task cost (a shared counter, an indirect call) and two
  // threads writing neighbouring rows stay negligible.
  const int64_t threads = p ? static_cast<int64_t>(p->workers()) + 1 : 1;
  const int64_t target_tasks = 8 * threads;
  const int64_t chunks_per_image = std::clamp<int64_t>((target_tasks + s.N * blocks - 1) / (s.N * blocks), 1, oh_);
  const int64_t chunk = (oh_ + chunks_per_image - 1) / chunks_per_image;
  // Block fastest, so consecutive tasks read the same input rows while they are in cache.
  auto task = [&](std::size_t i) {
    const auto t = static_cast<int64_t>(i);
    const int64_t block = t % blocks, rest = t / blocks;
    const int64_t n = rest / chunks_per_image, r0 = (rest % chunks_per_image) * chunk;
    for (int64_t r = r0; r < std::min(oh_, r0 + chunk); ++r) kernel(a, n, block, r);
  };
  const auto tasks = static_cast<std::size_t>(s.N * blocks * chunks_per_image);
  if (p) p->parallel_for(tasks, task);
  else for (std::size_t i = 0; i < tasks; ++i) task(i);
}

} // namespace convplay
