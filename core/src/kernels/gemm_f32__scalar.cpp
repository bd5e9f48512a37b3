// The reference GEMM / GEMV (no SIMD); kernels/config.cpp lists it last for every build.
#include "gemm_f32.inl"
CONVPLAY_DEFINE_GEMM(scalar, SimdScalar, 4, 8)
