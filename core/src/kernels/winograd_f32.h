// Winograd F(2×2, 3×3) and F(4×4, 3×3) transforms (float32, NCHW, stride 1, dilation 1). Allocation-free.
//
// A 3×3 convolution computes each 2×2 output tile from a 4×4 input tile d (rows 2·ty .. 2·ty+3,
// columns 2·tx .. 2·tx+3 of the padded input) as  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A  with
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1]
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). Summed over channels, the
// ⊙ becomes 16 matrix products, one per position ξ = 4·i + j of the 4×4 tile: M_ξ = U_ξ (M × C) · V_ξ
// (C × tiles), done by the direct kernel as 1×1 convolutions. 16 multiply-adds per channel and tile
// instead of 36: 2.25× fewer. The transforms below only add and subtract (and G halves), so the
// result differs from direct summation by rounding only, and is the same whatever the threads.
//
// F(4×4, 3×3) is the same with 6×6 input tiles, 36 positions and
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1],
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]:
// 36 multiply-adds per channel for 16 outputs instead of 144 (4×), at the price of larger transforms
// and more rounding (the weights' sixths are not exact in float, and the transforms scale by up to 8):
// measured largest absolute errors on inputs and weights in [−1, 1] are 2e-5 with 4 channels, 1.1e-4
// with 64 and 6e-4 with 256 (F(2×2, 3×3): a few times the direct sum's).
//
// Input: the padded input holds each row as r phases of `phase` floats (F(r×r, 3×3): column p, p + r,
// p + 2r, ... in phase p), so column r·tx + j of a tile is phase j % r, index tx + j / r: contiguous
// in tx, and a vector of L tiles is one plain load per column. Output: tiles come out as one vector
// per output column, interleaved (r = 2) or transposed (r = 4) on the store.
// The scalar instantiation is the reference; every instruction set computes the same operations in
// the same order, so all give the same bits.
#pragma once
#include <cstdint>

namespace convplay::kernels {

struct WinogradInputArgs {
  const float* x = nullptr; // padded input of one image: row r of channel c starts at x + c·plane + r·pitch
  int64_t plane = 0, pitch = 0, phase = 0, C = 0; // odd columns at + phase
  float* v = nullptr;       // V_ξ[c][col] at v + ξ·xi_stride + c·ld + col
  int64_t ld = 0, xi_stride = 0;
};
// Transforms tiles (ty, tx0 .. tx0 + count) of every channel into columns col0 .. col0 + count of V.
// (ξ = α·i + j for row i and column j of the α×α transformed tile, α = r + 2.)
using WinogradInputKernel = void (*)(const WinogradInputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0);

struct WinogradOutputArgs {
  const float* m = nullptr;    // M_ξ[k][col] at m + ξ·xi_stride + k·ld + col
  const float* bias = nullptr; // M values
  float* y = nullptr;          // output of one image: row r of channel k at y + (k·OH + r)·OW
  int64_t M = 0, OH = 0, OW = 0, ld = 0, xi_stride = 0;
};
// Transforms columns col0 .. col0 + count of M back into output tiles (ty, tx0 .. tx0 + count), every
// channel, adding the bias; rows and columns past OH, OW are not written.
using WinogradOutputKernel = void (*)(const WinogradOutputArgs& a, int64_t ty, int64_t tx0, int64_t count, int64_t col0);

struct WinogradKernels {
  WinogradInputKernel input = nullptr;
  WinogradOutputKernel output = nullptr;
  const char* name = "";
};

// U = G g Gᵀ for one 3×3 filter g (row-major), (r + 2)² values in ξ order; r = 2 or 4. Computed in
// double, rounded once.
void winograd_weights(int r, const float* g, float* u);

WinogradKernels winograd_f23_f32_kernels__scalar();
WinogradKernels winograd_f43_f32_kernels__scalar();
#if defined(__wasm_simd128__)
WinogradKernels winograd_f23_f32_kernels__wasmsimd();
WinogradKernels winograd_f43_f32_kernels__wasmsimd();
#endif
#if defined(__x86_64__) || defined(__i386__)
WinogradKernels winograd_f23_f32_kernels__sse2();
WinogradKernels winograd_f43_f32_kernels__sse2();
WinogradKernels winograd_f23_f32_kernels__avx2fma();
WinogradKernels winograd_f43_f32_kernels__avx2fma();
#endif

} // namespace convplay::kernels
