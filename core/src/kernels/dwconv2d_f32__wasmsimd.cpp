// Compiled only for WebAssembly with -msimd128: 4 outputs per vector, two vectors per step of one row,
// one of two rows (two measured slower) (i32x4.shuffle deinterleaves stride 2); 3 × 3 at stride 2
// both ways takes dwconv2d_3x3s2_rows (shift_in).
#include "dwconv2d_f32.inl"
#if defined(__wasm_simd128__)
CONVPLAY_DEFINE_DWCONV2D(wasmsimd, SimdWasm, 2, 1)
#endif
