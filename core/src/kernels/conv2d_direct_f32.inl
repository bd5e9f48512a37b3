// The body of the direct convolution kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_direct_f32__<isa>.cpp. See conv2d_direct_f32.h.
#pragma once
#include "conv2d_direct_f32.h"
#include "simd.h"

#include <algorithm>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// MB output channels × NB vectors of S::L output columns starting at column ow. KWC > 0 fixes the
// kernel width at compile time (1, 3, 5, 7: the inner loop unrolls); 0 reads it from the arguments.
// UNIT: column stride 1, tap kw reads at kw (a constant); else at a.kw_offset[kw] (SW phases).
template <class S, int MB, int NB, int KWC, bool UNIT>
inline void conv2d_direct_tile(const Conv2dDirectArgs& a, const float* x_row, const float* w_block,
                               const float* bias_block, float* const* y_rows, int channels, int64_t ow) {
  using V = typename S::V;
  constexpr int L = S::L;
  V acc[MB][NB];
  for (int m = 0; m < MB; ++m)
    for (int j = 0; j < NB; ++j) acc[m][j] = S::splat(bias_block + m);
  const float* wk = w_block;
  const int64_t kernel_w = KWC > 0 ? KWC : a.KW;
  for (int64_t c = 0; c < a.C; ++c) {
    for (int64_t kh = 0; kh < a.KH; ++kh) {
      const float* xr = x_row + (c * a.Hp + kh) * a.Wp + ow;
      for (int64_t kw = 0; kw < kernel_w; ++kw) {
        V xv[NB];
        const float* xk = xr + (UNIT ? kw : a.kw_offset[kw]);
        for (int j = 0; j < NB; ++j) xv[j] = S::load(xk + j * L);
        for (int m = 0; m < MB; ++m) {
          const V wv = S::splat(wk + m);
          for (int j = 0; j < NB; ++j) acc[m][j] = S::madd(acc[m][j], wv, xv[j]);
        }
        wk += MB;
      }
    }
  }
  for (int m = 0; m < channels; ++m)
    for (int j = 0; j < NB; ++j) S::store(y_rows[m] + ow + j * L, acc[m][j]);
}

// Full tiles of NB vectors, then of fewer, down to one vector.
template <class S, int MB, int NB, int KWC, bool UNIT>
inline int64_t conv2d_direct_tiles(const Conv2dDirectArgs& a, const float* x_row, const float* w_block,
                                   const float* bias_block, float* const* y_rows, int channels, int64_t ow) {
  constexpr int L = S::L;
  for (; ow + NB * L <= a.OW; ow += NB * L)
    conv2d_direct_tile<S, MB, NB, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, ow);
  if constexpr (NB > 1) return conv2d_direct_tiles<S, MB, NB - 1, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, ow);
  return ow;
}

template <class S, int MB, int NB, int KWC, bool UNIT>
inline void conv2d_direct_row_kw(const Conv2dDirectArgs& a, int64_t n, int64_t block, int64_t oh) {
  constexpr int L = S::L;
  const int64_t taps = a.C * a.KH * a.KW;
  const float* w_block = a.w + block * taps * MB;
  const float* bias_block = a.bias + block * MB;
  const int channels = static_cast<int>(std::min<int64_t>(MB, a.M - block * MB));
  float* y_rows[MB];
  for (int m = 0; m < MB; ++m) {
    const int64_t mm = block * MB + std::min(m, channels - 1);
    y_rows[m] = a.y + n * a.y_image + (mm * a.OH + oh) * a.OW;
  }
  const float* x_row = a.x + n * a.x_image + oh * a.SH * a.Wp;
  int64_t ow = conv2d_direct_tiles<S, MB, NB, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, 0);
  if constexpr (L > 1) {
    if (ow < a.OW && a.OW >= L) {
      // The last columns: one vector ending at OW, overlapping columns already written with the same
      // values (same arithmetic in the same order), instead of a scalar loop.
      conv2d_direct_tile<S, MB, 1, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, a.OW - L);
      ow = a.OW;
    }
    for (; ow < a.OW; ++ow) conv2d_direct_tile<SimdScalar, MB, 1, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, ow);
  }
}

} // namespace
} // namespace convplay::kernels

#define CONVPLAY_STR(x) #x
#define CONVPLAY_XSTR(x) CONVPLAY_STR(x)
// Declares the row kernels conv2d_direct_f32_<MB>x<NB>v_row_k<KW>__<isa> (column stride 1) and
// conv2d_direct_f32_<MB>x<NB>v_row_s_k<KW>__<isa> (column stride > 1, offsets from a table) for
// wrapper S: one function per common kernel width (1, 3, 5, 7; unrolled) and k0 for any width.
// Separate functions, not one switch: in WebAssembly each is compiled (and tiered up to V8's
// optimizing compiler) on its own, and a small function tiers up within the benchmark's warm-up
// even on a busy machine.
#define CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, KW, UNIT, suffix)                                      \
  void conv2d_direct_f32_##MB##x##NB##v_row##suffix##KW##__##isa(const Conv2dDirectArgs& a, int64_t n, int64_t b, \
                                                                 int64_t oh) {                              \
    conv2d_direct_row_kw<S, MB, NB, KW, UNIT>(a, n, b, oh);                                                 \
  }
#define CONVPLAY_DEFINE_CONV2D_ROW_STRIDE(isa, S, MB, NB, UNIT, suffix)                                     \
  CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, 1, UNIT, suffix)                                             \
  CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, 3, UNIT, suffix)                                             \
  CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, 5, UNIT, suffix)                                             \
  CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, 7, UNIT, suffix)                                             \
  CONVPLAY_DEFINE_CONV2D_ROW_1(isa, S, MB, NB, 0, UNIT, suffix)
#define CONVPLAY_DEFINE_CONV2D_ROW(isa, S, MB, NB)                                                          \
  namespace convplay::kernels {                                                                             \
  CONVPLAY_DEFINE_CONV2D_ROW_STRIDE(isa, S, MB, NB, true, _k)                                               \
  CONVPLAY_DEFINE_CONV2D_ROW_STRIDE(isa, S, MB, NB, false, _s_k)                                            \
  }
#define CONVPLAY_CONV2D_ROWS(isa, MB, NB, suffix)                                                           \
  {conv2d_direct_f32_##MB##x##NB##v_row##suffix##1__##isa, conv2d_direct_f32_##MB##x##NB##v_row##suffix##3__##isa, \
   conv2d_direct_f32_##MB##x##NB##v_row##suffix##5__##isa, conv2d_direct_f32_##MB##x##NB##v_row##suffix##7__##isa, \
   conv2d_direct_f32_##MB##x##NB##v_row##suffix##0__##isa}
// A tile entry for the kernels table.
#define CONVPLAY_CONV2D_TILE(isa, MB, NB, speed)                                                            \
  Conv2dDirectTile {                                                                                        \
    CONVPLAY_CONV2D_ROWS(isa, MB, NB, _k), CONVPLAY_CONV2D_ROWS(isa, MB, NB, _s_k), MB, speed,              \
        "conv2d_direct_f32_" #MB "x" #NB "v_row__" #isa, "conv2d_direct_f32_" #MB "x" #NB "v_row_s__" #isa \
  }
