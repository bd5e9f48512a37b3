// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only when the CPU reports both. The 8
// images of a group in one vector; up to 6 channels (6 accumulators, a loaded vector and a splat).
// It also serves AVX-512 CPUs: a group fills half a 16-lane vector.
#include "conv2d_dgrad_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_CONV2D_DGRAD(avx2fma, SimdAvx2Fma, 6, 2)
#endif
