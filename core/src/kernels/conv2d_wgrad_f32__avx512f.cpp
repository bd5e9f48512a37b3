// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F. 32 ZMM
// registers: row form 6×4 (24 accumulators + 4 inputs) and 8×3 (24 + 3); filter-vectorised 2 vectors
// × 12 taps (24 + 2 gradients + splat) and 1 × 12 (12 + 1: the taps' 12 image pointers, not the
// vectors, are what one tile can hold; and the .inl unrolls loops of at most 16). The transpose by
// SSE2's 4 × 4 blocks.
#include "conv2d_wgrad_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_WGRAD(avx512f, SimdAvx512, 6, 4)
CONVPLAY_DEFINE_CONV2D_WGRAD(avx512f, SimdAvx512, 8, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(avx512f, SimdAvx512, 2, 12)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(avx512f, SimdAvx512, 1, 12)
CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(avx512f, SimdSse2)
namespace convplay::kernels {
Conv2dWgradKernels conv2d_wgrad_f32_kernels__avx512f() {
  return {{CONVPLAY_CONV2D_WGRAD_TILE(avx512f, 6, 4), CONVPLAY_CONV2D_WGRAD_TILE(avx512f, 8, 3)}, 2,
          {CONVPLAY_CONV2D_WGRAD_FILTER_TILE(avx512f, 2, 12), CONVPLAY_CONV2D_WGRAD_FILTER_TILE(avx512f, 1, 12)}, 2,
          conv2d_wgrad_f32_transpose__avx512f, 1};
}
} // namespace convplay::kernels
#endif
