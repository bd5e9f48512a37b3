// Compiled only for WebAssembly with -msimd128. V8 allocates SIMD values from 15 XMM registers on
// x86-64, and a multiply-add needs a temporary. The row tiles run one tap per loop iteration
// (SimdWasm::kRollTaps): V8 loads the tap's inputs and splats first, so 5×2 holds 10 accumulators +
// 2 inputs + 5 splats + a product and spills three of them, 4×2 fits exactly; 6×2 and 4×3 spill more.
// Relative speed per channel with rolled taps, on the AMD EPYC (Zen 4; one thread, CPU time, min of 3
// alternated runs under load): 5×2 0.72–0.79 of 4×2 (VGG conv1_1 7.68 against 5.56 ms, 32->64 stride
// 2 5.54 against 4.03, ResNet's Winograd products 3.33 against 2.80); 3×3 0.6 (LeNet conv1 ×64: 6
// filters in 3×3 0.556 ms, in two blocks of 4×2 0.480). On the Intel Xeon of the README's older
// figures 4×2 was 0.98–1.0 of 5×2.
#include "conv2d_direct_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 5, 2)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 3, 3)
CONVPLAY_DEFINE_CONV2D_ROW(wasmsimd, SimdWasm, 1, 4)
// Channel-vectorised: 4 pixels × 2 vectors (8 accumulators + 2 weights + 4 splats + product). Same
// measure, ms: LeNet conv2 (10 columns) 0.0134 against 0.0172 in 4×2 row tiles, CIFAR 3->64 (28
// columns, rows ending in a 1-vector tile) 0.214–0.221 against 0.218–0.220, VGG conv1_1 (224
// columns) 6.23–6.36 against 5.51–5.70; speed 0.98 on the row tiles' scale, so that CIFAR takes it
// (its threads then get one batch each, conv2d_plan.cpp).
CONVPLAY_DEFINE_CONV2D_PIXELS(wasmsimd, SimdWasm, 4, 2)
CONVPLAY_DEFINE_CONV2D_PIXELS(wasmsimd, SimdWasm, 4, 1)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__wasmsimd() {
  return {{CONVPLAY_CONV2D_TILE(wasmsimd, 4, 2, 1.0), CONVPLAY_CONV2D_TILE(wasmsimd, 5, 2, 0.78),
           CONVPLAY_CONV2D_TILE(wasmsimd, 3, 3, 0.6), CONVPLAY_CONV2D_TILE(wasmsimd, 1, 4, 0.4)}, 4,
          {CONVPLAY_CONV2D_PIXEL_TILE(wasmsimd, 4, 2, 4, 0.98), CONVPLAY_CONV2D_PIXEL_TILE(wasmsimd, 4, 1, 4, 0.82)}, 2};
}
} // namespace convplay::kernels
#endif
