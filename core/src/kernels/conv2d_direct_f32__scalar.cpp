// The reference direct kernel (no SIMD).
#include "conv2d_direct_f32.inl"
CONVPLAY_DEFINE_CONV2D_ROW(scalar, SimdScalar, 4, 8)
CONVPLAY_DEFINE_CONV2D_ROW(scalar, SimdScalar, 1, 8)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__scalar() {
  return {{CONVPLAY_CONV2D_TILE(scalar, 4, 8, 1.0), CONVPLAY_CONV2D_TILE(scalar, 1, 8, 0.5)}, 2};
}
} // namespace convplay::kernels
