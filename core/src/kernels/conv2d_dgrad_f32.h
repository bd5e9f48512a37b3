// Input-gradient micro-kernels of a stride-1 convolution (float32): a direct transposed convolution
// with the images of a group in the vector lanes.
//
//   gx[n][c][ih][iw] = Σ_{kh, kw, m in order} w[m][c][kh][kw] · gy[n][m][ih + pt − kh][iw + pl − kw]
// over the taps whose output pixel (ih + pt − kh, iw + pl − kw) lies in the output. With the
// kDgradImages images of a group side by side in the lanes, every multiply-add is useful (no masked
// lanes at the image's edges, no tap outside the output), the operands stay in place (no GEMM output
// to store and reread) and one kernel call writes a row of a block of CB channels:
//   gy  pixel (oh, ow) at ((oh·OW + OW − 1 − ow)·M + m)·G floats: a row's pixels right to left, so
//       that for one kh the taps kw and filters m of an input pixel are one run of consecutive G-float
//       vectors ((kw·M + m)·G on from the pixel of its first tap);
//   w   tap (kh, kw), filter m at ((kh·KW + kw)·M + m)·CB + c: the same run, CB floats per step;
//   gx  the row's pixel iw, channel c at (iw·CB + c)·G.
// Each element is one chain of multiply-adds from zero in the order above, fixed by its position: the
// same bits for any image, group or thread.
#pragma once
#include <cstdint>

namespace convplay::kernels {

inline constexpr int64_t kDgradImages = 8; // images per group (the lanes of one or more vectors)

struct Conv2dDgradArgs {
  const float* gy = nullptr; // OH·OW·M·kDgradImages floats, laid out as above
  const float* w = nullptr;  // KH·KW·M·CB floats
  float* gx = nullptr;       // W·CB·kDgradImages floats: input row ih
  int64_t ih = 0, W = 0, OH = 0, OW = 0, KH = 0, KW = 0, M = 0, pt = 0, pl = 0;
};
using Conv2dDgradKernel = void (*)(const Conv2dDgradArgs& args);

inline constexpr int kDgradMaxChannels = 6; // the widest channel block of any instruction set

struct Conv2dDgradKernels {
  Conv2dDgradKernel run[kDgradMaxChannels] = {}; // run[CB − 1]: a block of CB channels
  int max_channels = 1;                          // CB ≤ this: the blocks whose accumulators fit the registers
  const char* name = "";
};

// One per instruction set (file = suffix); kernels/config.h lists the ones this machine has.
Conv2dDgradKernels conv2d_dgrad_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Conv2dDgradKernels conv2d_dgrad_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Conv2dDgradKernels conv2d_dgrad_f32_kernels__sse2();
Conv2dDgradKernels conv2d_dgrad_f32_kernels__avx2fma();
#endif

} // namespace convplay::kernels
