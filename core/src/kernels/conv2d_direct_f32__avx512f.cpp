// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F.
// 32 ZMM registers and fused multiply-add: 8 channels × 2 vectors of 16 = 16 FMA chains.
#include "conv2d_direct_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 8, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 6, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 1, 4)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__avx512f() {
  return {{CONVPLAY_CONV2D_TILE(avx512f, 8, 2, 1.0), CONVPLAY_CONV2D_TILE(avx512f, 6, 2, 0.95),
           CONVPLAY_CONV2D_TILE(avx512f, 4, 2, 0.8), CONVPLAY_CONV2D_TILE(avx512f, 1, 4, 0.4)}, 4,
          {}, 0}; // no channel-vectorised tiles: vectors of 8 or more floats fill most rows
}
} // namespace convplay::kernels
#endif
