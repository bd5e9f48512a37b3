// The reference pooling kernels (no SIMD): every column by the exact scalar fold.
#include "pool2d_f32.inl"
CONVPLAY_DEFINE_POOL2D(scalar, SimdScalar)
