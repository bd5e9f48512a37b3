// x86-64 baseline (multiply, then add: a temporary). Row form: 4×2 (8 accumulators + 2 inputs +
// gradient + product) and 3×3 (9 + 3 + 2) fit the 16 XMM registers; filter-vectorised as in
// WebAssembly: 4 vectors × 2 taps, 2 × 5, 1 × 10, along a kernel row 1 × 5 and 2 × 3, and a load
// costs two multiply-adds as there (a splat is a load and a shuffle).
#include "conv2d_wgrad_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_WGRAD(sse2, SimdSse2, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD(sse2, SimdSse2, 3, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(sse2, SimdSse2, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(sse2, SimdSse2, 2, 5)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(sse2, SimdSse2, 1, 10)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(sse2, SimdSse2, 1, 5)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(sse2, SimdSse2, 2, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(sse2, SimdSse2)
namespace convplay::kernels {
Conv2dWgradKernels conv2d_wgrad_f32_kernels__sse2() {
  return {{CONVPLAY_CONV2D_WGRAD_TILE(sse2, 4, 2), CONVPLAY_CONV2D_WGRAD_TILE(sse2, 3, 3)}, 2,
          {CONVPLAY_CONV2D_WGRAD_FILTER_TILE(sse2, 4, 2), CONVPLAY_CONV2D_WGRAD_FILTER_TILE(sse2, 2, 5),
           CONVPLAY_CONV2D_WGRAD_FILTER_TILE(sse2, 1, 10), CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(sse2, 1, 5),
           CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(sse2, 2, 3)}, 5,
          conv2d_wgrad_f32_transpose__sse2, 2};
}
} // namespace convplay::kernels
#endif
