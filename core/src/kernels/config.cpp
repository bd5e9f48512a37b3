#include "config.h"

namespace convplay::kernels {
namespace {

// What this machine can run, asked once.
struct Cpu {
  bool avx512f = false, avx2fma = false;
};
const Cpu& cpu() {
  static const Cpu c = [] {
    Cpu r;
#if !defined(__wasm__) && (defined(__x86_64__) || defined(__i386__))
    r.avx512f = __builtin_cpu_supports("avx512f");
    r.avx2fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return r;
  }();
  return c;
}

} // namespace

const std::vector<IsaKernels<Conv2dDirectKernels>>& conv2d_direct_config() {
  static const auto list = [] {
    std::vector<IsaKernels<Conv2dDirectKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, conv2d_direct_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx512f) v.push_back({"avx512f", 16, conv2d_direct_f32_kernels__avx512f()});
    if (cpu().avx2fma) v.push_back({"avx2fma", 8, conv2d_direct_f32_kernels__avx2fma()});
    v.push_back({"sse2", 4, conv2d_direct_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, conv2d_direct_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<GemmKernels>>& gemm_config() {
  static const auto list = [] {
    std::vector<IsaKernels<GemmKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, gemm_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx512f) v.push_back({"avx512f", 16, gemm_f32_kernels__avx512f()});
    if (cpu().avx2fma) v.push_back({"avx2fma", 8, gemm_f32_kernels__avx2fma()});
    v.push_back({"sse2", 4, gemm_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, gemm_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<Conv2dWgradKernels>>& conv2d_wgrad_config() {
  static const auto list = [] {
    std::vector<IsaKernels<Conv2dWgradKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, conv2d_wgrad_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx512f) v.push_back({"avx512f", 16, conv2d_wgrad_f32_kernels__avx512f()});
    if (cpu().avx2fma) v.push_back({"avx2fma", 8, conv2d_wgrad_f32_kernels__avx2fma()});
    v.push_back({"sse2", 4, conv2d_wgrad_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, conv2d_wgrad_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<Conv2dDgradKernels>>& conv2d_dgrad_config() {
  static const auto list = [] {
    std::vector<IsaKernels<Conv2dDgradKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, conv2d_dgrad_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx2fma) v.push_back({"avx2fma", 8, conv2d_dgrad_f32_kernels__avx2fma()});
    v.push_back({"sse2", 4, conv2d_dgrad_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, conv2d_dgrad_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<Pool2dKernels>>& pool2d_config() {
  static const auto list = [] {
    std::vector<IsaKernels<Pool2dKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, pool2d_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    v.push_back({"sse2", 4, pool2d_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, pool2d_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<Dwconv2dKernels>>& dwconv2d_config() {
  static const auto list = [] {
    std::vector<IsaKernels<Dwconv2dKernels>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, dwconv2d_f32_kernels__wasmsimd()});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx2fma) v.push_back({"avx2fma", 8, dwconv2d_f32_kernels__avx2fma()});
    v.push_back({"sse2", 4, dwconv2d_f32_kernels__sse2()});
#endif
    v.push_back({"scalar", 1, dwconv2d_f32_kernels__scalar()});
    return v;
  }();
  return list;
}

const std::vector<IsaKernels<WinogradTransforms>>& winograd_config() {
  static const auto list = [] {
    std::vector<IsaKernels<WinogradTransforms>> v;
#if defined(__wasm_simd128__)
    v.push_back({"wasmsimd", 4, {winograd_f23_f32_kernels__wasmsimd(), winograd_f43_f32_kernels__wasmsimd()}});
#elif defined(__x86_64__) || defined(__i386__)
    if (cpu().avx2fma)
      v.push_back({"avx2fma", 8, {winograd_f23_f32_kernels__avx2fma(), winograd_f43_f32_kernels__avx2fma()}});
    v.push_back({"sse2", 4, {winograd_f23_f32_kernels__sse2(), winograd_f43_f32_kernels__sse2()}});
#endif
    v.push_back({"scalar", 1, {winograd_f23_f32_kernels__scalar(), winograd_f43_f32_kernels__scalar()}});
    return v;
  }();
  return list;
}

} // namespace convplay::kernels
