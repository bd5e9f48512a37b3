// The one place that knows which instruction sets this build and this CPU have, and which kernels every
// operator runs on each (as XNNPACK's config does): fixed at compile time in WebAssembly (SIMD128 or
// none), asked of the CPU once at run time on x86-64 (AVX-512F, AVX2 + FMA; SSE2 is part of x86-64).
// Each list is best first and ends with the scalar reference; operators pick from their list by name
// ("" = the first that suits the layer) and never test the CPU themselves.
#pragma once
#include "conv2d_dgrad_f32.h"
#include "conv2d_direct_f32.h"
#include "conv2d_wgrad_f32.h"
#include "dwconv2d_f32.h"
#include "gemm_f32.h"
#include "pool2d_f32.h"
#include "winograd_f32.h"

#include <string_view>
#include <vector>

namespace convplay::kernels {

template <class Kernels> struct IsaKernels {
  const char* isa; // "wasmsimd", "avx512f", "avx2fma", "sse2", "scalar"
  int lanes;       // floats per vector
  Kernels kernels;
};

const std::vector<IsaKernels<Conv2dDirectKernels>>& conv2d_direct_config(); // avx512f, avx2fma, sse2 | wasmsimd; scalar
const std::vector<IsaKernels<GemmKernels>>& gemm_config();                  // avx512f, avx2fma, sse2 | wasmsimd; scalar
const std::vector<IsaKernels<Conv2dWgradKernels>>& conv2d_wgrad_config();   // avx512f, avx2fma, sse2 | wasmsimd; scalar
const std::vector<IsaKernels<Conv2dDgradKernels>>& conv2d_dgrad_config();   // avx2fma, sse2 | wasmsimd; scalar
const std::vector<IsaKernels<Pool2dKernels>>& pool2d_config();              // sse2 | wasmsimd; scalar
const std::vector<IsaKernels<Dwconv2dKernels>>& dwconv2d_config();         // avx2fma, sse2 | wasmsimd; scalar

struct WinogradTransforms {
  WinogradKernels f23, f43; // F(2×2, 3×3) and F(4×4, 3×3)
};
const std::vector<IsaKernels<WinogradTransforms>>& winograd_config(); // avx2fma, sse2 | wasmsimd; scalar

// The entry named `isa` in a list, or the list's best when `isa` is "" or a set the list does not
// have (e.g. Winograd's transforms for AVX-512 products are AVX2's).
template <class Kernels>
const IsaKernels<Kernels>& isa_or_best(const std::vector<IsaKernels<Kernels>>& list, std::string_view isa) {
  for (const auto& k : list)
    if (isa == k.isa) return k;
  return list.front();
}

} // namespace convplay::kernels
