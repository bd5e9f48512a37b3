// One SIMD wrapper per instruction set, so a kernel is written once against load / splat / madd /
// store (all also add / bit_and, for col2im's lane masks; all but AVX-512 also sub / mul /
// store_interleaved and transpose4 or store_transposed4, for the Winograd transforms and the
// channel-vectorised tiles (AVX2 store_columns for the latter); the 4-wide sets also set1 / gather / even / odd / even_of_7 / pseudo_max / any_nan, for
// pooling, and sqrt, for the optimiser; AVX2 even / odd, for the depthwise stride-2 kernels;
// WebAssembly shift_in, for its depthwise 3×3 stride-2 kernel; AVX-512 store_masked and transpose16, for its
// channel-vectorised tiles, and store_stream / fence_streams, for outputs far larger than the caches)
// and compiled per target (XNNPACK's approach). Each struct is a "vector of L floats".
//   SimdWasm    WebAssembly SIMD128 (-msimd128): mul + add (SIMD128 has no fused multiply-add)
//   SimdSse2    x86-64 baseline: mul + add
//   SimdAvx2Fma x86-64 with AVX2 + FMA (compiled only in files built with -mavx2 -mfma)
//   SimdAvx512  x86-64 with AVX-512F (compiled only in files built with -mavx512f)
//   SimdScalar  anything else, and a reference for the wrappers themselves
#pragma once
#include <cstdint>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace convplay::kernels {
// Internal linkage: these inline templates are compiled once per instruction set (files built with
// -mavx2/-mavx512f among them); with external linkage the linker could keep an AVX copy of a
// function that the SSE2 or scalar path also calls.
namespace {

struct SimdScalar {
  static constexpr int L = 1;
  static constexpr bool kPinAccumulators = false; // see SimdWasm
  using V = float;
  static V zero() { return 0.0f; }
  static V load(const float* p) { return *p; }
  static V splat(const float* p) { return *p; }
  static V madd(V acc, V a, V b) { return acc + a * b; }
  static void store(float* p, V v) { *p = v; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V bit_and(V a, V b) {
    uint32_t x, y;
    __builtin_memcpy(&x, &a, sizeof x);
    __builtin_memcpy(&y, &b, sizeof y);
    x &= y;
    __builtin_memcpy(&a, &x, sizeof x);
    return a;
  }
  static void store_interleaved(float* p, V even, V odd) { p[0] = even; p[1] = odd; }
  static void store_transposed4(float* p, V a, V b, V c, V d) { p[0] = a; p[1] = b; p[2] = c; p[3] = d; }
};

#if defined(__wasm_simd128__)
struct SimdWasm {
  static constexpr int L = 4;
  // V8 places arithmetic as late as it can, below loads it does not depend on: kernels whose unrolled
  // taps would then keep too many loaded values live store their accumulators after each tap.
  static constexpr bool kPinAccumulators = true;
  // The direct convolution's tiles instead keep their tap loops rolled, one tap per iteration, and
  // their accumulators in registers (conv2d_direct_f32.inl, roll_taps), faster than storing the
  // accumulators after every tap: the row tiles by 6–13 %, the channel-vectorised ones by about 22 % (README,
  // Short rows).
  static constexpr bool kRollTaps = true;
  using V = v128_t;
  static V zero() { return wasm_f32x4_splat(0.0f); }
  static V load(const float* p) { return wasm_v128_load(p); }
  static V splat(const float* p) { return wasm_v128_load32_splat(p); }
  static V madd(V acc, V a, V b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
  static void store(float* p, V v) { wasm_v128_store(p, v); }
  static V add(V a, V b) { return wasm_f32x4_add(a, b); }
  static V sub(V a, V b) { return wasm_f32x4_sub(a, b); }
  static V mul(V a, V b) { return wasm_f32x4_mul(a, b); }
  static V bit_and(V a, V b) { return wasm_v128_and(a, b); }
  // p[0..8) = even[0], odd[0], even[1], odd[1], ...
  static void store_interleaved(float* p, V even, V odd) {
    wasm_v128_store(p, wasm_i32x4_shuffle(even, odd, 0, 4, 1, 5));
    wasm_v128_store(p + 4, wasm_i32x4_shuffle(even, odd, 2, 6, 3, 7));
  }
  // Pooling: one value in every lane; p[0], p[s], p[2s], p[3s]; even and odd lanes of a, b.
  static V set1(float v) { return wasm_f32x4_splat(v); }
  static V gather(const float* p, int64_t s) { return wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]); }
  static V even(V a, V b) { return wasm_i32x4_shuffle(a, b, 0, 2, 4, 6); } // a0 a2 b0 b2
  static V odd(V a, V b) { return wasm_i32x4_shuffle(a, b, 1, 3, 5, 7); }  // a1 a3 b1 b3
  static V even_of_7(V a, V b) { return wasm_i32x4_shuffle(a, b, 0, 2, 5, 7); } // b loaded 3 floats after a
  static V shift_in(V a, V b) { return wasm_i32x4_shuffle(a, b, 1, 2, 3, 4); }  // a1 a2 a3 b0
  static V pseudo_max(V best, V v) { return wasm_f32x4_pmax(best, v); } // best < v ? v : best
  static bool any_nan(V v) { return wasm_v128_any_true(wasm_f32x4_ne(v, v)); }
  static V sqrt(V v) { return wasm_f32x4_sqrt(v); }
  // Rows a..d become the columns: a = {a0, b0, c0, d0}, ... (channel-vectorised tiles store NCHW).
  static void transpose4(V& a, V& b, V& c, V& d) {
    const V ab01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
    const V cd01 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), cd23 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    a = wasm_i32x4_shuffle(ab01, cd01, 0, 1, 4, 5);
    b = wasm_i32x4_shuffle(ab01, cd01, 2, 3, 6, 7);
    c = wasm_i32x4_shuffle(ab23, cd23, 0, 1, 4, 5);
    d = wasm_i32x4_shuffle(ab23, cd23, 2, 3, 6, 7);
  }
};
#endif

#if defined(__SSE2__)
struct SimdSse2 {
  static constexpr int L = 4;
  static constexpr bool kPinAccumulators = false;
  using V = __m128;
  static V zero() { return _mm_setzero_ps(); }
  static V load(const float* p) { return _mm_loadu_ps(p); }
  static V splat(const float* p) { return _mm_set1_ps(*p); }
  static V madd(V acc, V a, V b) { return _mm_add_ps(acc, _mm_mul_ps(a, b)); }
  static void store(float* p, V v) { _mm_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm_add_ps(a, b); }
  static V sub(V a, V b) { return _mm_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V bit_and(V a, V b) { return _mm_and_ps(a, b); }
  static void store_interleaved(float* p, V even, V odd) {
    _mm_storeu_ps(p, _mm_unpacklo_ps(even, odd));
    _mm_storeu_ps(p + 4, _mm_unpackhi_ps(even, odd));
  }
  static void transpose4(V& a, V& b, V& c, V& d) { _MM_TRANSPOSE4_PS(a, b, c, d); }
  static V set1(float v) { return _mm_set1_ps(v); }
  static V gather(const float* p, int64_t s) { return _mm_setr_ps(p[0], p[s], p[2 * s], p[3 * s]); }
  static V even(V a, V b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); }
  static V odd(V a, V b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)); }
  static V even_of_7(V a, V b) { return _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0)); }
  static V pseudo_max(V best, V v) { return _mm_max_ps(v, best); } // v > best ? v : best
  static bool any_nan(V v) { return _mm_movemask_ps(_mm_cmpunord_ps(v, v)) != 0; }
  static V sqrt(V v) { return _mm_sqrt_ps(v); }
};
#endif

#if defined(__AVX2__) && defined(__FMA__)
struct SimdAvx2Fma {
  static constexpr int L = 8;
  static constexpr bool kPinAccumulators = false;
  // The channel-vectorised tiles run one tap per iteration along a kernel row (conv2d_direct_f32.inl,
  // roll_pixel_taps): with the 5 taps of a K5 row unrolled, GCC 12 kept 2 to 7 of the 6 × 2 tile's 12
  // accumulators on the stack (CIFAR 3->64 K5).
  static constexpr bool kRollPixelTaps = true;
  using V = __m256;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V splat(const float* p) { return _mm256_broadcast_ss(p); }
  static V madd(V acc, V a, V b) { return _mm256_fmadd_ps(a, b, acc); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V bit_and(V a, V b) { return _mm256_and_ps(a, b); }
  // Even and odd lanes of a, b: a0 a2 a4 a6 b0 b2 b4 b6 (shuffled per 128-bit half, then the halves).
  static V even(V a, V b) {
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  static V odd(V a, V b) {
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  static void store_interleaved(float* p, V even, V odd) {
    const V lo = _mm256_unpacklo_ps(even, odd), hi = _mm256_unpackhi_ps(even, odd); // per 128-bit half
    _mm256_storeu_ps(p, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  // Rows r[0..P) of 8 channels (P = 6 or 8 pixels) become the columns: planes[j][p + i] = r[i][j]
  // for the channels j < channels (channel-vectorised tiles store NCHW). 4×4 transposes of rows 0..3
  // (4..7) within each 128-bit half; with P = 6 the pairs of rows 4 and 5 are stored as 64-bit halves.
  template <int P> static void store_columns(const V (&r)[P], float* const* planes, int64_t p, int channels) {
    static_assert(P == 6 || P == 8);
    __m128 four[2][8];
    auto transpose4x8 = [&](__m128(&out)[8], V a, V b, V c, V d) {
      const V t0 = _mm256_unpacklo_ps(a, b), t1 = _mm256_unpackhi_ps(a, b), t2 = _mm256_unpacklo_ps(c, d),
              t3 = _mm256_unpackhi_ps(c, d);
      const V q[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                      _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
      for (int j = 0; j < 4; ++j) {
        out[j] = _mm256_castps256_ps128(q[j]);
        out[j + 4] = _mm256_extractf128_ps(q[j], 1);
      }
    };
    transpose4x8(four[0], r[0], r[1], r[2], r[3]);
    if constexpr (P == 8) {
      transpose4x8(four[1], r[4], r[5], r[6], r[7]);
      for (int j = 0; j < 8; ++j)
        if (j < channels) _mm256_storeu_ps(planes[j] + p, _mm256_set_m128(four[1][j], four[0][j]));
    } else {
      // Channel pairs (2k, 2k + 1) of rows 4 and 5: the low and high 64 bits of two[k].
      const V t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      const __m128 two[4] = {_mm256_castps256_ps128(t4), _mm256_castps256_ps128(t5), _mm256_extractf128_ps(t4, 1),
                             _mm256_extractf128_ps(t5, 1)};
      for (int j = 0; j < 8; ++j) {
        if (j >= channels) break;
        float* const y = planes[j] + p;
        _mm_storeu_ps(y, four[0][j]);
        if (j % 2 == 0) _mm_storel_pi(reinterpret_cast<__m64*>(y + 4), two[j / 2]);
        else _mm_storeh_pi(reinterpret_cast<__m64*>(y + 4), two[j / 2]);
      }
    }
  }
  static void store_transposed4(float* p, V a, V b, V c, V d) {
    // 4×4 transposes within each 128-bit half, then the halves' rows in order.
    const V t0 = _mm256_unpacklo_ps(a, b), t1 = _mm256_unpackhi_ps(a, b), t2 = _mm256_unpacklo_ps(c, d),
            t3 = _mm256_unpackhi_ps(c, d);
    const V r0 = _mm256_shuffle_ps(t0, t2, 0x44), r1 = _mm256_shuffle_ps(t0, t2, 0xEE),
            r2 = _mm256_shuffle_ps(t1, t3, 0x44), r3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    _mm256_storeu_ps(p, _mm256_permute2f128_ps(r0, r1, 0x20));
    _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(r2, r3, 0x20));
    _mm256_storeu_ps(p + 16, _mm256_permute2f128_ps(r0, r1, 0x31));
    _mm256_storeu_ps(p + 24, _mm256_permute2f128_ps(r2, r3, 0x31));
  }
};
#endif

#if defined(__AVX512F__)
struct SimdAvx512 {
  static constexpr int L = 16;
  static constexpr bool kPinAccumulators = false;
  using V = __m512;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V splat(const float* p) { return _mm512_set1_ps(*p); }
  static V madd(V acc, V a, V b) { return _mm512_fmadd_ps(a, b, acc); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V bit_and(V a, V b) { // AVX-512F has no float and (that is AVX-512DQ's): the integer one
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
  }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static void store_stream(float* p, V v) { _mm512_stream_ps(p, v); } // p 64-byte aligned; past the caches
  static void fence_streams() { _mm_sfence(); }                         // streamed stores visible before what follows
  using Mask = __mmask16;
  static void store_masked(float* p, Mask k, V v) { _mm512_mask_storeu_ps(p, k, v); } // lanes in k only
  // Rows r[0..16) become the columns (channel-vectorised tiles store NCHW): 4×4 transposes in each
  // 128-bit block, then the blocks.
  static void transpose16(V (&r)[16]) {
    V t[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; ++i) {
      r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // r[4·i + j], block k: column 4·k + j of rows 4·i .. 4·i + 3.
    for (int j = 0; j < 4; ++j) {
      const V u0 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88), u1 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xDD);
      const V u2 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88), u3 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xDD);
      t[j] = _mm512_shuffle_f32x4(u0, u2, 0x88);
      t[4 + j] = _mm512_shuffle_f32x4(u1, u3, 0x88);
      t[8 + j] = _mm512_shuffle_f32x4(u0, u2, 0xDD);
      t[12 + j] = _mm512_shuffle_f32x4(u1, u3, 0xDD);
    }
    for (int i = 0; i < 16; ++i) r[i] = t[i];
  }
};
#endif

// p[4·i + k] = (a, b, c, d)[k][i]: four vectors of tiles as the columns of 4×4 blocks (the Winograd
// output). 4-wide sets transpose in registers; the scalar and AVX2 sets have their own.
template <class S>
inline void store_transposed4(float* p, typename S::V a, typename S::V b, typename S::V c, typename S::V d) {
  if constexpr (S::L == 4) {
    S::transpose4(a, b, c, d);
    S::store(p, a);
    S::store(p + 4, b);
    S::store(p + 8, c);
    S::store(p + 12, d);
  } else {
    S::store_transposed4(p, a, b, c, d);
  }
}

} // namespace
} // namespace convplay::kernels
