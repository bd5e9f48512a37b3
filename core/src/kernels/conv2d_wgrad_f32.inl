// The body of the direct weight-gradient kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_wgrad_f32__<isa>.cpp. See conv2d_wgrad_f32.h.
#pragma once
#include "conv2d_wgrad_f32.h"
#include "simd.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {
// The loops over a tile's rows, taps and vectors have fixed counts and are unrolled (the ragged
// edge's stores included) so that the accumulators live in registers only (gemm_f32.inl says why).

template <class S, int MB, int JB>
inline void conv2d_wgrad_f32(const Conv2dWgradArgs& a) {
  using V = typename S::V;
  constexpr int L = S::L;
  for (int64_t m0 = 0; m0 < a.M; m0 += MB)
    for (int64_t j0 = 0; j0 < a.J; j0 += JB) {
      const int rows = static_cast<int>(std::min<int64_t>(MB, a.M - m0));
      const int taps = static_cast<int>(std::min<int64_t>(JB, a.J - j0));
      const float* g[MB];
      const float* xs[JB];
      float* s[MB][JB];
      #pragma GCC unroll 16
      for (int m = 0; m < MB; ++m) g[m] = a.gy + (m0 + std::min(m, rows - 1)) * a.Q;
      #pragma GCC unroll 16
      for (int j = 0; j < JB; ++j) xs[j] = a.x + a.off[j0 + std::min(j, taps - 1)];
      V acc[MB][JB];
      #pragma GCC unroll 16
      for (int m = 0; m < MB; ++m)
        #pragma GCC unroll 16
        for (int j = 0; j < JB; ++j) {
          s[m][j] = a.sums + ((m0 + std::min(m, rows - 1)) * a.J + j0 + std::min(j, taps - 1)) * L;
          acc[m][j] = S::load(s[m][j]);
        }
      for (int64_t q = 0; q < a.Q; q += L) {
        V xv[JB];
        #pragma GCC unroll 16
        for (int j = 0; j < JB; ++j) xv[j] = S::load(xs[j] + q);
        #pragma GCC unroll 16
        for (int m = 0; m < MB; ++m) {
          const V gv = S::load(g[m] + q);
          #pragma GCC unroll 16
          for (int j = 0; j < JB; ++j) acc[m][j] = S::madd(acc[m][j], gv, xv[j]);
        }
      }
      #pragma GCC unroll 16
      for (int m = 0; m < MB; ++m)
        #pragma GCC unroll 16
        for (int j = 0; j < JB; ++j)
          if (m < rows && j < taps) S::store(s[m][j], acc[m][j]);
    }
}

// The filter-vectorised form (Conv2dWgradFilterArgs): per pixel, MV vector loads of the transposed
// gradient and JB splats of the image for MV·JB multiply-adds; each lane sums its pixels in order.
template <class S, int MV, int JB>
inline void conv2d_wgrad_filters_f32(const Conv2dWgradFilterArgs& a) {
  using V = typename S::V;
  constexpr int L = S::L;
  const int64_t vectors = a.MP / L;
  for (int64_t v0 = 0; v0 < vectors; v0 += MV)
    for (int64_t j0 = 0; j0 < a.J; j0 += JB) {
      const int vs = static_cast<int>(std::min<int64_t>(MV, vectors - v0));
      const int taps = static_cast<int>(std::min<int64_t>(JB, a.J - j0));
      int64_t col[MV];
      const float* xs[JB];
      float* s[JB];
      #pragma GCC unroll 16
      for (int v = 0; v < MV; ++v) col[v] = (v0 + std::min(v, vs - 1)) * L;
      #pragma GCC unroll 16
      for (int j = 0; j < JB; ++j) {
        const int64_t jj = j0 + std::min(j, taps - 1);
        xs[j] = a.x + a.off[jj];
        s[j] = a.sums + jj * a.MP;
      }
      V acc[JB][MV];
      #pragma GCC unroll 16
      for (int j = 0; j < JB; ++j)
        #pragma GCC unroll 16
        for (int v = 0; v < MV; ++v) acc[j][v] = S::load(s[j] + col[v]);
      const float* g = a.gyt;
      for (int64_t oh = 0; oh < a.OH; ++oh) {
        const int64_t row = oh * a.Wp;
        // One pixel per iteration: unrolled, V8 would hoist the next pixels' loads above this one's
        // arithmetic and spill (see SimdWasm::kPinAccumulators).
#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
        for (int64_t ow = 0; ow < a.OW; ++ow) {
          V gv[MV];
          #pragma GCC unroll 16
          for (int v = 0; v < MV; ++v) gv[v] = S::load(g + col[v]);
          #pragma GCC unroll 16
          for (int j = 0; j < JB; ++j) {
            const V xv = S::splat(xs[j] + row + ow);
            #pragma GCC unroll 16
            for (int v = 0; v < MV; ++v) acc[j][v] = S::madd(acc[j][v], gv[v], xv);
          }
          g += a.MP;
        }
      }
      #pragma GCC unroll 16
      for (int j = 0; j < JB; ++j)
        #pragma GCC unroll 16
        for (int v = 0; v < MV; ++v)
          if (j < taps && v < vs) S::store(s[j] + col[v], acc[j][v]);
    }
}

// The filter-vectorised form along a kernel row (Conv2dWgradFilterTile::window): the JB taps of a
// block are off[j0] + 0..JB−1, so at pixel ow tap k reads x[off[j0] + row + ow + k]. The window w
// holds those JB values, splatted; per pixel it takes one new splat (its last), then moves along by
// one. MV vector loads of the gradient, one splat, MV·JB multiply-adds; the order of each lane's
// sum is conv2d_wgrad_filters_f32's.
template <class S, int MV, int JB>
inline void conv2d_wgrad_filters_window_f32(const Conv2dWgradFilterArgs& a) {
  using V = typename S::V;
  constexpr int L = S::L;
  const int64_t vectors = a.MP / L;
  for (int64_t v0 = 0; v0 < vectors; v0 += MV)
    for (int64_t j0 = 0; j0 < a.J; j0 += JB) { // J is a multiple of JB: no ragged taps
      const int vs = static_cast<int>(std::min<int64_t>(MV, vectors - v0));
      int64_t col[MV];
      #pragma GCC unroll 16
      for (int v = 0; v < MV; ++v) col[v] = (v0 + std::min(v, vs - 1)) * L;
      const float* xs = a.x + a.off[j0];
      float* s = a.sums + j0 * a.MP;
      V acc[JB][MV];
      #pragma GCC unroll 16
      for (int k = 0; k < JB; ++k)
        #pragma GCC unroll 16
        for (int v = 0; v < MV; ++v) acc[k][v] = S::load(s + k * a.MP + col[v]);
      const float* g = a.gyt;
      for (int64_t oh = 0; oh < a.OH; ++oh) {
        const float* xr = xs + oh * a.Wp;
        V w[JB];
        #pragma GCC unroll 16
        for (int k = 0; k + 1 < JB; ++k) w[k] = S::splat(xr + k);
        // One pixel per iteration, as in conv2d_wgrad_filters_f32.
#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
        for (int64_t ow = 0; ow < a.OW; ++ow) {
          w[JB - 1] = S::splat(xr + ow + JB - 1);
          V gv[MV];
          #pragma GCC unroll 16
          for (int v = 0; v < MV; ++v) gv[v] = S::load(g + col[v]);
          #pragma GCC unroll 16
          for (int k = 0; k < JB; ++k)
            #pragma GCC unroll 16
            for (int v = 0; v < MV; ++v) acc[k][v] = S::madd(acc[k][v], gv[v], w[k]);
          // Straight-line moves, not a loop, which clang would turn into a memmove and keep w in memory.
          [&]<size_t... K>(std::index_sequence<K...>) { ((w[K] = w[K + 1]), ...); }(std::make_index_sequence<JB - 1>{});
          g += a.MP;
        }
      }
      #pragma GCC unroll 16
      for (int k = 0; k < JB; ++k)
        #pragma GCC unroll 16
        for (int v = 0; v < MV; ++v)
          if (v < vs) S::store(s + k * a.MP + col[v], acc[k][v]);
    }
}

// gyt[p·MP + m] = gy[m·P + p], zero for M ≤ m < MP (Conv2dWgradTransposeKernel). With a 4-wide S4
// and MP a multiple of 4: 4 planes × 4 pixels per block, transposed in registers (zero planes past
// M); the pixels past the last multiple of 4, and every pixel for SimdScalar, one float at a time.
template <class S4>
inline void conv2d_wgrad_transpose_f32(const float* gy, int64_t M, int64_t P, int64_t MP, float* gyt) {
  int64_t p0 = 0;
  if constexpr (S4::L == 4) {
    using V = typename S4::V;
    if (MP % 4 == 0)
      for (; p0 + 4 <= P; p0 += 4)
        for (int64_t m = 0; m < MP; m += 4) {
          V r[4];
          #pragma GCC unroll 4
          for (int i = 0; i < 4; ++i) r[i] = m + i < M ? S4::load(gy + (m + i) * P + p0) : S4::zero();
          S4::transpose4(r[0], r[1], r[2], r[3]);
          #pragma GCC unroll 4
          for (int i = 0; i < 4; ++i) S4::store(gyt + (p0 + i) * MP + m, r[i]);
        }
  }
  for (int64_t p = p0; p < P; ++p)
    for (int64_t m = 0; m < MP; ++m) gyt[p * MP + m] = m < M ? gy[m * P + p] : 0.0f;
}

} // namespace
} // namespace convplay::kernels

// Defines conv2d_wgrad_f32_<MB>x<JB>__<isa> for wrapper S.
#define CONVPLAY_DEFINE_CONV2D_WGRAD(isa, S, MB, JB)                                                        \
  namespace convplay::kernels {                                                                             \
  void conv2d_wgrad_f32_##MB##x##JB##__##isa(const Conv2dWgradArgs& a) { conv2d_wgrad_f32<S, MB, JB>(a); }   \
  }
#define CONVPLAY_CONV2D_WGRAD_TILE(isa, MB, JB)                                                             \
  Conv2dWgradTile { conv2d_wgrad_f32_##MB##x##JB##__##isa, MB, JB, "conv2d_wgrad_f32_" #MB "x" #JB "__" #isa }
// Defines conv2d_wgrad_f32_<MV>vx<JB>_filters__<isa> (filter-vectorised) for wrapper S.
#define CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(isa, S, MV, JB)                                                \
  namespace convplay::kernels {                                                                             \
  void conv2d_wgrad_f32_##MV##vx##JB##_filters__##isa(const Conv2dWgradFilterArgs& a) {                     \
    conv2d_wgrad_filters_f32<S, MV, JB>(a);                                                                 \
  }                                                                                                         \
  }
#define CONVPLAY_CONV2D_WGRAD_FILTER_TILE(isa, MV, JB)                                                      \
  Conv2dWgradFilterTile {                                                                                   \
    conv2d_wgrad_f32_##MV##vx##JB##_filters__##isa, MV, JB, false,                                          \
        "conv2d_wgrad_f32_" #MV "vx" #JB "_filters__" #isa                                                  \
  }
// Defines conv2d_wgrad_f32_<MV>vx<JB>_filters_window__<isa> (filter-vectorised along a kernel row).
#define CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(isa, S, MV, JB)                                         \
  namespace convplay::kernels {                                                                             \
  void conv2d_wgrad_f32_##MV##vx##JB##_filters_window__##isa(const Conv2dWgradFilterArgs& a) {              \
    conv2d_wgrad_filters_window_f32<S, MV, JB>(a);                                                          \
  }                                                                                                         \
  }
#define CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(isa, MV, JB)                                               \
  Conv2dWgradFilterTile {                                                                                   \
    conv2d_wgrad_f32_##MV##vx##JB##_filters_window__##isa, MV, JB, true,                                    \
        "conv2d_wgrad_f32_" #MV "vx" #JB "_filters_window__" #isa                                           \
  }
// Defines conv2d_wgrad_f32_transpose__<isa> with the 4-wide (or scalar) wrapper S4.
#define CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(isa, S4)                                                     \
  namespace convplay::kernels {                                                                             \
  void conv2d_wgrad_f32_transpose__##isa(const float* gy, int64_t M, int64_t P, int64_t MP, float* gyt) {   \
    conv2d_wgrad_transpose_f32<S4>(gy, M, P, MP, gyt);                                                      \
  }                                                                                                         \
  }
