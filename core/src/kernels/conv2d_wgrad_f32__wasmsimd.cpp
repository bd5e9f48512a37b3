// Compiled only for WebAssembly with -msimd128 (multiply, then add: a temporary). Row form: 4×2 (8
// accumulators + 2 inputs + gradient + product) and 3×3 (9 + 3 + 2) stay within the 15 XMM registers
// V8 allocates. Filter-vectorised: 4 vectors × 2 taps (8 accumulators + 4 gradients + splat +
// product), 2 × 5 (10 + 2 + 2) and 1 × 10 (10 + 1 + 2); along a kernel row, 1 vector × 5 taps (5
// accumulators + 5 window + gradient + product) and 2 × 3 (6 + 3 + 2 + 1). A load costs two
// multiply-adds in the choice of tile: a splat is a load and a shuffle (no broadcast from memory),
// a multiply-add two instructions.
#include "conv2d_wgrad_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_WGRAD(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD(wasmsimd, SimdWasm, 3, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(wasmsimd, SimdWasm, 2, 5)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS(wasmsimd, SimdWasm, 1, 10)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(wasmsimd, SimdWasm, 1, 5)
CONVPLAY_DEFINE_CONV2D_WGRAD_FILTERS_WINDOW(wasmsimd, SimdWasm, 2, 3)
CONVPLAY_DEFINE_CONV2D_WGRAD_TRANSPOSE(wasmsimd, SimdWasm)
namespace convplay::kernels {
Conv2dWgradKernels conv2d_wgrad_f32_kernels__wasmsimd() {
  return {{CONVPLAY_CONV2D_WGRAD_TILE(wasmsimd, 4, 2), CONVPLAY_CONV2D_WGRAD_TILE(wasmsimd, 3, 3)}, 2,
          {CONVPLAY_CONV2D_WGRAD_FILTER_TILE(wasmsimd, 4, 2), CONVPLAY_CONV2D_WGRAD_FILTER_TILE(wasmsimd, 2, 5),
           CONVPLAY_CONV2D_WGRAD_FILTER_TILE(wasmsimd, 1, 10), CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(wasmsimd, 1, 5),
           CONVPLAY_CONV2D_WGRAD_FILTER_WINDOW_TILE(wasmsimd, 2, 3)}, 5,
          conv2d_wgrad_f32_transpose__wasmsimd, 2};
}
} // namespace convplay::kernels
#endif
