// Direct 2-D convolution micro-kernels (float32, NCHW, stride 1, dilation 1, groups 1).
//
// The convolution is an implicit GEMM: with stride 1, row (c, kh, kw) of the im2col matrix for output
// row oh is the contiguous slice x[c][oh + kh][kw : kw + OW] of the padded input, so the kernel reads
// it in place. One call computes one output row oh for a block of MB output channels:
//   for m in block, for ow in [0, OW):
//     y[n][m][oh][ow] = bias[m] + sum over c, kh, kw (in that order) of w[m][c][kh][kw] * x[n][c][oh+kh][ow+kw]
// Register tile: MB channels × NB vectors of output columns; the summation order is fixed, so the
// result does not depend on how rows are split between threads.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct Conv2dDirectArgs {
  const float* x = nullptr;    // padded input, N × C × Hp × Wp
  const float* w = nullptr;    // packed weights: blocks × (C·KH·KW) × MB, zero rows past M
  const float* bias = nullptr; // packed bias: blocks × MB (zeros where the layer has none)
  float* y = nullptr;          // output, N × M × OH × OW
  int64_t C = 0, Hp = 0, Wp = 0, M = 0, KH = 0, KW = 0, OH = 0, OW = 0;
};

using Conv2dRowKernel = void (*)(const Conv2dDirectArgs& args, int64_t n, int64_t block, int64_t oh);

// Kernels named by data type, operation, tile and instruction set (file = function name).
void conv2d_direct_f32_mb4_row__scalar(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
void conv2d_direct_f32_mb1_row__scalar(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
#if defined(__wasm_simd128__)
void conv2d_direct_f32_mb4_row__wasmsimd(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
void conv2d_direct_f32_mb1_row__wasmsimd(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
#endif
#if defined(__x86_64__) || defined(__i386__)
void conv2d_direct_f32_mb4_row__sse2(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
void conv2d_direct_f32_mb1_row__sse2(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
void conv2d_direct_f32_mb4_row__avx2fma(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
void conv2d_direct_f32_mb1_row__avx2fma(const Conv2dDirectArgs&, int64_t, int64_t, int64_t);
#endif

} // namespace convplay::kernels
