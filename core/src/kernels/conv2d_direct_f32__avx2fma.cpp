// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both.
#include "conv2d_direct_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_DIRECT(avx2fma, SimdAvx2Fma, 2, 4)
#endif
