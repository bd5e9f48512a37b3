// Compiled only for WebAssembly with -msimd128 (multiply, then add: a temporary). 4×2 (8 accumulators
// + 2 inputs + gradient + product) and 3×3 (9 + 3 + 2) stay within the 15 XMM registers V8 allocates.
#include "conv2d_wgrad_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_WGRAD_SET(wasmsimd, SimdWasm, 4, 2, 3, 3)
#endif
