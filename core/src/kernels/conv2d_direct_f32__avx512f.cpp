// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F.
// 32 ZMM registers and fused multiply-add: 8 channels × 2 vectors of 16 = 16 FMA chains.
#include "conv2d_direct_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 8, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 6, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 1, 4)
// Channel-vectorised: 12 pixels × 1 vector of 16 channels (LeNet conv2's 16 filters, 10 columns),
// 8 × 2 for 32.
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 12, 1)
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 8, 2)
// Flat: the row tiles over the channel plane taken as one row (CIFAR 3->64: 28 columns, 784 pixels
// in 25 tiles of 32 instead of rows of 32; LeNet conv1: 24 columns), stored without a transpose.
CONVPLAY_DEFINE_CONV2D_FLAT(avx512f, SimdAvx512, 8, 2)
CONVPLAY_DEFINE_CONV2D_FLAT(avx512f, SimdAvx512, 6, 2)
CONVPLAY_DEFINE_CONV2D_FLAT(avx512f, SimdAvx512, 16, 1)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__avx512f() {
  return {{CONVPLAY_CONV2D_TILE(avx512f, 8, 2, 1.0), CONVPLAY_CONV2D_TILE(avx512f, 6, 2, 0.95),
           CONVPLAY_CONV2D_TILE(avx512f, 4, 2, 0.8), CONVPLAY_CONV2D_TILE(avx512f, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 12, 1, 16, 0.95), CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 8, 2, 16, 0.95)}, 2,
          {CONVPLAY_CONV2D_FLAT_TILE(avx512f, 8, 2, 16, 0.97), CONVPLAY_CONV2D_FLAT_TILE(avx512f, 6, 2, 16, 0.92),
           CONVPLAY_CONV2D_FLAT_TILE(avx512f, 16, 1, 16, 0.9)}, 3};
}
} // namespace convplay::kernels
#endif
