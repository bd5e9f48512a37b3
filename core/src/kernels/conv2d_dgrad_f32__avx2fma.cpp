// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both. Vectors
// of 8 input columns.
#include "conv2d_dgrad_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_DGRAD(avx2fma, SimdAvx2Fma)
#endif
