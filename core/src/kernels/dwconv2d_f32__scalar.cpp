// The reference depthwise kernels (no SIMD): one output at a time, one row at a time.
#include "dwconv2d_f32.inl"
CONVPLAY_DEFINE_DWCONV2D(scalar, SimdScalar, 1, 0)
