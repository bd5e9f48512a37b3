// Compiled only for WebAssembly with -msimd128. 5×2 tile (5 rows × 2 vectors of 4 columns): 10
// accumulators + 2 B vectors + an A splat + the product temporary fit the 15 XMM registers V8
// allocates on x86-64 (6×2 spills; see conv2d_direct_f32__wasmsimd.cpp for the measurements).
#include "gemm_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_GEMM(wasmsimd, SimdWasm, 5, 2)
#endif
