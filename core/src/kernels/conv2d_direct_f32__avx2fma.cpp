// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both.
// 16 YMM registers and fused multiply-add (no temporary): 6×2 = 12 FMA chains + 2 inputs + splat.
#include "conv2d_direct_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_ROW(avx2fma, SimdAvx2Fma, 6, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx2fma, SimdAvx2Fma, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx2fma, SimdAvx2Fma, 3, 3)
CONVPLAY_DEFINE_CONV2D_ROW(avx2fma, SimdAvx2Fma, 1, 4)
// Channel-vectorised: 6 pixels × 2 vectors (12 accumulators + 2 weights + splat), 8 × 1, for rows
// that would leave lanes of a row tile idle (LeNet conv2: 10 columns in vectors of 8).
CONVPLAY_DEFINE_CONV2D_PIXELS(avx2fma, SimdAvx2Fma, 6, 2)
CONVPLAY_DEFINE_CONV2D_PIXELS(avx2fma, SimdAvx2Fma, 8, 1)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__avx2fma() {
  return {{CONVPLAY_CONV2D_TILE(avx2fma, 6, 2, 1.0), CONVPLAY_CONV2D_TILE(avx2fma, 4, 2, 0.8),
           CONVPLAY_CONV2D_TILE(avx2fma, 3, 3, 0.8), CONVPLAY_CONV2D_TILE(avx2fma, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(avx2fma, 6, 2, 8, 0.95), CONVPLAY_CONV2D_PIXEL_TILE(avx2fma, 8, 1, 8, 0.8)}, 2};
}
} // namespace convplay::kernels
#endif
