// The body of the direct convolution kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_direct_f32__<isa>.cpp. See conv2d_direct_f32.h.
#pragma once
#include "conv2d_direct_f32.h"
#include "simd.h"

#include <algorithm>
#include <utility>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// f(std::integral_constant<int, i>{}) for i = 0 .. N-1, without a loop. Clang turns a loop that
// copies vectors into or out of the accumulator array (bias in, results to a buffer) into a memcpy
// before it unrolls the loop, and the array then stays in memory. Unrolled by hand, every index is a
// constant and the accumulators are plain values: what goes to memory is the kernel's choice.
template <int N, class F> inline void unroll(F&& f) {
  [&]<int... I>(std::integer_sequence<int, I...>) { (f(std::integral_constant<int, I>{}), ...); }(std::make_integer_sequence<int, N>{});
}

// Every tile sums at least one tap (the plan refuses empty layers: C, KH, KW ≥ 1). Said to the
// compiler, the tap loops have no path that skips them, so the accumulators reach the stores from the
// loop alone and stay in registers. Without it GCC 12 also kept a copy of the bias for a layer of no
// taps, and the AVX-512 8×2 tile spilled all 16 accumulators to the stack before storing them or
// not, depending on unrelated code around the stores (the K3 tile: 56 vmovaps, or 33 with the stores
// in a helper; 9 and no spills with this). tests/core/kernel_spills.cmake checks the object code.
inline void assume_taps(const Conv2dDirectArgs& a) {
  if (a.C < 1 || a.KH < 1 || a.KW < 1) __builtin_unreachable();
}

// Tap loops kept as loops, one tap per iteration (S::kRollTaps, WebAssembly): V8 places arithmetic as
// late as it can, below loads it does not depend on, so taps unrolled into one block keep every
// loaded value live and spill; at a loop's back edge each tap's multiply-adds are done, and the
// accumulators stay in registers without being stored after every tap.
#if defined(__clang__)
#define CONVPLAY_TAP_LOOP _Pragma("clang loop unroll(disable)")
#else
#define CONVPLAY_TAP_LOOP
#endif
template <class S> constexpr bool roll_taps() {
  if constexpr (requires { S::kRollTaps; }) return S::kRollTaps;
  else return false;
}
// The channel-vectorised tiles' taps along a kernel row kept as a loop, where the wrapper asks for it
// (S::kRollPixelTaps): the kernel width is then read from the arguments, not unrolled.
template <class S> constexpr bool roll_pixel_taps() {
  if constexpr (requires { S::kRollPixelTaps; }) return S::kRollPixelTaps;
  else return false;
}

// MB output channels × NB vectors of S::L output columns starting at column ow. KWC > 0 fixes the
// kernel width at compile time (1, 3, 5, 7: the inner loop unrolls, except with S::kRollTaps); 0
// reads it from the arguments. UNIT: column stride 1, tap kw reads at kw (a constant); else at
// a.kw_offset[kw] (SW phases).
template <class S, int MB, int NB, int KWC, bool UNIT>
inline void conv2d_direct_tile(const Conv2dDirectArgs& a, const float* x_row, const float* w_block,
                               const float* bias_block, float* const* y_rows, int channels, int64_t ow) {
  using V = typename S::V;
  constexpr int L = S::L;
  V acc[MB][NB];
  // Unrolled (see unroll); WebAssembly without S::kRollTaps keeps the loops: clang then stores the
  // accumulators once per tap, which V8 runs faster than unrolled taps left to its register allocator
  // (README, Short rows).
  constexpr bool kLoops = S::kPinAccumulators && !roll_taps<S>();
  if constexpr (kLoops) {
    for (int m = 0; m < MB; ++m)
      for (int j = 0; j < NB; ++j) acc[m][j] = S::splat(bias_block + m);
  } else {
    unroll<MB * NB>([&](auto k) { acc[k / NB][k % NB] = S::splat(bias_block + k / NB); });
  }
  const float* wk = w_block;
  const int64_t kernel_w = KWC > 0 ? KWC : a.KW;
  assume_taps(a);
  if constexpr (roll_taps<S>()) {
    CONVPLAY_TAP_LOOP
    for (int64_t c = 0; c < a.C; ++c) {
      CONVPLAY_TAP_LOOP
      for (int64_t kh = 0; kh < a.KH; ++kh) {
        const float* xr = x_row + (c * a.Hp + kh) * a.Wp + ow;
        CONVPLAY_TAP_LOOP
        for (int64_t kw = 0; kw < kernel_w; ++kw, wk += MB) {
          const float* xk = xr + (UNIT ? kw : a.kw_offset[kw]);
          V xv[NB];
          unroll<NB>([&](auto j) { xv[j] = S::load(xk + j * L); });
          unroll<MB>([&](auto m) {
            const V wv = S::splat(wk + m);
            unroll<NB>([&](auto j) { acc[m][j] = S::madd(acc[m][j], wv, xv[j]); });
          });
        }
      }
    }
  } else {
    // One loop over the C·KH input rows (at least one), not a row loop inside a channel loop: around
    // the two loops GCC 12 kept the AVX2 6×2 tile's accumulators in memory, 12 stores per input row
    // and 12 loads per channel (VGG conv1_1, 3 channels, K3).
    const float* xr = x_row + ow;
    const int64_t next_channel = (a.Hp - a.KH) * a.Wp;
    int64_t kh = 0, rows = a.C * a.KH;
    do {
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
      xr += a.Wp;
      if (++kh == a.KH) {
        kh = 0;
        xr += next_channel;
      }
    } while (--rows > 0);
  }
  if constexpr (kLoops) {
    for (int m = 0; m < channels; ++m)
      for (int j = 0; j < NB; ++j) S::store(y_rows[m] + ow + j * L, acc[m][j]);
  } else {
    unroll<MB * NB>([&](auto k) {
      if (k / NB < channels) S::store(y_rows[k / NB] + ow + k % NB * L, acc[k / NB][k % NB]);
    });
  }
}

// Full tiles of NB vectors, then of fewer, down to one vector. An output far larger than the caches
// (prefetch_output): before each tile, the lines that the tile after it (or, at a row's end, the next
// row of the same planes) will store are prefetched, so that its stores find them in cache. Prefetches
// do not fault: past the output's end they fetch nothing useful and change nothing. They are written
// out in the loop: GCC 12 judged a helper of prefetches alone free of side effects and dropped its
// calls. VGG conv1_1 on the Xeon, AVX-512, one thread, under load (min of 5 × 41 runs): 1.47 → 1.33 ms
// into the bench's output (16 bytes past a cache line), no difference beyond the noise into a
// 64-byte-aligned one (1.23 → 1.29 min, 1.33 → 1.36 median).
template <class S, int MB, int NB, int KWC, bool UNIT>
inline int64_t conv2d_direct_tiles(const Conv2dDirectArgs& a, const float* x_row, const float* w_block,
                                   const float* bias_block, float* const* y_rows, int channels, int64_t ow) {
  constexpr int L = S::L;
  for (; ow + NB * L <= a.OW; ow += NB * L) {
    if (a.prefetch_output)
      for (int m = 0; m < MB; ++m)
        for (int j = 0; j < NB; ++j) __builtin_prefetch(y_rows[m] + ow + (NB + j) * L, 1, 3);
    conv2d_direct_tile<S, MB, NB, KWC, UNIT>(a, x_row, w_block, bias_block, y_rows, channels, ow);
  }
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

// Channel-vectorised tiles (Conv2dPixelKernel): P pixels × MV vectors of S::L channels. xp[i] is
// where pixel i's window starts (row oh·SH, column ow of the padded image); only the first `pixels`
// pixels and `channels` channels are stored. Per tap: MV weight loads and P splats for P·MV
// multiply-adds, as the row tiles, but no lane is wasted on a row's end.
template <class S, int P, int MV, int KWC, bool UNIT>
inline void conv2d_pixel_tile(const Conv2dDirectArgs& a, const float* const* xp, const float* w_block,
                              const float* bias_block, float* const* y_planes, int channels, int64_t p, int pixels) {
  using V = typename S::V;
  constexpr int L = S::L, MB = MV * L;
  V acc[P][MV];
  unroll<P * MV>([&](auto k) { acc[k / MV][k % MV] = S::load(bias_block + k % MV * L); });
  // V8 schedules arithmetic as late as it can: the multiply-adds of the unrolled taps would sink below
  // all of their loads, whose values then spill. With S::kRollTaps the taps run one per loop iteration,
  // as in the row tiles, and the accumulators stay in registers. Else, where the wrapper asks for it,
  // each tap stores its accumulators (a store keeps its place among the loads) to a buffer whose
  // address has escaped, so that the compiler keeps the stores.
  constexpr bool kPin = S::kPinAccumulators && !roll_taps<S>();
  alignas(16) float pin[kPin ? P * MB : 1];
  if constexpr (kPin) asm volatile("" : : "r"(pin) : "memory");
  const float* wk = w_block;
  const int64_t kernel_w = KWC > 0 && !roll_pixel_taps<S>() ? KWC : a.KW;
  assume_taps(a);
  if constexpr (roll_taps<S>()) {
    CONVPLAY_TAP_LOOP
    for (int64_t c = 0; c < a.C; ++c) {
      CONVPLAY_TAP_LOOP
      for (int64_t kh = 0; kh < a.KH; ++kh) {
        const int64_t row = (c * a.Hp + kh) * a.Wp;
        const float* xr[P];
        unroll<P>([&](auto i) { xr[i] = xp[i] + row; });
        CONVPLAY_TAP_LOOP
        for (int64_t kw = 0; kw < kernel_w; ++kw, wk += MB) {
          const int64_t off = UNIT ? kw : a.kw_offset[kw];
          V wv[MV];
          unroll<MV>([&](auto v) { wv[v] = S::load(wk + v * L); });
          unroll<P>([&](auto i) {
            const V xv = S::splat(xr[i] + off);
            unroll<MV>([&](auto v) { acc[i][v] = S::madd(acc[i][v], wv[v], xv); });
          });
        }
      }
    }
  } else {
    // One loop over the C·KH input rows, as the row tiles (conv2d_direct_tile).
    const int64_t next_channel = (a.Hp - a.KH) * a.Wp;
    int64_t row = 0, kh = 0, rows = a.C * a.KH;
    do {
      const float* xr[P];
      for (int i = 0; i < P; ++i) xr[i] = xp[i] + row;
      for (int64_t kw = 0; kw < kernel_w; ++kw) {
        const int64_t off = UNIT ? kw : a.kw_offset[kw];
        V wv[MV];
        for (int v = 0; v < MV; ++v) wv[v] = S::load(wk + v * L);
        for (int i = 0; i < P; ++i) {
          const V xv = S::splat(xr[i] + off);
          for (int v = 0; v < MV; ++v) acc[i][v] = S::madd(acc[i][v], wv[v], xv);
        }
        if constexpr (kPin) unroll<P * MV>([&](auto k) { S::store(pin + k * L, acc[k / MV][k % MV]); });
        wk += MB;
      }
      row += a.Wp;
      if (++kh == a.KH) {
        kh = 0;
        row += next_channel;
      }
    } while (--rows > 0);
  }
  // Element by element (the scalar reference, other vector widths, tiles of fewer pixels).
  auto store_elements = [&] {
    float buf[P][MB];
    unroll<P * MV>([&](auto k) { S::store(&buf[k / MV][k % MV * L], acc[k / MV][k % MV]); });
    for (int m = 0; m < channels; ++m)
      for (int i = 0; i < pixels; ++i) y_planes[m][p + i] = buf[i][m];
  };
  if constexpr (L == 4 && P % 4 == 0) {
    // 4 pixels × 4 channels transposed: one vector of 4 consecutive pixels per channel plane.
    unroll<P / 4 * MV>([&](auto k) {
      constexpr int i0 = k / MV * 4, v = k % MV;
      V r[4] = {acc[i0][v], acc[i0 + 1][v], acc[i0 + 2][v], acc[i0 + 3][v]};
      S::transpose4(r[0], r[1], r[2], r[3]);
      unroll<4>([&](auto j) {
        if (v * 4 + j >= channels) return;
        if (pixels == P) return S::store(y_planes[v * 4 + j] + p + i0, r[j]);
        float lanes[4];
        S::store(lanes, r[j]);
        for (int i = i0; i < std::min(pixels, i0 + 4); ++i) y_planes[v * 4 + j][p + i] = lanes[i - i0];
      });
    });
  } else if constexpr (L == 16 && P <= 16) {
    // P pixels (the rest zeros) × 16 channels transposed: one masked vector of P pixels per plane.
    const auto lanes = static_cast<typename S::Mask>((1u << pixels) - 1);
    unroll<MV>([&](auto v) {
      V r[16];
      unroll<16>([&](auto i) { r[i] = i < P ? acc[i < P ? i : 0][v] : S::zero(); });
      S::transpose16(r);
      // A loop unrolled by the compiler, not unroll<16>: GCC 12 called that lambda out of line, the 16
      // transposed vectors went through a stack array (80 ZMM spills and reloads per tile).
#pragma GCC unroll 16
      for (int j = 0; j < 16; ++j)
        if (v * 16 + j < channels) S::store_masked(y_planes[v * 16 + j] + p, lanes, r[j]);
    });
  } else if constexpr (L == 8 && (P == 6 || P == 8)) {
    // P pixels × 8 channels transposed (AVX2): P consecutive pixels per channel plane.
    if (pixels < P) return store_elements();
    unroll<MV>([&](auto v) {
      V r[P];
      unroll<P>([&](auto i) { r[i] = acc[i][v]; });
      S::template store_columns<P>(r, y_planes + v * 8, p, channels - v * 8);
    });
  } else {
    store_elements();
  }
}

template <class S, int P, int MV, int KWC, bool UNIT>
inline void conv2d_pixel_range(const Conv2dDirectArgs& a, int64_t n, int64_t block, int64_t p0, int64_t p1) {
  constexpr int MB = MV * S::L;
  const int64_t taps = a.C * a.KH * a.KW;
  const float* w_block = a.w + block * taps * MB;
  const float* bias_block = a.bias + block * MB;
  const int channels = static_cast<int>(std::min<int64_t>(MB, a.M - block * MB));
  float* y_planes[MB];
  for (int m = 0; m < MB; ++m) y_planes[m] = a.y + n * a.y_image + (block * MB + std::min(m, channels - 1)) * a.OH * a.OW;
  const float* x_image = a.x + n * a.x_image;
  // The windows of pixels p0, p0 + 1, ...: one division per range, then steps along the rows.
  int64_t ow = p0 % a.OW;
  const float* window = x_image + p0 / a.OW * a.SH * a.Wp + ow;
  // (Only used between rows: with one output row the stride may be any size, even INT64_MAX.)
  const int64_t next_row = a.OH > 1 ? a.SH * a.Wp - a.OW : 0;
  auto next = [&] {
    const float* w = window++;
    if (++ow == a.OW) {
      ow = 0;
      window += next_row;
    }
    return w;
  };
  const float* xp[P];
  int64_t p = p0;
  for (; p + P <= p1; p += P) {
    for (int i = 0; i < P; ++i) xp[i] = next();
    conv2d_pixel_tile<S, P, MV, KWC, UNIT>(a, xp, w_block, bias_block, y_planes, channels, p, P);
  }
  if (p == p1) return;
  if (p1 - p0 >= P) {
    // The last pixels: one tile ending at p1, overlapping pixels already written with the same values.
    p = p1 - P;
    ow = p % a.OW;
    window = x_image + p / a.OW * a.SH * a.Wp + ow;
    for (int i = 0; i < P; ++i) xp[i] = next();
    conv2d_pixel_tile<S, P, MV, KWC, UNIT>(a, xp, w_block, bias_block, y_planes, channels, p, P);
    return;
  }
  // Fewer than P pixels in all: the missing ones repeat the last window and are not stored.
  const int pixels = static_cast<int>(p1 - p);
  for (int i = 0; i < pixels; ++i) xp[i] = next();
  for (int i = pixels; i < P; ++i) xp[i] = xp[pixels - 1];
  conv2d_pixel_tile<S, P, MV, KWC, UNIT>(a, xp, w_block, bias_block, y_planes, channels, p, pixels);
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
#define CONVPLAY_CONV2D_TILE(isa, MB, NB, speed) CONVPLAY_CONV2D_WIDE_TILE(isa, MB, NB, speed, 0)
// ... taken only for rows of at least min_vectors vectors.
#define CONVPLAY_CONV2D_WIDE_TILE(isa, MB, NB, speed, min_vectors)                                          \
  Conv2dDirectTile {                                                                                        \
    CONVPLAY_CONV2D_ROWS(isa, MB, NB, _k), CONVPLAY_CONV2D_ROWS(isa, MB, NB, _s_k), MB, speed,              \
        "conv2d_direct_f32_" #MB "x" #NB "v_row__" #isa, "conv2d_direct_f32_" #MB "x" #NB "v_row_s__" #isa, \
        NB, min_vectors                                                                                     \
  }

// The channel-vectorised kernels conv2d_direct_f32_<P>px<MV>v_pixels_k<KW>__<isa> (and _pixels_s_k for
// column strides > 1): P pixels × MV vectors of channels, one function per kernel width as above.
#define CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, KW, UNIT, suffix)                                    \
  void conv2d_direct_f32_##P##px##MV##v_pixels##suffix##KW##__##isa(const Conv2dDirectArgs& a, int64_t n,    \
                                                                    int64_t b, int64_t p0, int64_t p1) {    \
    conv2d_pixel_range<S, P, MV, KW, UNIT>(a, n, b, p0, p1);                                                \
  }
#define CONVPLAY_DEFINE_CONV2D_PIXELS_STRIDE(isa, S, P, MV, UNIT, suffix)                                   \
  CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, 1, UNIT, suffix)                                           \
  CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, 3, UNIT, suffix)                                           \
  CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, 5, UNIT, suffix)                                           \
  CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, 7, UNIT, suffix)                                           \
  CONVPLAY_DEFINE_CONV2D_PIXELS_1(isa, S, P, MV, 0, UNIT, suffix)
#define CONVPLAY_DEFINE_CONV2D_PIXELS(isa, S, P, MV)                                                        \
  namespace convplay::kernels {                                                                             \
  CONVPLAY_DEFINE_CONV2D_PIXELS_STRIDE(isa, S, P, MV, true, _k)                                             \
  CONVPLAY_DEFINE_CONV2D_PIXELS_STRIDE(isa, S, P, MV, false, _s_k)                                          \
  }
#define CONVPLAY_CONV2D_PIXEL_FNS(isa, P, MV, suffix)                                                       \
  {conv2d_direct_f32_##P##px##MV##v_pixels##suffix##1__##isa, conv2d_direct_f32_##P##px##MV##v_pixels##suffix##3__##isa, \
   conv2d_direct_f32_##P##px##MV##v_pixels##suffix##5__##isa, conv2d_direct_f32_##P##px##MV##v_pixels##suffix##7__##isa, \
   conv2d_direct_f32_##P##px##MV##v_pixels##suffix##0__##isa}
// A pixel tile entry for the kernels table: MB = MV·L channels (L floats per vector of the wrapper).
#define CONVPLAY_CONV2D_PIXEL_TILE(isa, P, MV, L, speed)                                                    \
  Conv2dPixelTile {                                                                                         \
    CONVPLAY_CONV2D_PIXEL_FNS(isa, P, MV, _k), CONVPLAY_CONV2D_PIXEL_FNS(isa, P, MV, _s_k), (MV) * (L), P,  \
        speed, "conv2d_direct_f32_" #P "px" #MV "v_pixels__" #isa,                                          \
        "conv2d_direct_f32_" #P "px" #MV "v_pixels_s__" #isa                                                \
  }
