// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both. Fused
// multiply-add with the gradient from memory: row form 6×2 (12 accumulators + 2 inputs) and 4×3
// (12 + 3); filter-vectorised 2 vectors × 6 taps (12 + 2 gradients + splat) and 1 × 12. The
// transpose by SSE2's 4 × 4 blocks.
#include "conv2d_wgrad_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_WGRAD(avx2fma, SimdAvx2Fma, 6, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD(avx2fma, SimdAvx2Fma, 4, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(avx2fma, SimdAvx2Fma, 2, 6)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(avx2fma, SimdAvx2Fma, 1, 12)
CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(avx2fma, SimdSse2)
namespace convplay::kernels {
Conv2dWgradKernels conv2d_wgrad_f32_kernels__avx2fma() {
  return {{CONVPLAY_CONV2D_WGRAD_TILE(avx2fma, 6, 2), CONVPLAY_CONV2D_WGRAD_TILE(avx2fma, 4, 3)}, 2,
          {CONVPLAY_CONV2D_WGRAD_FILTER_TILE(avx2fma, 2, 6), CONVPLAY_CONV2D_WGRAD_FILTER_TILE(avx2fma, 1, 12)}, 2,
          conv2d_wgrad_f32_transpose__avx2fma, 1};
}
} // namespace convplay::kernels
#endif
