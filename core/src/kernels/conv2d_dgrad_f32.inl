// The body of the input-gradient kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_dgrad_f32__<isa>.cpp. See conv2d_dgrad_f32.h.
#pragma once
#include "conv2d_dgrad_f32.h"
#include "simd.h"

#include <algorithm>
#include <utility>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// One input row of a block of CB channels: per pixel, CB × NV accumulators (NV vectors of images).
// With PX = 2, two neighbouring pixels whose taps are the same (away from the row's ends) share each
// step's weights: CB × NV × 2 accumulators, the same chain of multiply-adds for each pixel.
template <class S, int PX, int CB>
inline void conv2d_dgrad_f32(const Conv2dDgradArgs& a) {
  using V = typename S::V;
  constexpr int L = S::L, NV = static_cast<int>(kDgradImages) / L, G = static_cast<int>(kDgradImages);
  static_assert(NV * L == G && (PX == 1 || PX == 2));
  // The taps whose output row ih + pt − kh lies in [0, OH), and those of column iw.
  const int64_t kh_lo = std::max<int64_t>(0, a.ih + a.pt - a.OH + 1), kh_hi = std::min<int64_t>(a.KH, a.ih + a.pt + 1);
  const auto kw_lo = [&](int64_t iw) { return std::max<int64_t>(0, iw + a.pl - a.OW + 1); };
  const auto kw_hi = [&](int64_t iw) { return std::min<int64_t>(a.KW, iw + a.pl + 1); };
  // Pixels iw .. iw + P − 1 (P ≤ PX), all with iw's taps: pixel q's output gradient is q·M·G floats
  // before pixel iw's (one column further right, one place earlier in the reversed row).
  const auto pixels = [&]<int P>(int64_t iw, std::integral_constant<int, P>) {
    const int64_t lo = kw_lo(iw), hi = kw_hi(iw), run = hi > lo ? (hi - lo) * a.M : 0;
    V acc[P][CB][NV];
    #pragma GCC unroll 16
    for (int q = 0; q < P; ++q)
      #pragma GCC unroll 16
      for (int c = 0; c < CB; ++c)
        #pragma GCC unroll 16
        for (int v = 0; v < NV; ++v) acc[q][c][v] = S::zero();
    for (int64_t kh = kh_lo; kh < kh_hi; ++kh) {
      // Tap (kh, lo): output pixel (ih + pt − kh, iw + pl − lo), stored at reversed column
      // OW − 1 − (iw + pl − lo); the next taps and filters follow it.
      const float* g = a.gy + ((a.ih + a.pt - kh) * a.OW + a.OW - 1 - (iw + a.pl - lo)) * a.M * G;
      const float* wp = a.w + (kh * a.KW + lo) * a.M * CB;
      for (int64_t j = 0; j < run; ++j) {
        V gv[P][NV];
        #pragma GCC unroll 16
        for (int q = 0; q < P; ++q)
          #pragma GCC unroll 16
          for (int v = 0; v < NV; ++v) gv[q][v] = S::load(g - q * a.M * G + v * L);
        #pragma GCC unroll 16
        for (int c = 0; c < CB; ++c) {
          const V wv = S::splat(wp + c);
          #pragma GCC unroll 16
          for (int q = 0; q < P; ++q)
            #pragma GCC unroll 16
            for (int v = 0; v < NV; ++v) acc[q][c][v] = S::madd(acc[q][c][v], wv, gv[q][v]);
        }
        g += G;
        wp += CB;
      }
    }
    #pragma GCC unroll 16
    for (int q = 0; q < P; ++q)
      #pragma GCC unroll 16
      for (int c = 0; c < CB; ++c)
        #pragma GCC unroll 16
        for (int v = 0; v < NV; ++v) S::store(a.gx + ((iw + q) * CB + c) * G + v * L, acc[q][c][v]);
  };
  for (int64_t iw = 0; iw < a.W;) {
    if (PX == 2 && iw + 1 < a.W && kw_lo(iw) == kw_lo(iw + 1) && kw_hi(iw) == kw_hi(iw + 1)) {
      pixels(iw, std::integral_constant<int, PX>{});
      iw += PX;
    } else {
      pixels(iw, std::integral_constant<int, 1>{});
      ++iw;
    }
  }
}

template <class S, int PX, int... CB>
constexpr Conv2dDgradKernels conv2d_dgrad_table(const char* name, std::integer_sequence<int, CB...>) {
  Conv2dDgradKernels k;
  ((k.run[CB] = conv2d_dgrad_f32<S, PX, CB + 1>), ...);
  k.max_channels = static_cast<int>(sizeof...(CB));
  k.name = name;
  return k;
}

} // namespace
} // namespace convplay::kernels

// Defines conv2d_dgrad_f32_kernels__<isa>() for wrapper S with channel blocks of 1 to MAX_CB and
// tiles of PX pixels.
#define CONVPLAY_DEFINE_CONV2D_DGRAD(isa, S, MAX_CB, PX)                                                        \
  namespace convplay::kernels {                                                                             \
  static_assert(MAX_CB <= kDgradMaxChannels);                                                               \
  Conv2dDgradKernels conv2d_dgrad_f32_kernels__##isa() {                                                    \
    return conv2d_dgrad_table<S, PX>("conv2d_dgrad_f32_" #MAX_CB "c" #PX "px__" #isa, std::make_integer_sequence<int, MAX_CB>{}); \
  }                                                                                                         \
  }
