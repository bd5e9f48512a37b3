// Compiled only for WebAssembly with -msimd128: the 8 images of a group in two vectors of 4; up to 6
// channels (12 accumulators).
#include "conv2d_dgrad_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_CONV2D_DGRAD(wasmsimd, SimdWasm, 6, 1)
#endif
