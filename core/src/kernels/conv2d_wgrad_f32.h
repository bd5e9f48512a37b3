// Weight-gradient micro-kernels of a stride-1 convolution (float32), the direct form without im2col,
// for layers with few filters (LeNet-5's 6 and 16), where packing im2col costs more than the product.
//
// With the input image padded to rows of Wp floats (zero border; the C planes of Hp·Wp floats one
// after another) and the output gradient stored at the same row pitch (zero in columns OW..Wp-1 and
// past the last row), tap j = (c, kh, kw) of filter m is a dot product of two contiguous runs:
//   gw[m][j] = Σ_q gy[m][q] · x[off[j] + q],   off[j] = c·Hp·Wp + kh·Wp + kw,   q in [0, Q)
// where Q ≥ OH·Wp is a multiple of the vector width L. One call adds one image's products to the
// S::L-wide partial sums, sums[(m·J + j)·L + lane] += Σ over q ≡ lane (mod L), q in order; the caller
// adds the lanes in order after its chunk's last image. The order is fixed by the shapes: the same
// bits on any thread. Register tile: MB filters × JB taps (the ragged edges recompute the last
// filter or tap and store only their own).
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct Conv2dWgradArgs {
  const float* gy = nullptr;     // M rows of Q floats
  const float* x = nullptr;      // the padded image, readable up to x[off[j] + Q - 1] for every tap j
  const int64_t* off = nullptr;  // J tap offsets
  float* sums = nullptr;         // M × J × L partial sums
  int64_t M = 0, J = 0, Q = 0;   // filters, taps per filter (C·KH·KW), floats per gradient row
};
using Conv2dWgradKernel = void (*)(const Conv2dWgradArgs& args);

struct Conv2dWgradTile {
  Conv2dWgradKernel run = nullptr;
  int mb = 1, jb = 1; // filters × taps
  const char* name = "";
};
struct Conv2dWgradKernels {
  Conv2dWgradTile tiles[2];
  int count = 0;
};

// One set per instruction set (file = suffix); kernels/config.h lists the ones this machine has.
Conv2dWgradKernels conv2d_wgrad_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Conv2dWgradKernels conv2d_wgrad_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Conv2dWgradKernels conv2d_wgrad_f32_kernels__sse2();
Conv2dWgradKernels conv2d_wgrad_f32_kernels__avx2fma();
Conv2dWgradKernels conv2d_wgrad_f32_kernels__avx512f();
#endif

} // namespace convplay::kernels
