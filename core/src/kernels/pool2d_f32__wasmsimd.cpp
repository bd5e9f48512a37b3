// Compiled only for WebAssembly with -msimd128: 4 outputs per vector (i32x4.shuffle deinterleaves
// stride-2 windows; f32x4.pmax is one maxps in V8, where f32x4.max takes about eight instructions).
#include "pool2d_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_POOL2D(wasmsimd, SimdWasm)
#endif
