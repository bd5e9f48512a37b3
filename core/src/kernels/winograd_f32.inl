// The body of the Winograd F(2×2, 3×3) transforms, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in winograd_f32__<isa>.cpp. See winograd_f32.h.
#pragma once
#include "simd.h"
#include "winograd_f32.h"

#include <algorithm>

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
    const int64_t xi = a.xi_stride; // from V_ξ to V_ξ+1
    for (int j = 0; j < 4; ++j) {
      S::store(vc + (0 + j) * xi, S::sub(h[0][j], h[2][j]));
      S::store(vc + (4 + j) * xi, S::add(h[1][j], h[2][j]));
      S::store(vc + (8 + j) * xi, S::sub(h[2][j], h[1][j]));
      S::store(vc + (12 + j) * xi, S::sub(h[1][j], h[3][j]));
    }
  }
}

// The next narrower wrapper: runs shorter than a vector go 4-wide, then one tile at a time.
template <class S> struct Narrower { using type = SimdScalar; };
#if defined(__AVX2__) && defined(__FMA__)
template <> struct Narrower<SimdAvx2Fma> { using type = SimdSse2; };
#endif

// Runs f.template operator()<W>(i) on vectors of W::L tiles [i, i + W::L) covering [0, count): whole
// vectors of S, then one ending at count that overlaps tiles already done (it writes the same values:
// same operations in the same order); runs shorter than S::L with the narrower wrapper.
template <class S, class F>
inline void winograd_tiles(int64_t count, F&& f) {
  if constexpr (S::L > 1) {
    if (count < S::L) return winograd_tiles<typename Narrower<S>::type>(count, f);
  }
  int64_t i = 0;
  for (; i + S::L <= count; i += S::L) f.template operator()<S>(i);
  if (i < count) f.template operator()<S>(count - S::L);
}

template <class S>
void winograd_input(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  winograd_tiles<S>(count, [&]<class W>(int64_t i) { winograd_input_tiles<W>(a, ty, tx0 + i, col0 + i); });
}

// Channel k of tiles tx .. tx + S::L: Y = Aᵀ M A + bias, as even (y[r][0]) and odd (y[r][1]) columns.
template <class S>
inline void winograd_output_values(const WinogradOutputArgs& a, int64_t k, int64_t col, typename S::V y[2][2]) {
  using V = typename S::V;
  const float* mk = a.m + k * a.ld + col;
  const int64_t xi = a.xi_stride;
  V r0[4], r1[4];
  for (int j = 0; j < 4; ++j) {
    const V m0 = S::load(mk + (0 + j) * xi), m1 = S::load(mk + (4 + j) * xi), m2 = S::load(mk + (8 + j) * xi),
            m3 = S::load(mk + (12 + j) * xi);
    r0[j] = S::add(S::add(m0, m1), m2);
    r1[j] = S::sub(S::sub(m1, m2), m3);
  }
  const V b = S::splat(a.bias + k);
  y[0][0] = S::add(S::add(S::add(r0[0], r0[1]), r0[2]), b);
  y[0][1] = S::add(S::sub(S::sub(r0[1], r0[2]), r0[3]), b);
  y[1][0] = S::add(S::add(S::add(r1[0], r1[1]), r1[2]), b);
  y[1][1] = S::add(S::sub(S::sub(r1[1], r1[2]), r1[3]), b);
}

template <class S>
void winograd_output(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  const int64_t oh = 2 * ty;
  const bool two_rows = oh + 1 < a.OH;
  // Tiles [0, whole) have both rows and both columns inside the output.
  const int64_t whole = two_rows ? std::min(count, std::max<int64_t>(a.OW / 2 - tx0, 0)) : 0;
  for (int64_t k = 0; k < a.M; ++k) {
    float* y0 = a.y + (k * a.OH + oh) * a.OW;
    float* y1 = y0 + a.OW;
    winograd_tiles<S>(whole, [&]<class W>(int64_t t) {
      typename W::V y[2][2];
      winograd_output_values<W>(a, k, col0 + t, y);
      W::store_interleaved(y0 + 2 * (tx0 + t), y[0][0], y[0][1]);
      W::store_interleaved(y1 + 2 * (tx0 + t), y[1][0], y[1][1]);
    });
    // The tile clipped at the last row or column.
    for (int64_t i = whole; i < count; ++i) {
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

// F(4×4, 3×3). The 6-point transforms, written once for a vector of tiles:
// t = Bᵀ d (input) and y = Aᵀ m (output); see winograd_f32.h for the matrices.
template <class S>
inline void winograd_bt6(const typename S::V d[6], typename S::V t[6]) {
  using V = typename S::V;
  const float k2 = 2.0f, k4 = 4.0f, k5 = 5.0f;
  const V c2 = S::splat(&k2), c4 = S::splat(&k4), c5 = S::splat(&k5);
  t[0] = S::add(S::sub(S::mul(c4, d[0]), S::mul(c5, d[2])), d[4]);
  t[1] = S::sub(S::add(d[3], d[4]), S::mul(c4, S::add(d[1], d[2])));
  t[2] = S::add(S::sub(d[4], d[3]), S::mul(c4, S::sub(d[1], d[2])));
  t[3] = S::add(S::sub(d[4], d[2]), S::mul(c2, S::sub(d[3], d[1])));
  t[4] = S::sub(S::sub(d[4], d[2]), S::mul(c2, S::sub(d[3], d[1])));
  t[5] = S::add(S::sub(S::mul(c4, d[1]), S::mul(c5, d[3])), d[5]);
}
template <class S>
inline void winograd_at6(const typename S::V m[6], typename S::V y[4]) {
  using V = typename S::V;
  const float k2 = 2.0f, k4 = 4.0f, k8 = 8.0f;
  const V c2 = S::splat(&k2), c4 = S::splat(&k4), c8 = S::splat(&k8);
  const V p12 = S::add(m[1], m[2]), m12 = S::sub(m[1], m[2]), p34 = S::add(m[3], m[4]), m34 = S::sub(m[3], m[4]);
  y[0] = S::add(S::add(m[0], p12), p34);
  y[1] = S::add(m12, S::mul(c2, m34));
  y[2] = S::add(p12, S::mul(c4, p34));
  y[3] = S::add(S::add(m12, S::mul(c8, m34)), m[5]);
}

// Tiles tx .. tx + S::L of tile row ty, every channel: V = Bᵀ d B.
template <class S>
inline void winograd43_input_tiles(const WinogradInputArgs& a, int64_t ty, int64_t tx, int64_t col) {
  using V = typename S::V;
  for (int64_t c = 0; c < a.C; ++c) {
    V h[6][6];
    const float* xc = a.x + c * a.plane + 4 * ty * a.pitch + tx;
    for (int i = 0; i < 6; ++i) {
      const float* row = xc + i * a.pitch;
      V d[6];
      for (int j = 0; j < 6; ++j) d[j] = S::load(row + (j % 4) * a.phase + j / 4);
      winograd_bt6<S>(d, h[i]);
    }
    float* vc = a.v + c * a.ld + col;
    const int64_t xi = a.xi_stride;
    for (int j = 0; j < 6; ++j) {
      V col_in[6], col_out[6];
      for (int i = 0; i < 6; ++i) col_in[i] = h[i][j];
      winograd_bt6<S>(col_in, col_out);
      for (int i = 0; i < 6; ++i) S::store(vc + (6 * i + j) * xi, col_out[i]);
    }
  }
}

template <class S>
void winograd43_input(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  winograd_tiles<S>(count, [&]<class W>(int64_t i) { winograd43_input_tiles<W>(a, ty, tx0 + i, col0 + i); });
}

// Channel k of tiles tx .. tx + S::L: y[row][column] = (Aᵀ M A)[row][column] + bias.
template <class S>
inline void winograd43_output_values(const WinogradOutputArgs& a, int64_t k, int64_t col, typename S::V y[4][4]) {
  using V = typename S::V;
  const float* mk = a.m + k * a.ld + col;
  const int64_t xi = a.xi_stride;
  V r[4][6]; // Aᵀ M: 4 rows × 6 columns
  for (int j = 0; j < 6; ++j) {
    V m[6], t[4];
    for (int i = 0; i < 6; ++i) m[i] = S::load(mk + (6 * i + j) * xi);
    winograd_at6<S>(m, t);
    for (int i = 0; i < 4; ++i) r[i][j] = t[i];
  }
  const V b = S::splat(a.bias + k);
  for (int i = 0; i < 4; ++i) {
    V t[4];
    winograd_at6<S>(r[i], t);
    for (int j = 0; j < 4; ++j) y[i][j] = S::add(t[j], b);
  }
}

template <class S>
void winograd43_output(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0) {
  const int64_t oh = 4 * ty, rows = a.OH - oh < 4 ? a.OH - oh : 4;
  // Tiles [0, whole) have all four rows and columns inside the output.
  const int64_t whole = rows == 4 ? std::min(count, std::max<int64_t>(a.OW / 4 - tx0, 0)) : 0;
  for (int64_t k = 0; k < a.M; ++k) {
    float* y0 = a.y + (k * a.OH + oh) * a.OW;
    winograd_tiles<S>(whole, [&]<class W>(int64_t t) {
      typename W::V y[4][4];
      winograd43_output_values<W>(a, k, col0 + t, y);
      for (int r = 0; r < 4; ++r) store_transposed4<W>(y0 + r * a.OW + 4 * (tx0 + t), y[r][0], y[r][1], y[r][2], y[r][3]);
    });
    // The tiles clipped at the last rows or columns.
    for (int64_t i = whole; i < count; ++i) {
      float y[4][4];
      winograd43_output_values<SimdScalar>(a, k, col0 + i, y);
      const int64_t ow = 4 * (tx0 + i), cols = a.OW - ow < 4 ? a.OW - ow : 4;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) y0[r * a.OW + ow + c] = y[r][c];
    }
  }
}

} // namespace
} // namespace convplay::kernels

// Defines winograd_f23_f32_kernels__<isa>() and winograd_f43_f32_kernels__<isa>() for wrapper S.
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
  void winograd_f43_f32_input__##isa(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count,   \
                                     int64_t col0) {                                                        \
    winograd43_input<S>(a, ty, tx0, count, col0);                                                           \
  }                                                                                                         \
  void winograd_f43_f32_output__##isa(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, \
                                      int64_t col0) {                                                       \
    winograd43_output<S>(a, ty, tx0, count, col0);                                                          \
  }                                                                                                         \
  WinogradKernels winograd_f43_f32_kernels__##isa() {                                                       \
    return {winograd_f43_f32_input__##isa, winograd_f43_f32_output__##isa, "winograd_f43_f32__" #isa};      \
  }                                                                                                         \
  }
