// The reference direct kernel (no SIMD).
#include "conv2d_direct_f32.inl"
CONVPLAY_DEFINE_CONV2D_ROW(scalar, SimdScalar, 4, 8)
CONVPLAY_DEFINE_CONV2D_ROW(scalar, SimdScalar, 1, 8)
// The reference of the channel-vectorised kernels: 4 pixels × 4 channels.
CONVPLAY_DEFINE_CONV2D_PIXELS(scalar, SimdScalar, 4, 4)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__scalar() {
  return {{CONVPLAY_CONV2D_TILE(scalar, 4, 8, 1.0), CONVPLAY_CONV2D_TILE(scalar, 1, 8, 0.5)}, 2,
          {CONVPLAY_CONV2D_PIXEL_TILE(scalar, 4, 4, 1, 0.8)}, 1};
}
} // namespace convplay::kernels
