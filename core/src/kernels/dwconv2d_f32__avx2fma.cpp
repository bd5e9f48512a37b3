// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both.
// 8 outputs per vector, four vectors per step of one row, two of two rows (stride 2: a shuffle and a
// cross-lane permute).
#include "dwconv2d_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_DWCONV2D(avx2fma, SimdAvx2Fma, 4, 2)
#endif
