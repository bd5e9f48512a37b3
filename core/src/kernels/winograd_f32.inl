// The body of the Winograd F(2×2, 3×3) transforms, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in winograd_f32__<isa>.cpp. See winograd_f32.h.
#pragma once
#include "simd.h"
#include "winograd_f32.h"

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// Tiles tx .. tx + S::L of tile row ty, every channel: V = Bᵀ d B.
template <class S>
inline void winograd_input_tiles(const WinogradInputArgs& a, int64_t ty, int64_t tx, int64_t col) {
  using V = typename S::V;
  for (int64_t c = 0; c < a.C; ++c) {
    V h[4][4];
    const float* xc = a.x + c * a.plane + 2 * ty * a.pitch + tx;
    for (int r = 0; r < 4; ++r) {
      const float* even = xc + r * a.pitch;
      const float* odd = even + a.phase;
      const V d0 = S::load(even), d1 = S::load(odd), d2 = S::load(even + 1), d3 = S::load(odd + 1);
      h[r][0] = S::sub(d0, d2);
      h[r][1] = S::add(d1, d2);
      h[r][2] = S::sub(d2, d1);
      h[r][3] = S::sub(d1, d3);
    }
    float* vc = a.v + c * a.ld + col;
    const int64_t xi = a.C * a.ld; // from V_ξ to V_ξ+1
    for (int j = 0; j < 4; ++j) {
      S::store(vc + (0 + j) * xi, S::sub(h[0][j], h[2][j]));
      S::store(vc + (4 + j) * xi, S::add(h[1][j], h[2][j]));
      S::store(vc + (8 + j) * xi, S::sub(h[2][j], h[1][j]));
      S::store(vc + (12 + j) * xi, S::sub(h[1][j], h[3][j]));
    }
  }
}

template <class S>
void winograd_input(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  int64_t i = 0;
  for (; i + S::L <= count; i += S::L) winograd_input_tiles<S>(a, ty, tx0 + i, col0 + i);
  for (; i < count; ++i) winograd_input_tiles<SimdScalar>(a, ty, tx0 + i, col0 + i);
}

// Channel k of tiles tx .. tx + S::L: Y = Aᵀ M A + bias, as even (y[r][0]) and odd (y[r][1]) columns.
template <class S>
inline void winograd_output_values(const WinogradOutputArgs& a, int64_t k, int64_t col, typename S::V y[2][2]) {
  using V = typename S::V;
  const float* mk = a.m + k * a.ld + col;
  const int64_t xi = a.M * a.ld;
  V r0[4], r1[4];
  for (int j = 0; j < 4; ++j) {
    const V m0 = S::load(mk + (0 + j) * xi), m1 = S::load(mk + (4 + j) * xi), m2 = S::load(mk + (8 + j) * xi),
            m3 = S::load(mk + (12 + j) * xi);
    r0[j] = S::add(S::add(m0, m1), m2);
    r1[j] = S::sub(S::sub(m1, m2), m3);
  }
  const V b = a.bias ? S::splat(a.bias + k) : S::zero();
  y[0][0] = S::add(S::add(S::add(r0[0], r0[1]), r0[2]), b);
  y[0][1] = S::add(S::sub(S::sub(r0[1], r0[2]), r0[3]), b);
  y[1][0] = S::add(S::add(S::add(r1[0], r1[1]), r1[2]), b);
  y[1][1] = S::add(S::sub(S::sub(r1[1], r1[2]), r1[3]), b);
}

template <class S>
void winograd_output(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  const int64_t oh = 2 * ty;
  const bool two_rows = oh + 1 < a.OH;
  for (int64_t k = 0; k < a.M; ++k) {
    float* y0 = a.y + (k * a.OH + oh) * a.OW;
    float* y1 = y0 + a.OW;
    int64_t i = 0;
    // Whole vectors of tiles whose two rows and 2·L columns are inside the output.
    if (two_rows)
      for (; i + S::L <= count && 2 * (tx0 + i + S::L) <= a.OW; i += S::L) {
        typename S::V y[2][2];
        winograd_output_values<S>(a, k, col0 + i, y);
        S::store_interleaved(y0 + 2 * (tx0 + i), y[0][0], y[0][1]);
        S::store_interleaved(y1 + 2 * (tx0 + i), y[1][0], y[1][1]);
      }
    // The rest one tile at a time, clipped at the last row and column.
    for (; i < count; ++i) {
      float y[2][2];
      winograd_output_values<SimdScalar>(a, k, col0 + i, y);
      const int64_t ow = 2 * (tx0 + i);
      const bool two_cols = ow + 1 < a.OW;
      y0[ow] = y[0][0];
      if (two_cols) y0[ow + 1] = y[0][1];
      if (two_rows) {
        y1[ow] = y[1][0];
        if (two_cols) y1[ow + 1] = y[1][1];
      }
    }
  }
}

} // namespace
} // namespace convplay::kernels

// Defines winograd_f23_f32_kernels__<isa>() for wrapper S.
#define CONVPLAY_DEFINE_WINOGRAD(isa, S)                                                                    \
  namespace convplay::kernels {                                                                             \
  void winograd_f23_f32_input__##isa(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count,   \
                                     int64_t col0) {                                                        \
    winograd_input<S>(a, ty, tx0, count, col0);                                                             \
  }                                                                                                         \
  void winograd_f23_f32_output__##isa(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, \
                                      int64_t col0) {                                                       \
    winograd_output<S>(a, ty, tx0, count, col0);                                                            \
  }                                                                                                         \
  WinogradKernels winograd_f23_f32_kernels__##isa() {                                                       \
    return {winograd_f23_f32_input__##isa, winograd_f23_f32_output__##isa, "winograd_f23_f32__" #isa};      \
  }                                                                                                         \
  }
