#include "peak.h"

#include <algorithm>
#include <chrono>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
using V = v128_t;
static V splat(float f) { return wasm_f32x4_splat(f); }
static V muladd(V c, V m, V a) { return wasm_f32x4_add(wasm_f32x4_mul(c, m), a); }
static float lane0(V v) { return wasm_f32x4_extract_lane(v, 0); }
#else
#include <immintrin.h>
using V = __m128;
static V splat(float f) { return _mm_set1_ps(f); }
static V muladd(V c, V m, V a) { return _mm_add_ps(_mm_mul_ps(c, m), a); }
static float lane0(V v) { return _mm_cvtss_f32(v); }
#endif

namespace {
constexpr int kChains = 12;
// Many short runs, the best one: V8 compiles a WebAssembly function with its optimizing compiler in
// the background and uses it from the next call on (a long first call would run unoptimized).
constexpr long kIterations = 400'000; // 38 MFLOP per thread: about a millisecond
constexpr int kRuns = 40;
volatile float g_sink = 0; // written (racily, any value will do) so the chains are not dead code
volatile float g_seed_base = 1.0f; // unknown to the compiler, so it cannot fold the chains away
volatile long g_iterations = kIterations;

__attribute__((noinline)) void chains(float seed) { // its own function, so it tiers up
  seed += g_seed_base;
  const long iterations = g_iterations;
  const V m = splat(0.999999f), a = splat(seed * 1e-7f);
  V c[kChains];
  for (int j = 0; j < kChains; ++j) c[j] = splat(seed + static_cast<float>(j));
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < kChains; ++j) c[j] = muladd(c[j], m, a);
  V s = c[0];
  for (int j = 1; j < kChains; ++j) s = muladd(s, m, c[j]);
  g_sink = lane0(s);
}
} // namespace

double simd128_peak_gflops(convplay::ThreadPool& pool) {
  const int threads = static_cast<int>(pool.workers()) + 1;
  const double flop = 2.0 * 4 * kChains * static_cast<double>(kIterations) * threads;
  double best = 0;
  for (int run = 0; run < kRuns; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    convplay::parallel_for(&pool, threads, [](int64_t i) { chains(static_cast<float>(i + 1)); });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, flop / s * 1e-9);
  }
  return best;
}
