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

// The row kernels of one instruction set: a few register tiles (MB channels × NB vectors) with their
// relative speed per channel (measured on the bench shapes); the plan picks, for a layer of M filters,
// the tile that wastes least: the smallest ceil(M/MB)·MB / speed. The single-channel tile (MB = 1,
// wide) serves layers with fewer filters, e.g. one image and one kernel. Named by data type,
// operation, tile and instruction set; the file is conv2d_direct_f32__<isa>.cpp.
struct Conv2dDirectTile {
  Conv2dRowKernel rows[5] = {}; // for kernel widths 1, 3, 5, 7, and any (kernel_width_index)
  int mb = 1;
  double speed = 1.0;
  const char* name = "";
};
inline int kernel_width_index(int64_t KW) { return KW == 1 ? 0 : KW == 3 ? 1 : KW == 5 ? 2 : KW == 7 ? 3 : 4; }
struct Conv2dDirectKernels {
  Conv2dDirectTile tiles[4];
  int count = 0;
};

Conv2dDirectKernels conv2d_direct_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Conv2dDirectKernels conv2d_direct_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Conv2dDirectKernels conv2d_direct_f32_kernels__sse2();
Conv2dDirectKernels conv2d_direct_f32_kernels__avx2fma();
Conv2dDirectKernels conv2d_direct_f32_kernels__avx512f();
#endif

} // namespace convplay::kernels
