// The body of the GEMM / GEMV micro-kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in gemm_f32__<isa>.cpp. See gemm_f32.h.
#pragma once
#include "gemm_f32.h"
#include "simd.h"

#include <algorithm>
#include <array>
#include <utility>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// The first R rows (R ≤ MR) and first VB vectors (VB ≤ NB) of an MR × NB-vector tile: a ragged last
// block or panel computes only the rows and vectors C has. Each element is the same chain of
// multiply-adds (bias, then k in order) whichever R and VB compute it.
// The loops over rows and vectors are unrolled before the compiler places the accumulators: rolled,
// GCC 12 kept them in memory too and stored all of them at every k.
template <class S, int MR, int NB, int R, int VB>
inline void gemm_f32_tile_part(const GemmArgs& a, int64_t block, int64_t panel) {
  using V = typename S::V;
  constexpr int L = S::L, NR = NB * L;
  const int64_t m0 = block * MR, n0 = panel * NR;
  const int cols = static_cast<int>(std::min<int64_t>(NR, a.N - n0));
  V acc[R][VB];
  #pragma GCC unroll 16
  for (int m = 0; m < R; ++m) {
    const V init = a.bias ? S::splat(a.bias + m0 + m) : S::zero();
    #pragma GCC unroll 16
    for (int j = 0; j < VB; ++j) acc[m][j] = init;
  }
  const int64_t K = a.K;
  const float* ap = a.a + block * K * MR;
  const float* bp = a.b + panel * K * NR;
  for (int64_t k = 0; k < K; ++k) {
    V bv[VB];
    #pragma GCC unroll 16
    for (int j = 0; j < VB; ++j) bv[j] = S::load(bp + j * L);
    #pragma GCC unroll 16
    for (int m = 0; m < R; ++m) {
      const V av = S::splat(ap + m);
      #pragma GCC unroll 16
      for (int j = 0; j < VB; ++j) acc[m][j] = S::madd(acc[m][j], av, bv[j]);
    }
    ap += MR;
    bp += NR;
  }
  if (cols == VB * L) {
    #pragma GCC unroll 16
    for (int m = 0; m < R; ++m)
      #pragma GCC unroll 16
      for (int j = 0; j < VB; ++j) S::store(a.c + (m0 + m) * a.ldc + n0 + j * L, acc[m][j]);
  } else {
    float tmp[VB * L];
    #pragma GCC unroll 16
    for (int m = 0; m < R; ++m) {
      #pragma GCC unroll 16
      for (int j = 0; j < VB; ++j) S::store(tmp + j * L, acc[m][j]);
      std::copy(tmp, tmp + cols, a.c + (m0 + m) * a.ldc + n0);
    }
  }
}

template <class S, int MR, int NB, int R, int... VB>
constexpr void fill_tile_row(GemmTileKernel* row, std::integer_sequence<int, VB...>) {
  ((row[VB] = gemm_f32_tile_part<S, MR, NB, R, VB + 1>), ...);
}
template <class S, int MR, int NB, int... R>
constexpr std::array<std::array<GemmTileKernel, NB>, MR> tile_parts(std::integer_sequence<int, R...>) {
  std::array<std::array<GemmTileKernel, NB>, MR> t{};
  (fill_tile_row<S, MR, NB, R + 1>(t[R].data(), std::make_integer_sequence<int, NB>{}), ...);
  return t;
}

// One tile: the part for the rows and vectors of C it covers.
template <class S, int MR, int NB>
inline void gemm_f32_tile(const GemmArgs& a, int64_t block, int64_t panel) {
  static constexpr auto parts = tile_parts<S, MR, NB>(std::make_integer_sequence<int, MR>{});
  constexpr int64_t L = S::L;
  const int64_t rows = std::min<int64_t>(MR, a.M - block * MR);
  const int64_t vectors = (std::min<int64_t>(NB * L, a.N - panel * NB * L) + L - 1) / L;
  parts[static_cast<size_t>(rows - 1)][static_cast<size_t>(vectors - 1)](a, block, panel);
}

// Sum of the lanes, lowest first (a fixed order: the same bits on every run).
template <class S> inline float gemv_lanes(typename S::V v) {
  float tmp[S::L];
  S::store(tmp, v);
  float s = 0.0f;
  for (int i = 0; i < S::L; ++i) s += tmp[i];
  return s;
}

template <class S, int R>
inline void gemv_f32_rows(const GemvArgs& a, int64_t r) {
  using V = typename S::V;
  constexpr int L = S::L;
  V acc[R];
  for (int i = 0; i < R; ++i) acc[i] = S::zero();
  int64_t k = 0;
  for (; k + L <= a.K; k += L) {
    const V xv = S::load(a.x + k);
    for (int i = 0; i < R; ++i) acc[i] = S::madd(acc[i], S::load(a.a + (r + i) * a.lda + k), xv);
  }
  for (int i = 0; i < R; ++i) {
    float s = gemv_lanes<S>(acc[i]);
    for (int64_t kk = k; kk < a.K; ++kk) s += a.a[(r + i) * a.lda + kk] * a.x[kk];
    a.y[r + i] = (a.bias ? a.bias[(r + i) / a.bias_div] : 0.0f) + s;
  }
}

template <class S>
inline void gemv_f32(const GemvArgs& a, int64_t r0, int64_t r1) {
  int64_t r = r0;
  for (; r + 4 <= r1; r += 4) gemv_f32_rows<S, 4>(a, r);
  for (; r < r1; ++r) gemv_f32_rows<S, 1>(a, r);
}

} // namespace
} // namespace convplay::kernels

// Defines gemm_f32_kernels__<isa>() for wrapper S with an MR × NB-vector tile.
#define CONVPLAY_DEFINE_GEMM(isa, S, MR, NB)                                                                 \
  namespace convplay::kernels {                                                                             \
  static void gemm_f32_##isa##_tile(const GemmArgs& a, int64_t block, int64_t panel) {                      \
    gemm_f32_tile<S, MR, NB>(a, block, panel);                                                              \
  }                                                                                                         \
  static void gemv_f32_##isa(const GemvArgs& a, int64_t r0, int64_t r1) { gemv_f32<S>(a, r0, r1); }         \
  GemmKernels gemm_f32_kernels__##isa() {                                                                   \
    return {gemm_f32_##isa##_tile, MR, NB * S::L, gemv_f32_##isa, "gemm_f32_" #MR "x" #NB "v__" #isa,       \
            "gemv_f32_4r__" #isa};                                                                          \
  }                                                                                                         \
  }
