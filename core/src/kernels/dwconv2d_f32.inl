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

// Floats of the copied input columns of an edge vector, for a band of input rows (at least KH rows:
// larger kernels take the scalar path at the edges).
constexpr int64_t kDwconv2dEdgeFloats = 1024;

// Output rows [oh0, oh1) of plane q (dwconv2d_f32.h); horizontal stride SC, kernel KC × KC (0: any),
// NB vectors of outputs per step of the vector path for one row, NP for two.
// Where the row stride equals SC, two output rows whose taps lie inside the input vertically are
// computed together: each of their KH + SC input rows is loaded (and deinterleaved) once and feeds both
// rows' accumulators. Each output still sums bias, then kh, then kw in order, as one row alone does.
template <class S, int SC, int KC, int NB, int NP>
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
  const int64_t span = reach + 1, pitch = (span + L - 1) / L * L; // an edge vector's floats used, per row
  const bool narrow = a.OW < L || KH * pitch > kDwconv2dEdgeFloats; // no edge vectors
  float edge[kDwconv2dEdgeFloats];

  // One output row: its kernel rows [kh0, kh1) inside the input, from input row ih0 + kh0.
  struct Row {
    int64_t ih0, kh0, kh1;
    float* y;
    const float* x_top; // kernel row kh0 at output column 0
  };
  auto row_at = [&](int64_t oh) {
    const int64_t ih0 = oh * a.SH - a.PT;
    const int64_t kh0 = std::max<int64_t>(0, -ih0), kh1 = std::min(KH, a.H - ih0);
    return Row{ih0, kh0, kh1, yp + oh * a.OW, xp + (ih0 + kh0) * W - a.PL};
  };
  // One output, its taps clipped to the input.
  auto scalar = [&](const Row& r, int64_t ow) {
    const int64_t iw0 = ow * SC - a.PL;
    const int64_t kw0 = std::max<int64_t>(0, -iw0), kw1 = std::min(KW, W - iw0);
    float acc = *bias;
    for (int64_t kh = r.kh0; kh < r.kh1; ++kh) {
      const float* xr = xp + (r.ih0 + kh) * W + iw0;
      for (int64_t kw = kw0; kw < kw1; ++kw) acc += xr[kw] * wp[kh * KW + kw];
    }
    r.y[ow] = acc;
  };
  // NBV vectors of outputs from column ow, kernel row kh's taps from x0 + (kh − kh0)·stride.
  auto vectors = [&]<int NBV>(const Row& r, int64_t ow, const float* x0, int64_t stride) {
    V acc[NBV];
    for (int j = 0; j < NBV; ++j) acc[j] = S::splat(bias);
    for (int64_t kh = r.kh0; kh < r.kh1; ++kh) {
      const float* xr = x0 + (kh - r.kh0) * stride;
      for (int64_t kw = 0; kw < KW; ++kw) {
        const V wv = S::splat(wp + kh * KW + kw);
        for (int j = 0; j < NBV; ++j) acc[j] = S::madd(acc[j], dwconv2d_tap<S, SC>(xr + j * L * SC, kw), wv);
      }
    }
    for (int j = 0; j < NBV; ++j) S::store(r.y + ow + j * L, acc[j]);
  };
  // NBV vectors of outputs from column ow in two rows inside the input, the first's kernel row 0 at x0:
  // input row i is kernel row i of the first output row and i − SC of the second.
  auto vector_pairs = [&]<int NBV>(float* y0, float* y1, int64_t ow, const float* x0) {
    V acc0[NBV], acc1[NBV];
    for (int j = 0; j < NBV; ++j) acc0[j] = acc1[j] = S::splat(bias);
    for (int64_t i = 0; i < KH + SC; ++i) {
      const float* xr = x0 + i * W;
      for (int64_t kw = 0; kw < KW; ++kw) {
        V t[NBV];
        for (int j = 0; j < NBV; ++j) t[j] = dwconv2d_tap<S, SC>(xr + j * L * SC, kw);
        if (i < KH) {
          const V wv = S::splat(wp + i * KW + kw);
          for (int j = 0; j < NBV; ++j) acc0[j] = S::madd(acc0[j], t[j], wv);
        }
        if (i >= SC) {
          const V wv = S::splat(wp + (i - SC) * KW + kw);
          for (int j = 0; j < NBV; ++j) acc1[j] = S::madd(acc1[j], t[j], wv);
        }
      }
    }
    for (int j = 0; j < NBV; ++j) S::store(y0 + ow + j * L, acc0[j]);
    for (int j = 0; j < NBV; ++j) S::store(y1 + ow + j * L, acc1[j]);
  };
  // The first vector column after the left edge vectors, and the first after the inside vectors.
  const int64_t ow_in = ow_lo <= 0 ? 0 : (ow_lo + L - 1) / L * L;
  int64_t ow_end = ow_in;
  while (ow_end + (NB - 1) * L <= ow_last) ow_end += NB * L;
  while (ow_end <= ow_last) ow_end += L;
  // An edge vector's input columns c0 + [0, span) of one input row xr into e, with zeros for the
  // padding (0 · w adds nothing, so an output it shares with an inside vector gets the same bits): whole
  // vectors (no library calls for these few floats), zeros, then the inside columns [lo, hi), the last
  // vector of them overlapping the one before.
  auto copy_edge_row = [&](float* e, const float* xr, int64_t lo, int64_t hi) {
    for (int64_t i = 0; i < span; i += L) S::store(e + i, S::zero());
    if (hi - lo >= L) {
      for (int64_t i = lo; i + L <= hi; i += L) S::store(e + i, S::load(xr + i));
      S::store(e + hi - L, S::load(xr + hi - L));
    } else {
      for (int64_t i = lo; i < hi; ++i) e[i] = xr[i];
    }
  };
  // The edge vector at column ow of one output row: its kernel rows copied, then computed.
  auto at_edge = [&](const Row& r, int64_t ow) {
    const int64_t c0 = ow * SC - a.PL; // edge[k·pitch + i] is column c0 + i, inside the row for i in [lo, hi)
    const int64_t lo = std::clamp<int64_t>(-c0, 0, span), hi = std::clamp<int64_t>(W - c0, lo, span);
    for (int64_t k = 0; k < r.kh1 - r.kh0; ++k) copy_edge_row(edge + k * pitch, xp + (r.ih0 + r.kh0 + k) * W + c0, lo, hi);
    vectors.template operator()<1>(r, ow, edge, pitch);
  };
  // The edge vector at column ow of output rows [oha, ohb): each input row copied once, then the rows
  // computed. Copying a band of rows before any of them is read lets the stores retire first (loads
  // straddling two recent stores stall).
  const int64_t band_rows = kDwconv2dEdgeFloats / pitch; // input rows per band (≥ KH unless narrow)
  auto edge_vectors = [&](int64_t ow, int64_t oha, int64_t ohb) {
    const int64_t c0 = ow * SC - a.PL;
    const int64_t lo = std::clamp<int64_t>(-c0, 0, span), hi = std::clamp<int64_t>(W - c0, lo, span);
    const int64_t ia = std::max<int64_t>(0, oha * a.SH - a.PT), ib = std::min(a.H, (ohb - 1) * a.SH - a.PT + KH);
    for (int64_t k = 0; k < ib - ia; ++k) copy_edge_row(edge + k * pitch, xp + (ia + k) * W + c0, lo, hi);
    for (int64_t oh = oha; oh < ohb; ++oh) {
      const Row r = row_at(oh);
      const float* x0 = r.kh1 > r.kh0 ? edge + (r.ih0 + r.kh0 - ia) * pitch : edge; // (no taps: the bias)
      vectors.template operator()<1>(r, ow, x0, pitch);
    }
  };
  // At column stride 1, output rows in bands of 8 (fewer where their input rows would not fit the edge
  // buffer), the band's edge vectors after its inside vectors (its input rows still in L1): in
  // WebAssembly 64×56² 0.29 -> 0.23 ms, 32→64×112² 0.93 -> 0.86 (medians under load) against each row's
  // edge vectors on their own. At stride 2 that measured slower (64×112²: 0.41 -> 0.51): row by row.
  const int64_t band = std::clamp<int64_t>((band_rows - KH) / a.SH + 1, 1, 8);
  auto inside = [&](int64_t oh) { return oh * a.SH - a.PT >= 0 && oh * a.SH - a.PT + KH <= a.H; };
  if (narrow) { // rows narrower than a vector, or very large kernels
    for (int64_t oh = oh0; oh < oh1; ++oh) {
      const Row r = row_at(oh);
      int64_t ow = 0;
      for (; ow < std::min(ow_lo, a.OW); ++ow) scalar(r, ow);
      for (; ow + (NB - 1) * L <= ow_last; ow += NB * L) vectors.template operator()<NB>(r, ow, r.x_top + ow * SC, W);
      for (; ow <= ow_last; ow += L) vectors.template operator()<1>(r, ow, r.x_top + ow * SC, W);
      for (; ow < a.OW; ++ow) scalar(r, ow);
    }
    return;
  }
  // Output rows [oha, ohb): pairs where both rows lie inside the input, else one row at a time.
  auto inside_vectors = [&](int64_t oha, int64_t ohb, auto&& row_edges) {
    for (int64_t oh = oha; oh < ohb; ++oh) {
      const Row r = row_at(oh);
      row_edges(r);
      if constexpr (NP > 0) {
        if (a.SH == SC && oh + 1 < ohb && inside(oh) && inside(oh + 1)) {
          const Row r1 = row_at(oh + 1);
          row_edges(r1);
          int64_t ow = ow_in;
          for (; ow + (NP - 1) * L <= ow_last; ow += NP * L) vector_pairs.template operator()<NP>(r.y, r1.y, ow, r.x_top + ow * SC);
          for (; ow <= ow_last; ow += L) vector_pairs.template operator()<1>(r.y, r1.y, ow, r.x_top + ow * SC);
          ++oh;
          continue;
        }
      }
      int64_t ow = ow_in;
      for (; ow + (NB - 1) * L <= ow_last; ow += NB * L) vectors.template operator()<NB>(r, ow, r.x_top + ow * SC, W);
      for (; ow <= ow_last; ow += L) vectors.template operator()<1>(r, ow, r.x_top + ow * SC, W);
    }
  };
  if constexpr (SC == 2) {
    inside_vectors(oh0, oh1, [&](const Row& r) {
      for (int64_t ow = 0; ow < ow_lo; ow += L) at_edge(r, std::min(ow, a.OW - L));
      for (int64_t ow = ow_end; ow < a.OW; ow += L) at_edge(r, std::min(ow, a.OW - L));
    });
  } else {
    for (int64_t oha = oh0; oha < oh1; oha += band) {
      const int64_t ohb = std::min(oh1, oha + band);
      inside_vectors(oha, ohb, [](const Row&) {});
      for (int64_t ow = 0; ow < ow_lo; ow += L) edge_vectors(std::min(ow, a.OW - L), oha, ohb);
      for (int64_t ow = ow_end; ow < a.OW; ow += L) edge_vectors(std::min(ow, a.OW - L), oha, ohb);
    }
  }
}

// Input rows up to this wide take dwconv2d_3x3s2_rows (its rows above and below the image point at
// this many zeros); wider ones take dwconv2d_rows.
constexpr int64_t kDwconv2dZeroRowFloats = 4096;

// 3 × 3 at stride 2 both ways, for wrappers with shift_in (WebAssembly), output rows [oh0, oh1) of
// plane q (dwconv2d_f32.h). A pass computes R = 2 output rows (1 for the last of an odd count) from
// its 2·R + 1 input rows, read in place through one pointer each: input row i is kernel row i − 2·r
// of output row oh + r, and rows above or below the image point at zeros, so the rows next to the
// top and bottom padding take the vector path too (the generic kernel copies edge vectors there).
// A vector of L outputs from column ow reads, per input row, from column c = 2·ow − PL: A = [c, c + L)
// and B = [c + L, c + 2·L); taps kw = 0 and 1 are the even and odd lanes of A, B, tap 2 the even lanes
// shifted by one lane with column c + 2·L in the last (shift_in): the next vector's A, or for the last
// vector of a step that column alone (a zero past the row: the right padding). A step computes NP
// vectors (then single ones), so a vector loads two vectors and 1 / NP of a float per input row where
// the generic kernel loads four vectors. The columns before the first vector and after the last take
// the scalar path (taps outside the row skipped).
// Each output sums bias, then kh, then kw, whichever pass and step compute it: the same bits for any
// split of the rows.
template <class S, int NP> void dwconv2d_3x3s2_rows(const Dwconv2dArgs& a, int64_t q, int64_t oh0, int64_t oh1) {
  static_assert(NP >= 1);
  using V = typename S::V;
  constexpr int64_t L = S::L;
  static const float zeros[kDwconv2dZeroRowFloats] = {};
  const int64_t W = a.W, OW = a.OW, PL = a.PL;
  const int64_t m = q % a.M, n = q / a.M;
  const float* xp = a.x + (n * a.C + m / (a.M / a.C)) * a.H * W;
  const float* wp = a.w + m * 9;
  const float* bias = a.bias + m;
  float* yp = a.y + q * a.OH * OW;
  // Vector steps start at ow_v0 (the first whose column c is inside the row) and at most at ow_last
  // (the last whose A and B end inside it and whose L outputs exist).
  const int64_t ow_v0 = (PL + 1) / 2, room = W - 2 * L + PL;
  const int64_t ow_last = room < 0 ? -1 : std::min(room / 2, OW - L);
  const bool vectors = ow_last >= ow_v0;
  const int64_t scalar_left = vectors ? ow_v0 : OW, scalar_right = vectors ? ow_last + L : OW;

  auto pass = [&]<int R>(int64_t oh) {
    constexpr int I = 2 * R + 1;
    const float* x[I];
    for (int i = 0; i < I; ++i) {
      const int64_t ih = 2 * oh - a.PT + i;
      x[i] = ih >= 0 && ih < a.H ? xp + ih * W : zeros;
    }
    float* y[R];
    for (int r = 0; r < R; ++r) y[r] = yp + (oh + r) * OW;
    // NV vectors from column ow: per input row NV pairs A, B, and column c + 2·NV·L alone for the
    // last tap 2 (a zero past the row).
    auto step = [&]<int NV>(int64_t ow) {
      const int64_t c = 2 * ow - PL, cn = c + 2 * NV * L;
      V acc[R][NV];
      for (int r = 0; r < R; ++r)
        for (int j = 0; j < NV; ++j) acc[r][j] = S::splat(bias);
      for (int i = 0; i < I; ++i) {
        V t[NV][3];
        for (int j = 0; j < NV; ++j) {
          const V a0 = S::load(x[i] + c + 2 * j * L), b = S::load(x[i] + c + 2 * j * L + L);
          t[j][0] = S::even(a0, b);
          t[j][1] = S::odd(a0, b);
          if (j > 0) t[j - 1][2] = S::shift_in(t[j - 1][0], a0);
        }
        t[NV - 1][2] = S::shift_in(t[NV - 1][0], cn < W ? S::splat(x[i] + cn) : S::zero());
        for (int r = 0; r < R; ++r) {
          const int kh = i - 2 * r;
          if (kh < 0 || kh > 2) continue;
          for (int kw = 0; kw < 3; ++kw) {
            const V wv = S::splat(wp + kh * 3 + kw);
            for (int j = 0; j < NV; ++j) acc[r][j] = S::madd(acc[r][j], t[j][kw], wv);
          }
        }
      }
      for (int r = 0; r < R; ++r)
        for (int j = 0; j < NV; ++j) S::store(y[r] + ow + j * L, acc[r][j]);
    };
    if (vectors) {
      int64_t ow = ow_v0;
      for (; ow + (NP - 1) * L <= ow_last; ow += NP * L) step.template operator()<NP>(ow);
      for (; ow <= ow_last; ow += L) step.template operator()<1>(ow);
      if (ow < ow_last + L) step.template operator()<1>(ow_last); // over outputs already computed
    }
    auto scalar = [&](int64_t ow) {
      const int64_t c = 2 * ow - PL, kw0 = std::max<int64_t>(0, -c), kw1 = std::min<int64_t>(3, W - c);
      for (int r = 0; r < R; ++r) {
        float acc = *bias;
        for (int kh = 0; kh < 3; ++kh)
          for (int64_t kw = kw0; kw < kw1; ++kw) acc += x[2 * r + kh][c + kw] * wp[kh * 3 + kw];
        y[r][ow] = acc;
      }
    };
    for (int64_t ow = 0; ow < scalar_left; ++ow) scalar(ow);
    for (int64_t ow = scalar_right; ow < OW; ++ow) scalar(ow);
  };
  int64_t oh = oh0;
  for (; oh + 1 < oh1; oh += 2) pass.template operator()<2>(oh);
  if (oh < oh1) pass.template operator()<1>(oh);
}

// The 3 × 3 column-stride-2 entry: dwconv2d_3x3s2_rows (two vectors per step: one per step measured
// no faster than the generic kernel) where the wrapper has shift_in, the row stride is 2 and the rows
// fit the zero row, else the generic kernel.
template <class S, int NB, int NP> void dwconv2d_3x3s2(const Dwconv2dArgs& a, int64_t q, int64_t oh0, int64_t oh1) {
  if constexpr (requires(typename S::V v) { S::shift_in(v, v); }) {
    if (a.SH == 2 && a.W <= kDwconv2dZeroRowFloats) return dwconv2d_3x3s2_rows<S, 2>(a, q, oh0, oh1);
  }
  dwconv2d_rows<S, 2, 3, NB, NP>(a, q, oh0, oh1);
}

} // namespace
} // namespace convplay::kernels

// The kernel set of one instruction set: strides 1 and 2, any kernel and 3 × 3, NB vectors per step of
// one row, NP of two rows (0: one row at a time).
#define CONVPLAY_DEFINE_DWCONV2D(isa, Simd, NB, NP)                                                    \
  namespace convplay::kernels {                                                                        \
  Dwconv2dKernels dwconv2d_f32_kernels__##isa() {                                                      \
    Dwconv2dKernels k;                                                                                 \
    k.rows[0][0] = dwconv2d_rows<Simd, 1, 0, NB, NP>;                                                  \
    k.rows[0][1] = dwconv2d_rows<Simd, 1, 3, NB, NP>;                                                  \
    k.rows[1][0] = dwconv2d_rows<Simd, 2, 0, NB, NP>;                                                  \
    k.rows[1][1] = dwconv2d_3x3s2<Simd, NB, NP>;                                                       \
    k.names[0][0] = "dwconv2d_f32_s1__" #isa;                                                          \
    k.names[0][1] = "dwconv2d_f32_3x3s1__" #isa;                                                       \
    k.names[1][0] = "dwconv2d_f32_s2__" #isa;                                                          \
    k.names[1][1] = "dwconv2d_f32_3x3s2__" #isa;                                                       \
    return k;                                                                                          \
  }                                                                                                    \
  }
