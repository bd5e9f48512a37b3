#include "conv2d_direct_f32.inl"
CONVPLAY_DEFINE_CONV2D_DIRECT(scalar, SimdScalar, 8, 8)
