// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F.
// 32 ZMM registers and fused multiply-add: 8 channels × 2 vectors of 16 = 16 FMA chains; on rows of
// 6 vectors or more (96 columns) 8 × 3 = 24 chains, 11 loads per 24 FMAs instead of 10 per 16 (on the
// Xeon at one thread, min of 6 × 15 samples under load: VGG conv1_1, 224 columns, 1.73 → 1.51 ms;
// MobileNet conv1, stride 2, 112 columns, 0.267 → 0.226).
// GCC 12 warns that the intrinsics' own "undefined" source vector (_mm512_undefined_ps, used by
// unmasked shuffles) may be (or, in the 10-pixel tile, is) uninitialised once the 16x16 transpose is
// unrolled into the pixel tiles.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "conv2d_direct_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 8, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 8, 3)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 6, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 4, 2)
CONVPLAY_DEFINE_CONV2D_ROW(avx512f, SimdAvx512, 1, 4)
// Channel-vectorised: 14 pixels × 2 vectors of 16 channels (32 or more filters; 28 accumulators + 2
// weight vectors + the splat), 10 × 1 for 16 (LeNet conv2's 16 filters: its 10 × 10 outputs are 10
// whole tiles of 10, where a 12 × 1 tile recomputed 8 pixels in an overlapping last tile; s2 at one
// thread on the Zen 4 EPYC 0.00462 → 0.00430 ms, min of 1000 runs, 3 alternations); stored through
// a 16×16 transpose. CIFAR 3->64 (28 columns) at one thread, ms: on the loaded 2-core EPYC of
// 2026-12-02 (min of 40 samples) 12 × 2 0.0315, 14 × 2 0.0318, 6 × 4 0.0326, 8 × 2 0.0410, 8×2 row
// tiles 0.0412; on the Zen 4 EPYC (min of 300-400 single runs, 6 alternations, load average 12-17)
// 14 × 2 0.0690-0.0692, 12 × 2 0.0696-0.0699: 784 pixels are 56 tiles of 14, where 12 × 2
// recomputes 8 pixels in an overlapping last tile and transposes 12 of 16 rows.
// Speed 0.75 (as the 8 × 2 had): higher, it would take wide rows from the row tiles too (VGG conv1_1,
// 224 columns: 0.84 ms in 8×2 row tiles, 2.2 in 8 × 2 pixel tiles, whose stores reach 64 planes).
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 10, 1)
CONVPLAY_DEFINE_CONV2D_PIXELS(avx512f, SimdAvx512, 14, 2)
namespace convplay::kernels {
Conv2dDirectKernels conv2d_direct_f32_kernels__avx512f() {
  return {{CONVPLAY_CONV2D_TILE(avx512f, 8, 2, 1.0), CONVPLAY_CONV2D_TILE(avx512f, 6, 2, 0.95),
           CONVPLAY_CONV2D_TILE(avx512f, 4, 2, 0.8), CONVPLAY_CONV2D_TILE(avx512f, 1, 4, 0.4),
           CONVPLAY_CONV2D_WIDE_TILE(avx512f, 8, 3, 1.1, 6)}, 5,
          {CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 14, 2, 16, 0.75), CONVPLAY_CONV2D_PIXEL_TILE(avx512f, 10, 1, 16, 0.7)}, 2};
}
} // namespace convplay::kernels
#endif
