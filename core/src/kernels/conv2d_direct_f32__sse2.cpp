// x86-64 baseline (16 XMM registers, multiply then add): 5×2 as in WebAssembly.
#include "conv2d_direct_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_ROW(sse2, SimdSse2, 5, 2)
CONVPLAY_DEFINE_CONV2D_ROW(sse2, SimdSse2, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(sse2, SimdSse2, 3, 3)
CONVPLAY_DEFINE_CONV2D_ROW(sse2, SimdSse2, 1, 4)
CONVPLAY_DEFINE_CONV2D_PIXELS(sse2, SimdSse2, 4, 2)
CONVPLAY_DEFINE_CONV2D_PIXELS(sse2, SimdSse2, 4, 1)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__sse2() {
  return {{CONVPLAY_CONV2D_TILE(sse2, 5, 2, 1.0), CONVPLAY_CONV2D_TILE(sse2, 4, 2, 0.85),
           CONVPLAY_CONV2D_TILE(sse2, 3, 3, 0.8), CONVPLAY_CONV2D_TILE(sse2, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(sse2, 4, 2, 4, 0.97), CONVPLAY_CONV2D_PIXEL_TILE(sse2, 4, 1, 4, 0.82)}, 2};
}
} // namespace convplay::kernels
#endif
