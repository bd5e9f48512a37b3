// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both.
#include "gemm_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_GEMM(avx2fma, SimdAvx2Fma, 6, 2)
#endif
