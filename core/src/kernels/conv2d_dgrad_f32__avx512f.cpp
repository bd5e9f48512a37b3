// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F. Vectors
// of 16 input columns: a row of up to 16 (LeNet-5's conv2 input, 14 wide) is one vector and one
// masked store, where 8 lanes take two vectors.
#include "conv2d_dgrad_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_DGRAD(avx512f, SimdAvx512)
#endif
