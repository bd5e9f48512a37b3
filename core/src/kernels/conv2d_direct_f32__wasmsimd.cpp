// Compiled only for WebAssembly with -msimd128. V8 allocates SIMD values from 15 XMM registers on
// x86-64, and a multiply-add needs a temporary. The row tiles run one tap per loop iteration
// (SimdWasm::kRollTaps): V8 loads the tap's inputs and splats first, so 5×2 holds 10 accumulators +
// 2 inputs + 5 splats + a product and spills three of them, 4×2 fits exactly; 6×2 and 4×3 spill more.
// Relative speed per channel with rolled taps (C = 3 and 32 on 112- and 56-column rows, best of 40
// alternated runs under load): 4×2 0.98–1.0 of 5×2; 3×3 0.99 there, left at 0.8 (the short rows of
// 3, 6 or 9 filters it takes were not measured again).
#include "conv2d_direct_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 5, 2)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 3, 3)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 1, 4)
// Channel-vectorised: 4 pixels × 2 vectors (8 accumulators + 2 weights + splat + product). One thread,
// ms: LeNet conv2 (10 columns) 0.0140 against 0.0199 in 4×2 row tiles, CIFAR 3->64 (28 columns)
// 0.222 against 0.242 in 5×2, VGG conv1_1 (224 columns) 6.14 against 6.13 (speed 0.97 on the row
// tiles' scale, the first two through the rows' wasted lanes).
CONVPLAY_DEFINE_CONV2D_PIXELS(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_PIXELS(wasmsimd, SimdWasm, 4, 1)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__wasmsimd() {
  return {{CONVPLAY_CONV2D_TILE(wasmsimd, 5, 2, 1.0), CONVPLAY_CONV2D_TILE(wasmsimd, 4, 2, 0.98),
           CONVPLAY_CONV2D_TILE(wasmsimd, 3, 3, 0.8), CONVPLAY_CONV2D_TILE(wasmsimd, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(wasmsimd, 4, 2, 4, 0.97), CONVPLAY_CONV2D_PIXEL_TILE(wasmsimd, 4, 1, 4, 0.82)}, 2};
}
} // namespace convplay::kernels
#endif
