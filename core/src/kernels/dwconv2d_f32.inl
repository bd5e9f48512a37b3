// The body of the depthwise kernels, written once against simd.h and instantiated in
// dwconv2d_f32__<isa>.cpp. See dwconv2d_f32.h for what a call computes.
#pragma once
#include "dwconv2d_f32.h"
#include "simd.h"

#include <algorithm>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

// Columns ow·SC + kw .. of L outputs whose first tap is p[0]: stride 1 one load; stride 2 the even
// lanes of two loads from p + kw (kw even) or the odd lanes of two loads from p + kw − 1 (kw odd),
// so taps kw and kw + 1 share their loads.
template <class S, int SC> inline typename S::V dwconv2d_tap(const float* p, int64_t kw) {
  if constexpr (SC == 1 || S::L == 1) {
    return S::load(p + kw);
  } else {
    if (kw % 2 == 0) return S::even(S::load(p + kw), S::load(p + kw + S::L));
    return S::odd(S::load(p + kw - 1), S::load(p + kw - 1 + S::L));
  }
}

// Floats an edge vector's copied rows hold: larger kernels take the scalar path at the edges.
constexpr int64_t kDwconv2dEdgeFloats = 256;

// Output rows [oh0, oh1) of plane q (dwconv2d_f32.h); horizontal stride SC, kernel KC × KC (0: any),
// NB vectors of outputs per step of the vector path.
template <class S, int SC, int KC, int NB>
void dwconv2d_rows(const Dwconv2dArgs& a, int64_t q, int64_t oh0, int64_t oh1) {
  using V = typename S::V;
  constexpr int64_t L = S::L;
  const int64_t KH = KC > 0 ? KC : a.KH, KW = KC > 0 ? KC : a.KW, W = a.W;
  const int64_t m = q % a.M, n = q / a.M;
  const float* xp = a.x + (n * a.C + m / (a.M / a.C)) * a.H * W;
  const float* wp = a.w + m * KH * KW;
  const float* bias = a.bias + m;
  float* yp = a.y + q * a.OH * a.OW;
  // Vector columns: the first whose taps start inside the row, up to the last whose loads end inside
  // it (reach: the floats a vector's loads span past its first output's first tap, less one).
  const int64_t ow_lo = (a.PL + SC - 1) / SC;
  const int64_t reach = SC == 1 ? L - 1 + KW - 1 : (KW - 1) / 2 * 2 + 2 * L - 1;
  const int64_t room = W - 1 + a.PL - reach; // a vector may start at ow with ow·SC ≤ room
  const int64_t ow_last = room < 0 ? -1 : std::min(room / SC, a.OW - L); // last vector start
  float edge[kDwconv2dEdgeFloats];
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    const int64_t ih0 = oh * a.SH - a.PT;
    const int64_t kh0 = std::max<int64_t>(0, -ih0), kh1 = std::min(KH, a.H - ih0);
    float* yr = yp + oh * a.OW;
    // One output, its taps clipped to the input.
    auto scalar = [&](int64_t ow) {
      const int64_t iw0 = ow * SC - a.PL;
      const int64_t kw0 = std::max<int64_t>(0, -iw0), kw1 = std::min(KW, W - iw0);
      float acc = *bias;
      for (int64_t kh = kh0; kh < kh1; ++kh) {
        const float* xr = xp + (ih0 + kh) * W + iw0;
        for (int64_t kw = kw0; kw < kw1; ++kw) acc += xr[kw] * wp[kh * KW + kw];
      }
      yr[ow] = acc;
    };
    // NBV vectors of outputs from column ow, kernel row kh's taps from x0 + (kh − kh0)·stride.
    auto vectors = [&]<int NBV>(int64_t ow, const float* x0, int64_t stride) {
      V acc[NBV];
      for (int j = 0; j < NBV; ++j) acc[j] = S::splat(bias);
      for (int64_t kh = kh0; kh < kh1; ++kh) {
        const float* xr = x0 + (kh - kh0) * stride;
        for (int64_t kw = 0; kw < KW; ++kw) {
          const V wv = S::splat(wp + kh * KW + kw);
          for (int j = 0; j < NBV; ++j) acc[j] = S::madd(acc[j], dwconv2d_tap<S, SC>(xr + j * L * SC, kw), wv);
        }
      }
      for (int j = 0; j < NBV; ++j) S::store(yr + ow + j * L, acc[j]);
    };
    const float* x_top = xp + (ih0 + kh0) * W - a.PL; // kernel row kh0 at output column 0
    // A vector at the edge: its input columns copied, kernel row after kernel row, with zeros for the
    // padding (0 · w adds nothing), so an output it shares with an inside vector gets the same bits.
    const int64_t span = reach + 1, pitch = (span + L - 1) / L * L; // floats used, floats per row
    auto at_edge = [&](int64_t ow) {
      const int64_t c0 = ow * SC - a.PL; // edge[r·span + i] is column c0 + i, inside the row for i in [lo, hi)
      const int64_t lo = std::clamp<int64_t>(-c0, 0, span), hi = std::clamp<int64_t>(W - c0, lo, span);
      // Whole vectors (no library calls for these few floats): zeros, then the inside columns, the
      // last vector of them overlapping the one before.
      for (int64_t r = 0; r < kh1 - kh0; ++r) {
        float* e = edge + r * pitch;
        const float* xr = xp + (ih0 + kh0 + r) * W + c0;
        for (int64_t i = 0; i < span; i += L) S::store(e + i, S::zero());
        if (hi - lo >= L) {
          for (int64_t i = lo; i + L <= hi; i += L) S::store(e + i, S::load(xr + i));
          S::store(e + hi - L, S::load(xr + hi - L));
        } else {
          for (int64_t i = lo; i < hi; ++i) e[i] = xr[i];
        }
      }
      vectors.template operator()<1>(ow, edge, pitch);
    };
    int64_t ow = 0;
    if (a.OW < L || KH * ((reach + L) / L * L) > kDwconv2dEdgeFloats) { // rows narrower than a vector, or very large kernels
      for (; ow < std::min(ow_lo, a.OW); ++ow) scalar(ow);
      for (; ow + (NB - 1) * L <= ow_last; ow += NB * L) vectors.template operator()<NB>(ow, x_top + ow * SC, W);
      for (; ow <= ow_last; ow += L) vectors.template operator()<1>(ow, x_top + ow * SC, W);
      for (; ow < a.OW; ++ow) scalar(ow);
      continue;
    }
    for (; ow < ow_lo; ow += L) at_edge(std::min(ow, a.OW - L));
    for (; ow + (NB - 1) * L <= ow_last; ow += NB * L) vectors.template operator()<NB>(ow, x_top + ow * SC, W);
    for (; ow <= ow_last; ow += L) vectors.template operator()<1>(ow, x_top + ow * SC, W);
    for (; ow < a.OW; ow += L) at_edge(std::min(ow, a.OW - L));
  }
}

} // namespace
} // namespace convplay::kernels

// The kernel set of one instruction set: strides 1 and 2, any kernel and 3 × 3, NB vectors per step.
#define CONVPLAY_DEFINE_DWCONV2D(isa, Simd, NB)                                                          \
  namespace convplay::kernels {                                                                        \
  Dwconv2dKernels dwconv2d_f32_kernels__##isa() {                                                     \
    Dwconv2dKernels k;                                                                                 \
    k.rows[0][0] = dwconv2d_rows<Simd, 1, 0, NB>;                                                      \
    k.rows[0][1] = dwconv2d_rows<Simd, 1, 3, NB>;                                                      \
    k.rows[1][0] = dwconv2d_rows<Simd, 2, 0, NB>;                                                      \
    k.rows[1][1] = dwconv2d_rows<Simd, 2, 3, NB>;                                                      \
    k.names[0][0] = "dwconv2d_f32_s1__" #isa;                                                          \
    k.names[0][1] = "dwconv2d_f32_3x3s1__" #isa;                                                       \
    k.names[1][0] = "dwconv2d_f32_s2__" #isa;                                                          \
    k.names[1][1] = "dwconv2d_f32_3x3s2__" #isa;                                                       \
    return k;                                                                                          \
  }                                                                                                    \
  }
