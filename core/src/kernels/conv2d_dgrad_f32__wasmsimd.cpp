// Compiled only for WebAssembly with -msimd128: vectors of 4 input columns.
#include "conv2d_dgrad_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_DGRAD(wasmsimd, SimdWasm)
#endif
