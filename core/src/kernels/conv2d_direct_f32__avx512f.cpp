// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F.
// 32 ZMM registers and fused multiply-add: 8 channels × 2 vectors of 16 = 16 FMA chains.
#include "conv2d_direct_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 8, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 6, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 1, 4)
// Channel-vectorised: 12 pixels × 1 vector of 16 channels (LeNet conv2's 16 filters, 10 columns),
// 8 × 2 for 32; stored through a 16×16 transpose. Speed 0.7 on the row tiles' scale: CIFAR 3->64
// (28 columns) 0.0431 ms in 12 × 1 against 0.0410 in 8×2 row tiles at one thread (min of 200).
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 12, 1)
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 8, 2)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__avx512f() {
  return {{CONVPLAY_CONV2D_TILE(avx512f, 8, 2, 1.0), CONVPLAY_CONV2D_TILE(avx512f, 6, 2, 0.95),
           CONVPLAY_CONV2D_TILE(avx512f, 4, 2, 0.8), CONVPLAY_CONV2D_TILE(avx512f, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 12, 1, 16, 0.7), CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 8, 2, 16, 0.7)}, 2};
}
} // namespace convplay::kernels
#endif
