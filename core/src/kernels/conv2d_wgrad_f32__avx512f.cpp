// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F. 32 ZMM
// registers: 6×4 (24 accumulators + 4 inputs) and 8×3 (24 + 3).
#include "conv2d_wgrad_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_WGRAD_SET(avx512f, SimdAvx512, 6, 4, 8, 3)
#endif
