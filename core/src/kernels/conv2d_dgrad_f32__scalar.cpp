// The reference input gradient's kernel (no SIMD); kernels/config.cpp lists it last for every build.
#include "conv2d_dgrad_f32.inl"
CONVPLAY_DEFINE_CONV2D_DGRAD(scalar, SimdScalar, 2, 1)
