// Direct 2-D convolution micro-kernels (float32, NCHW, any stride, dilation 1, one group per call).
//
// The convolution is an implicit GEMM: row (c, kh, kw) of the im2col matrix for output row oh is,
// with stride 1, the contiguous slice x[c][oh + kh][kw : kw + OW] of the padded input, so the kernel
// reads it in place. With column stride SW the plan stores each padded row as SW phases (columns
// p, p + SW, p + 2·SW, ... in phase p), so column ow·SW + kw is at phase kw % SW, index ow + kw / SW:
// again contiguous in ow, at the per-tap offset kw_offset[kw]. Row stride SH: input row oh·SH + kh.
// One call computes one output row oh for a block of MB output channels of one group:
//   for m in block, for ow in [0, OW):
//     y[n][m][oh][ow] = bias[m] + sum over c, kh, kw (in that order) of w[m][c][kh][kw] * x[n][c][oh·SH+kh][ow·SW+kw]
// Register tile: MB channels × NB vectors of output columns; the summation order is fixed, so the
// result does not depend on how rows are split between threads.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct Conv2dDirectArgs {
  const float* x = nullptr;          // padded input of the group: channel c, row r of image n at x + n·x_image + (c·Hp + r)·Wp
  const float* w = nullptr;          // packed weights of the group: blocks × (C·KH·KW) × MB, zero rows past M
  const float* bias = nullptr;       // packed bias of the group: blocks × MB (zeros where the layer has none)
  float* y = nullptr;                // output of the group: filter m, row oh of image n at y + n·y_image + (m·OH + oh)·OW
  const int64_t* kw_offset = nullptr; // KW entries: where tap kw's slice starts in a row (kw when SW = 1)
  int64_t C = 0, Hp = 0, Wp = 0, M = 0, KH = 0, KW = 0, OH = 0, OW = 0; // C, M: of one group; Wp: row pitch
  int64_t SH = 1;                    // row stride
  int64_t x_image = 0, y_image = 0;  // floats per image of the whole input and output (all groups)
  bool prefetch_output = false;      // row kernels: each tile first prefetches the output vectors of the tile after it
};

using Conv2dRowKernel = void (*)(const Conv2dDirectArgs& args, int64_t n, int64_t block, int64_t oh);
// The channel-vectorised form (XNNPACK's igemm tile): output pixels p = oh·OW + ow in [p0, p1) of
// image n, for a block of MB output channels; a register tile holds P pixels × MV vectors of S::L
// channels, the packed weights of a tap are loaded as vectors and each input value is splatted. The
// pixels run on across output rows, so any output width fills the tile (LeNet's 10 columns fill a
// 2-vector row tile only 10/12). Same layout of the packed weights (blocks × taps × MB, MB = MV·L),
// same summation order as the row kernels. A range shorter than P (a layer of fewer pixels) stores
// only its own pixels; a longer range ends with a tile overlapping its last P pixels.
using Conv2dPixelKernel = void (*)(const Conv2dDirectArgs& args, int64_t n, int64_t block, int64_t p0, int64_t p1);

// The row kernels of one instruction set: a few register tiles (MB channels × NB vectors) with their
// relative speed per channel (measured on the bench shapes); the plan picks, for a layer of M filters,
// the tile that wastes least: the smallest ceil(M/MB)·MB / speed, among the tiles whose min_vectors
// the rows reach (Winograd's products: tiles of min_vectors 0 only). The single-channel tile (MB = 1,
// wide) serves layers with fewer filters, e.g. one image and one kernel. Named by data type,
// operation, tile and instruction set; the file is conv2d_direct_f32__<isa>.cpp.
struct Conv2dDirectTile {
  Conv2dRowKernel rows[5] = {};         // column stride 1, for kernel widths 1, 3, 5, 7, and any (kernel_width_index)
  Conv2dRowKernel strided_rows[5] = {}; // the same for column strides > 1 (reads at kw_offset)
  int mb = 1;
  double speed = 1.0;
  const char* name = "";         // of the stride-1 kernels
  const char* strided_name = ""; // of the strided ones
  int nb = 1;                    // vectors of columns (a row's last vectors run in narrower tiles)
  int64_t min_vectors = 0;       // taken only for rows of at least this many vectors (a wide tile's narrower tail tiles cost more on short rows)
};
inline int kernel_width_index(int64_t KW) { return KW == 1 ? 0 : KW == 3 ? 1 : KW == 5 ? 2 : KW == 7 ? 3 : 4; }
// A channel-vectorised tile: P pixels × MB channels.
struct Conv2dPixelTile {
  Conv2dPixelKernel pixels[5] = {};         // column stride 1, per kernel_width_index
  Conv2dPixelKernel strided_pixels[5] = {}; // column strides > 1
  int mb = 1;
  int p = 1;
  double speed = 1.0; // per channel, on the scale of the row tiles of the same instruction set
  const char* name = "";
  const char* strided_name = "";
};
struct Conv2dDirectKernels {
  Conv2dDirectTile tiles[5];
  int count = 0;
  Conv2dPixelTile pixel_tiles[2]; // none (pixel_count 0) where the row tiles are always better
  int pixel_count = 0;
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
