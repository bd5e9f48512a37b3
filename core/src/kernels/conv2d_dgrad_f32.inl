// The body of the input-gradient kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_dgrad_f32__<isa>.cpp. See conv2d_dgrad_f32.h.
#pragma once
#include "conv2d_dgrad_f32.h"
#include "simd.h"

#include <algorithm>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

template <class S>
inline void conv2d_dgrad_f32(const Conv2dDgradArgs& a) {
  using V = typename S::V;
  constexpr int L = S::L;
  const int64_t P = a.ld > 0 ? a.ld : a.OH * a.OW, blocks = conv2d_dgrad_blocks(a.W, L); // P: the row stride of cols
  for (int64_t ih = 0; ih < a.H; ++ih) {
    // The taps whose output row ih + pt − kh lies in [0, OH).
    const int64_t kh_lo = std::max<int64_t>(0, ih + a.pt - a.OH + 1), kh_hi = std::min<int64_t>(a.KH, ih + a.pt + 1);
    float* row = a.gx + ih * a.W;
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t iw0 = conv2d_dgrad_block_start(b, a.W, L);
      const float* mask = a.masks + b * a.KW * L;
      V acc = S::zero();
      for (int64_t kh = kh_lo; kh < kh_hi; ++kh) {
        // Tap (kh, 0) at input column iw0 (output row ih + pt − kh, column iw0 + pl); tap (kh, kw) is
        // kw rows of cols further and kw columns to the left: kw·(P − 1) floats on.
        const float* src = a.cols + kh * a.KW * P + (ih + a.pt - kh) * a.OW + iw0 + a.pl;
        for (int64_t kw = 0; kw < a.KW; ++kw)
          acc = S::add(acc, S::bit_and(S::load(src + kw * (P - 1)), S::load(mask + kw * L)));
      }
      if (a.W >= L) {
        S::store(row + iw0, acc);
      } else if constexpr (requires { typename S::Mask; }) {
        S::store_masked(row, static_cast<typename S::Mask>((1u << a.W) - 1), acc);
      } else {
        float lanes[L];
        S::store(lanes, acc);
        std::copy(lanes, lanes + a.W, row);
      }
    }
  }
}

} // namespace
} // namespace convplay::kernels

// Defines conv2d_dgrad_f32_kernels__<isa>() for wrapper S.
#define CONVPLAY_DEFINE_CONV2D_DGRAD(isa, S)                                                                \
  namespace convplay::kernels {                                                                             \
  static void conv2d_dgrad_f32__##isa(const Conv2dDgradArgs& a) { conv2d_dgrad_f32<S>(a); }                 \
  Conv2dDgradKernels conv2d_dgrad_f32_kernels__##isa() { return {conv2d_dgrad_f32__##isa, "conv2d_dgrad_f32__" #isa}; } \
  }
