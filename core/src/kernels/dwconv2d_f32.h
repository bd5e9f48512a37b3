// Depthwise 2-D convolution micro-kernels (float32, NCHW, one input channel per group, dilation 1)
// that read the input in place: no padded copy, the padding is handled at the edges. Allocation-free.
//
// One call computes output rows [oh0, oh1) of one output plane q = n·M + m, whose input plane is
// n·C + m / (M / C) (M / C filters per channel):
//   for oh in [oh0, oh1), ow in [0, OW):
//     y[q][oh][ow] = bias[m] + Σ over kh, then kw (row-major), of the taps inside the input:
//                    w[m][kh][kw] · x[n·C + m / (M / C)][oh·SH + kh − PT][ow·SW + kw − PL]
// Columns whose taps all lie inside the row take the vector path, L outputs per vector (stride 2:
// two loads and the even or odd lanes of the pair, deinterleaved in registers); the columns next to
// the left and right padding take the scalar path. Where the row stride equals the column stride, two
// output rows inside the input share their input rows' loads. An output is computed the same way
// whichever rows a call is given, so any split of the rows between threads gives the same bits.
// In WebAssembly, 3 × 3 at stride 2 both ways runs its own kernel (dwconv2d_3x3s2_rows): every pair of
// output rows from its 5 input rows in place, the rows outside the image read as zeros, each vector
// of outputs loading two vectors per input row.
// Named by data type, operation, strides and instruction set: dwconv2d_f32_s2__wasmsimd.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct Dwconv2dArgs {
  const float* x = nullptr;    // input, N × C × H × W
  const float* w = nullptr;    // M × KH × KW
  const float* bias = nullptr; // M
  float* y = nullptr;          // output, N × M × OH × OW
  int64_t C = 1, H = 1, W = 1, M = 1, OH = 1, OW = 1, KH = 1, KW = 1, SH = 1, SW = 1;
  int64_t PT = 0, PL = 0; // padding above and left (below and right follow from OH, OW)
};

using Dwconv2dRowsKernel = void (*)(const Dwconv2dArgs& args, int64_t plane, int64_t oh0, int64_t oh1);

// By horizontal stride (1 or 2; SH is any) and kernel: [stride − 1][0] any KH × KW, [stride − 1][1] 3 × 3.
struct Dwconv2dKernels {
  Dwconv2dRowsKernel rows[2][2] = {};
  const char* names[2][2] = {};
};

Dwconv2dKernels dwconv2d_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Dwconv2dKernels dwconv2d_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Dwconv2dKernels dwconv2d_f32_kernels__sse2();
Dwconv2dKernels dwconv2d_f32_kernels__avx2fma();
#endif

} // namespace convplay::kernels
