// Matrix-product micro-kernels (float32) for the lecture's im2col + GEMM and Toeplitz ways
// (src/three_ways.cpp). Allocation-free; the caller packs the operands.
//
// GEMM  C (M × N) = A (M × K) · B (K × N) [+ bias per row of C], one MR × NR tile per call:
//   A packed in row blocks of MR:     a[block][k][r]   = A[block·MR + r][k]  (zero rows past M)
//   B packed in column panels of NR:  b[panel][k][j]   = B[k][panel·NR + j]  (zero columns past N)
//   so the tile reads both operands front to back. Register tile: MR rows × NB vectors of S::L
//   columns (NR = NB·L); k runs 0..K-1 in order, so a tile's result does not depend on threads.
//   A ragged last block or panel multiplies only the rows and vectors of C it covers (the same
//   multiply-adds per element as a full tile: C's bits do not depend on M or N).
// GEMV  y[r] = bias[r / bias_div] + Σ_k A[r][k]·x[k] for rows [r0, r1), A row-major with stride lda:
//   four rows at a time, SIMD along k; the vector lanes are summed in a fixed order.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct GemmArgs {
  const float* a = nullptr;    // packed A: ceil(M/MR) × K × MR
  const float* b = nullptr;    // packed B: ceil(N/NR) × K × NR
  const float* bias = nullptr; // M values (C starts from bias[m]) or null (from 0)
  float* c = nullptr;          // C, row stride ldc
  int64_t ldc = 0, M = 0, N = 0, K = 0;
};
using GemmTileKernel = void (*)(const GemmArgs& args, int64_t block, int64_t panel);

struct GemvArgs {
  const float* a = nullptr;    // A, row-major, row stride lda
  const float* x = nullptr;    // K values
  const float* bias = nullptr; // bias[r / bias_div], or null
  float* y = nullptr;
  int64_t lda = 0, K = 0, bias_div = 1;
};
using GemvKernel = void (*)(const GemvArgs& args, int64_t r0, int64_t r1);

struct GemmKernels {
  GemmTileKernel tile = nullptr;
  int mr = 1, nr = 1;
  GemvKernel gemv = nullptr;
  const char* gemm_name = "";
  const char* gemv_name = "";
};

// One set per instruction set (file = suffix); kernels/config.h lists the ones this machine has.
GemmKernels gemm_f32_kernels__scalar();
#if defined(__wasm_simd128__)
GemmKernels gemm_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
GemmKernels gemm_f32_kernels__sse2();
GemmKernels gemm_f32_kernels__avx2fma();
GemmKernels gemm_f32_kernels__avx512f();
#endif

} // namespace convplay::kernels
