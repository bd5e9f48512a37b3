// Compiled only for WebAssembly with -msimd128. 4×2 tile: 8 accumulators fit V8's 16 XMM registers.
#include "conv2d_direct_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_DIRECT(wasmsimd, SimdWasm, 2, 4)
#endif
