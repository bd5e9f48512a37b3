// The reference direct weight gradient (no SIMD); kernels/config.cpp lists it last for every build.
// Both forms, with vectors of one float; the transpose one float at a time.
#include "conv2d_wgrad_f32.inl"
CONVPLAY_DEFINE_CONV2D_WGRAD(scalar, SimdScalar, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(scalar, SimdScalar, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(scalar, SimdScalar, 4, 5)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(scalar, SimdScalar, 4, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(scalar, SimdScalar)
namespace convplay::kernels {
Conv2dWgradKernels conv2d_wgrad_f32_kernels__scalar() {
  return {{CONVPLAY_CONV2D_WGRAD_TILE(scalar, 4, 2)}, 1, {CONVPLAY_CONV2D_WGRAD_FILTER_TILE(scalar, 4, 2), CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(scalar, 4, 5),
           CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(scalar, 4, 3)}, 3,
          conv2d_wgrad_f32_transpose__scalar, 1};
}
} // namespace convplay::kernels
