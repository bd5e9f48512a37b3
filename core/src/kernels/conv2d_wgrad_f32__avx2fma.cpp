// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both. Fused
// multiply-add with the gradient from memory: 6×2 (12 accumulators + 2 inputs) and 4×3 (12 + 3).
#include "conv2d_wgrad_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_WGRAD_SET(avx2fma, SimdAvx2Fma, 6, 2, 4, 3)
#endif
