// Input-gradient micro-kernels of a stride-1 convolution (float32): col2im without scattering.
//
// The GEMM wᵀ·GY gives, for input channel c, one row of P = OH·OW floats per tap (kh, kw): the tap's
// contribution at each output pixel. The input gradient is their sum under each input pixel:
//   gx[ih][iw] = Σ_{kh, kw in order} cols[(kh·KW + kw)·ld + (ih + pt − kh)·OW + (iw + pl − kw)]  (ld ≥ P)
// over the taps whose output pixel (ih + pt − kh, iw + pl − kw) lies in the output. One call writes
// one channel's H × W plane, a vector of input columns at a time, the sum in registers: each tap's
// row is loaded at the vector's shifted position and the lanes whose output column lies outside the
// output (or past W) are cleared with a mask (bitwise, so whatever the lanes held is dropped). A row's
// last vector ends at W, overlapping the one before with the same values; rows narrower than a vector
// are stored lane by lane (or with a masked store). The order of the terms is fixed by the shapes:
// the same bits on any thread.
#pragma once
#include <algorithm>
#include <cstdint>

namespace convplay::kernels {

struct Conv2dDgradArgs {
  const float* cols = nullptr;  // KH·KW rows of P floats, readable W + pl + L floats past the last (the
                                // masked lanes' loads)
  const float* masks = nullptr; // blocks × KW vectors of lane masks (all bits set or clear), from conv2d_dgrad_masks
  float* gx = nullptr;          // H × W
  int64_t H = 0, W = 0, OH = 0, OW = 0, KH = 0, KW = 0, pt = 0, pl = 0;
  int64_t ld = 0; // floats from one tap's row of cols to the next (0: P; more where images lie side by side)
};
using Conv2dDgradKernel = void (*)(const Conv2dDgradArgs& args);

struct Conv2dDgradKernels {
  Conv2dDgradKernel run = nullptr;
  const char* name = "";
};

// The vectors of L input columns a row is written in: their first columns (a multiple of L, the last
// one W − L when W ≥ L; one vector from 0 when W < L).
inline int64_t conv2d_dgrad_blocks(int64_t W, int64_t L) { return W < L ? 1 : (W + L - 1) / L; }
inline int64_t conv2d_dgrad_block_start(int64_t b, int64_t W, int64_t L) {
  return W < L ? 0 : std::min(b * L, W - L);
}
// masks[(b·KW + kw)·L + l]: all bits set where input column iw = start(b) + l < W has output column
// iw + pl − kw in [0, OW). blocks(W, L) · KW · L floats.
inline void conv2d_dgrad_masks(int64_t W, int64_t OW, int64_t KW, int64_t pl, int64_t L, float* masks) {
  const uint32_t ones = 0xFFFFFFFFu, none = 0;
  for (int64_t b = 0; b < conv2d_dgrad_blocks(W, L); ++b)
    for (int64_t kw = 0; kw < KW; ++kw)
      for (int64_t l = 0; l < L; ++l) {
        const int64_t iw = conv2d_dgrad_block_start(b, W, L) + l, ow = iw + pl - kw;
        const uint32_t bits = iw < W && ow >= 0 && ow < OW ? ones : none;
        __builtin_memcpy(masks + (b * KW + kw) * L + l, &bits, sizeof bits);
      }
}

// One per instruction set (file = suffix); kernels/config.h lists the ones this machine has.
Conv2dDgradKernels conv2d_dgrad_f32_kernels__scalar();
#if defined(__wasm_simd128__)
Conv2dDgradKernels conv2d_dgrad_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
Conv2dDgradKernels conv2d_dgrad_f32_kernels__sse2();
Conv2dDgradKernels conv2d_dgrad_f32_kernels__avx2fma();
Conv2dDgradKernels conv2d_dgrad_f32_kernels__avx512f();
#endif

} // namespace convplay::kernels
