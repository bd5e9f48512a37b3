// 2-D max and average pooling micro-kernels (float32, NCHW, dilation 1). Allocation-free.
//
// One call computes output rows [oh0, oh1) of one plane p = n·C + c:
//   for oh in [oh0, oh1), ow in [0, OW):
//     max: y[p][oh][ow] = the taps x[p][ih][iw] of the window inside the input, folded in row-major
//          order by  best = (v > best || v is NaN) ? v : best  from −∞ (PyTorch's loop: the first
//          maximum wins, so the sign of a zero maximum is the first one's; any NaN gives NaN)
//     avg: y[p][oh][ow] = (Σ over the window's columns, left to right, of the column's taps summed top
//          to bottom, in float) · (1.0f / divisor)
// Every instruction set computes each output with the same operations, so all of them give the same
// bits (the SIMD max runs the fast pseudo-max and redoes a row whose taps held a NaN or ±∞ with the
// exact fold). Windows inside the input's width take the vector path (L outputs per vector); the
// columns whose windows are clipped by padding or ceil_mode take the scalar path.
// Named by data type, operation, tile and instruction set: pool2d_f32_max_k2s2__wasmsimd is max
// pooling with a 2×2 window and horizontal stride 2 in WebAssembly SIMD128.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct Pool2dArgs {
  const float* x = nullptr; // input, planes × H × W
  float* y = nullptr;       // output, planes × OH × OW
  int64_t H = 0, W = 0, OH = 0, OW = 0, KH = 1, KW = 1, SH = 1, SW = 1, PH = 0, PW = 0;
  bool count_include_pad = true;
  // Columns [ow_lo, ow_hi) have windows inside the input's width (vector loads there read no further
  // than the last output's last tap).
  int64_t ow_lo = 0, ow_hi = 0;
};

using Pool2dRowsKernel = void (*)(const Pool2dArgs& args, int64_t plane, int64_t oh0, int64_t oh1);

// The kernels of one operation: 2×2 windows with horizontal stride 2 (the common layer), any window
// with horizontal stride 1 or 2, and any window and stride (strided gathers).
enum Pool2dShapeClass { kPoolK2S2 = 0, kPoolS1 = 1, kPoolS2 = 2, kPoolAny = 3 };
struct Pool2dKernelSet {
  Pool2dRowsKernel rows[4] = {}; // by Pool2dShapeClass
  const char* names[4] = {};
};
struct Pool2dKernels {
  Pool2dKernelSet max, avg;
  int lanes = 1; // outputs per vector
};
inline Pool2dShapeClass pool2d_shape_class(int64_t KH, int64_t KW, int64_t SW) {
  return KH == 2 && KW == 2 && SW == 2 ? kPoolK2S2 : SW == 1 ? kPoolS1 : SW == 2 ? kPoolS2 : kPoolAny;
}

Pool2dKernels pool2d_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Pool2dKernels pool2d_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Pool2dKernels pool2d_f32_kernels__sse2();
#endif

} // namespace convplay::kernels
