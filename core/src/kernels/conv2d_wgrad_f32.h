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
//
// The filter-vectorised form, for layers whose filters fill the vectors better than the padded rows
// do (LeNet-5's conv2: 16 filters, output rows of 10 at a pitch of 14): the output gradient
// transposed to one run of MP floats per output pixel (M rounded up to the vector width, zero past
// M), so that a vector holds filters and every lane is a filter's own sum, the pixels in order:
//   sums[j·MP + m] += Σ_{oh, ow} gyt[(oh·OW + ow)·MP + m] · x[off[j] + oh·Wp + ow]
// The image needs no padded tail (only the output's own pixels are read) and no padding at all
// where the layer has none. Register tile: MV vectors of filters × JB taps, each input value
// splatted; or, where the JB taps are consecutive in one kernel row (KW a multiple of JB: tap k+1
// of pixel ow reads the value tap k reads at pixel ow + 1), a window of JB splatted values slid along
// the image row, one splat per pixel for all JB taps. Both sum each lane's pixels in the same order:
// the same bits.
//
// The transposed gradient is made by a kernel too: gyt[p·MP + m] = gy[m·P + p] for m < M, zero for
// M ≤ m < MP (4×4 blocks transposed in registers where the set has 4-wide vectors).
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

struct Conv2dWgradFilterArgs {
  const float* gyt = nullptr;    // OH·OW pixels of MP floats
  const float* x = nullptr;      // the image in rows of Wp floats (C planes, padded where the layer pads)
  const int64_t* off = nullptr;  // J tap offsets, as above
  float* sums = nullptr;         // J × MP sums
  int64_t MP = 0, J = 0, OH = 0, OW = 0, Wp = 0; // floats per pixel (a multiple of L), taps, output size, pitch
};
using Conv2dWgradFilterKernel = void (*)(const Conv2dWgradFilterArgs& args);

struct Conv2dWgradTile {
  Conv2dWgradKernel run = nullptr;
  int mb = 1, jb = 1; // filters × taps
  const char* name = "";
};
struct Conv2dWgradFilterTile {
  Conv2dWgradFilterKernel run = nullptr;
  int mv = 1, jb = 1;  // vectors of filters × taps
  bool window = false; // the jb taps of a kernel row, one splat per pixel (only where KW % jb == 0)
  const char* name = "";
};
// gy: M planes of P floats; gyt: P pixels of MP floats (MP ≥ M).
using Conv2dWgradTransposeKernel = void (*)(const float* gy, int64_t M, int64_t P, int64_t MP, float* gyt);
struct Conv2dWgradKernels {
  Conv2dWgradTile tiles[2];
  int count = 0;
  Conv2dWgradFilterTile filter_tiles[5];
  int filter_count = 0;
  Conv2dWgradTransposeKernel transpose = nullptr;
  int load_cost = 1; // a vector load or splat, in multiply-adds (for the choice of tile)
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
