// WebAssembly SIMD128: four tiles per vector.
#include "winograd_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_WINOGRAD(wasmsimd, SimdWasm)
#endif
