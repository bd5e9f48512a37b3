// The body of the direct weight-gradient kernels, written once against a SIMD wrapper (simd.h) and
// instantiated per instruction set in conv2d_wgrad_f32__<isa>.cpp. See conv2d_wgrad_f32.h.
#pragma once
#include "conv2d_wgrad_f32.h"
#include "simd.h"

#include <algorithm>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

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
      for (int m = 0; m < MB; ++m) g[m] = a.gy + (m0 + std::min(m, rows - 1)) * a.Q;
      for (int j = 0; j < JB; ++j) xs[j] = a.x + a.off[j0 + std::min(j, taps - 1)];
      V acc[MB][JB];
      for (int m = 0; m < MB; ++m)
        for (int j = 0; j < JB; ++j) {
          s[m][j] = a.sums + ((m0 + std::min(m, rows - 1)) * a.J + j0 + std::min(j, taps - 1)) * L;
          acc[m][j] = S::load(s[m][j]);
        }
      for (int64_t q = 0; q < a.Q; q += L) {
        V xv[JB];
        for (int j = 0; j < JB; ++j) xv[j] = S::load(xs[j] + q);
        for (int m = 0; m < MB; ++m) {
          const V gv = S::load(g[m] + q);
          for (int j = 0; j < JB; ++j) acc[m][j] = S::madd(acc[m][j], gv, xv[j]);
        }
      }
      for (int m = 0; m < rows; ++m)
        for (int j = 0; j < taps; ++j) S::store(s[m][j], acc[m][j]);
    }
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
// Defines conv2d_wgrad_f32_kernels__<isa>() with two tiles, MB1 × JB1 and MB2 × JB2.
#define CONVPLAY_DEFINE_CONV2D_WGRAD_SET(isa, S, MB1, JB1, MB2, JB2)                                        \
  CONVPLAY_DEFINE_CONV2D_WGRAD(isa, S, MB1, JB1)                                                            \
  CONVPLAY_DEFINE_CONV2D_WGRAD(isa, S, MB2, JB2)                                                            \
  namespace convplay::kernels {                                                                             \
  Conv2dWgradKernels conv2d_wgrad_f32_kernels__##isa() {                                                    \
    return {{CONVPLAY_CONV2D_WGRAD_TILE(isa, MB1, JB1), CONVPLAY_CONV2D_WGRAD_TILE(isa, MB2, JB2)}, 2};     \
  }                                                                                                         \
  }
