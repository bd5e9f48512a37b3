// The reference GEMM / GEMV (no SIMD), and the dispatcher that picks the instruction set.
#include "gemm_f32.inl"
CONVPLAY_DEFINE_GEMM(scalar, SimdScalar, 4, 8)

namespace convplay::kernels {
// Compile-time on WebAssembly, at run time on x86-64 (AVX2 + FMA when the CPU has them).
GemmKernels gemm_f32_kernels() {
#if defined(__wasm_simd128__)
  return gemm_f32_kernels__wasmsimd();
#elif defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return gemm_f32_kernels__avx2fma();
  return gemm_f32_kernels__sse2();
#else
  return gemm_f32_kernels__scalar();
#endif
}
} // namespace convplay::kernels
