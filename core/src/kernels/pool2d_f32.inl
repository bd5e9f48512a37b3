// The body of the pooling kernels, written once against a small per-instruction-set wrapper and
// instantiated in pool2d_f32__<isa>.cpp. See pool2d_f32.h for what a call computes.
//
// Summation and comparison order (the same in every instruction set, so they all give the same bits):
//   max: each window row's taps folded left to right, then the row results top to bottom, by
//        fold(best, v) = (v > best || v is NaN) ? v : best — exact PyTorch semantics; the order of a
//        "first maximum wins, last NaN wins" fold may be grouped freely as long as taps stay in order.
//        The SIMD path uses the one-instruction pseudo-max (v > best ? v : best), equal to the fold
//        for numbers, and sums the taps on the side: a NaN (or ±∞) in the sum sends the row to the
//        exact scalar fold, so NaN propagates as in the reference.
//   avg: each window column summed top to bottom in float, the column sums left to right, times
//        1.0f / divisor (columns first: a stride-2 window deinterleaves its rows' sum once).
#pragma once
#include "pool2d_f32.h"
#include "simd.h"

#include <algorithm>

namespace convplay::kernels {
// Internal linkage, as simd.h: one copy per instruction-set file.
namespace {

inline float pool2d_max_fold(float best, float v) { return v > best || v != v ? v : best; }

// One output by the exact scalar fold: the window of column ow over input rows [hs, he) (clipped),
// hpad = the window's height clipped to the padded input (count_include_pad's divisor).
template <bool kMax>
inline float pool2d_window_scalar(const Pool2dArgs& a, const float* xp, int64_t hs, int64_t he, int64_t hpad, int64_t ow) {
  const int64_t w0 = ow * a.SW - a.PW;
  const int64_t ws = std::max<int64_t>(w0, 0), we = std::min(w0 + a.KW, a.W);
  float acc = 0.0f; // the first row's (avg: column's) result; max: as the fold from −∞ would give
  if constexpr (kMax) {
    for (int64_t ih = hs; ih < he; ++ih) {
      const float* q = xp + ih * a.W;
      float r = q[ws];
      for (int64_t iw = ws + 1; iw < we; ++iw) r = pool2d_max_fold(r, q[iw]);
      acc = ih == hs ? r : pool2d_max_fold(acc, r);
    }
    return acc;
  }
  for (int64_t iw = ws; iw < we; ++iw) {
    float c = xp[hs * a.W + iw];
    for (int64_t ih = hs + 1; ih < he; ++ih) c += xp[ih * a.W + iw];
    acc = iw == ws ? c : acc + c;
  }
  const int64_t wpad = std::min(w0 + a.KW, a.W + a.PW) - w0;
  const int64_t divisor = a.count_include_pad ? hpad * wpad : (he - hs) * (we - ws);
  return acc * (1.0f / static_cast<float>(divisor));
}

// L outputs whose windows start at p (top-left tap of the first output), in NR rows (0: nr) of KWC
// taps (0: kw), horizontal stride SC (1, 2; 0: sw, gathered). seen += the taps (max only).
// Max folds each row, then the rows; avg sums the rows first (a load is the sum of the window's rows
// at that place: one deinterleave for all of them), then the columns.
template <class P, bool kMax, int SC, int NR, int KWC>
inline typename P::V pool2d_window_vec(const float* p, int64_t W, int64_t nr, int64_t kw, int64_t sw, typename P::V& seen) {
  using V = typename P::V;
  const int64_t rows = NR > 0 ? NR : nr, KW = KWC > 0 ? KWC : kw;
  const int64_t stacked = kMax ? 1 : rows; // rows each load sums
  auto op = [](V a, V b) { return kMax ? P::pseudo_max(a, b) : P::add(a, b); };
  auto load = [&](const float* q) {
    V v = P::load(q);
    for (int64_t i = 1; i < stacked; ++i) v = P::add(v, P::load(q + i * W));
    return v;
  };
  auto gather = [&](const float* q) {
    V v = P::gather(q, sw);
    for (int64_t i = 1; i < stacked; ++i) v = P::add(v, P::gather(q + i * W, sw));
    return v;
  };
  auto row = [&](const float* q) {
    if constexpr (SC == 2) {
      // Two taps per pair of loads: even lanes are tap k, odd lanes tap k + 1; an odd width's last
      // tap alone, from loads that end at its last float.
      auto pair = [&](int64_t k, V& e, V& o) {
        const V v0 = load(q + k), v1 = load(q + k + 4);
        e = P::even(v0, v1);
        o = P::odd(v0, v1);
        if constexpr (kMax) seen = P::add(seen, P::add(v0, v1));
      };
      auto last = [&](int64_t k) {
        const V e = P::even_of_7(load(q + k), load(q + k + 3));
        if constexpr (kMax) seen = P::add(seen, e);
        return e;
      };
      if (KW == 1) return last(0);
      V e, o;
      pair(0, e, o);
      V r = op(e, o);
      int64_t k = 2;
      for (; k + 1 < KW; k += 2) {
        pair(k, e, o);
        r = op(op(r, e), o);
      }
      return k < KW ? op(r, last(k)) : r;
    } else {
      auto tap = [&](int64_t k) {
        const V t = SC == 1 ? load(q + k) : gather(q + k);
        if constexpr (kMax) seen = P::add(seen, t);
        return t;
      };
      V r = tap(0);
      for (int64_t k = 1; k < KW; ++k) r = op(r, tap(k));
      return r;
    }
  };
  V acc = row(p);
  for (int64_t i = stacked; i < rows; ++i) acc = op(acc, row(p + i * W));
  return acc;
}

// Columns [ow_lo, ow_hi) of one output row by vectors (the last one overlapping the previous, with the
// same values); returns true when a tap was NaN or ±∞ (max: the row must be redone exactly).
template <class P, bool kMax, int SC, int NR, int KWC>
inline bool pool2d_vector_cols(const Pool2dArgs& a, const float* xr, float* yr, int64_t nr, float scale) {
  using V = typename P::V;
  constexpr int L = P::L;
  const V vscale = P::set1(scale);
  V seen = P::set1(0.0f);
  // Locals, not a's fields, in the loop: the stores through yr could alias them as far as the
  // compiler knows, and WebAssembly would reload them for every vector.
  const int64_t W = a.W, KW = a.KW, SW = a.SW;
  auto one = [&](const float* p, float* y) {
    V r = pool2d_window_vec<P, kMax, SC, NR, KWC>(p, W, nr, KW, SW, seen);
    if constexpr (!kMax) r = P::mul(r, vscale);
    P::store(y, r);
  };
  const float* p = xr + a.ow_lo * SW - a.PW;
  float* y = yr + a.ow_lo;
  const int64_t vectors = (a.ow_hi - a.ow_lo) / L;
  for (int64_t v = 0; v < vectors; ++v, p += L * SW, y += L) one(p, y);
  if (vectors * L < a.ow_hi - a.ow_lo) one(xr + (a.ow_hi - L) * SW - a.PW, yr + a.ow_hi - L);
  return kMax && P::any_nan(seen);
}

template <class P, bool kMax, int SC, int KC>
inline void pool2d_rows(const Pool2dArgs& a, int64_t plane, int64_t oh0, int64_t oh1) {
  const float* xp = a.x + plane * a.H * a.W;
  float* yp = a.y + plane * a.OH * a.OW;
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    const int64_t h0 = oh * a.SH - a.PH;
    const int64_t hs = std::max<int64_t>(h0, 0), he = std::min(h0 + a.KH, a.H);
    const int64_t hpad = std::min(h0 + a.KH, a.H + a.PH) - h0;
    float* yr = yp + oh * a.OW;
    auto scalar = [&](int64_t from, int64_t to) { // usually empty: checked before the call
      for (int64_t ow = from; ow < to; ++ow) yr[ow] = pool2d_window_scalar<kMax>(a, xp, hs, he, hpad, ow);
    };
    int64_t from = 0; // columns before this are written
    if constexpr (P::L > 1) {
      if (a.ow_hi - a.ow_lo >= P::L) {
        if (a.ow_lo > 0) scalar(0, a.ow_lo);
        const int64_t nr = he - hs;
        const float scale = 1.0f / static_cast<float>((a.count_include_pad ? hpad : nr) * a.KW);
        const float* xr = xp + hs * a.W;
        bool redo = false;
        if constexpr (KC == 2) {
          if (nr == 2) redo = pool2d_vector_cols<P, kMax, SC, 2, 2>(a, xr, yr, nr, scale);
          else redo = pool2d_vector_cols<P, kMax, SC, 0, 2>(a, xr, yr, nr, scale);
        } else {
          redo = pool2d_vector_cols<P, kMax, SC, 0, 0>(a, xr, yr, nr, scale);
        }
        if (redo) scalar(a.ow_lo, a.ow_hi);
        from = a.ow_hi;
      }
    }
    if (from < a.OW) scalar(from, a.OW);
  }
}

} // namespace
} // namespace convplay::kernels

// Defines pool2d_f32_<op>_<class>__<isa> for wrapper P (the shape classes of pool2d_f32.h) and the
// table pool2d_f32_kernels__<isa>(). Separate small functions (WebAssembly tiers each up on its own).
#define CONVPLAY_POOL2D_ROWS(op, kmax, cls, SC, KC, isa, P)                                                   \
  void pool2d_f32_##op##_##cls##__##isa(const Pool2dArgs& a, int64_t p, int64_t oh0, int64_t oh1) {         \
    pool2d_rows<P, kmax, SC, KC>(a, p, oh0, oh1);                                                           \
  }
#define CONVPLAY_POOL2D_SET(op, isa)                                                                          \
  Pool2dKernelSet {                                                                                         \
    {pool2d_f32_##op##_k2s2__##isa, pool2d_f32_##op##_s1__##isa, pool2d_f32_##op##_s2__##isa,               \
     pool2d_f32_##op##_any__##isa},                                                                         \
    {"pool2d_f32_" #op "_k2s2__" #isa, "pool2d_f32_" #op "_s1__" #isa, "pool2d_f32_" #op "_s2__" #isa,      \
     "pool2d_f32_" #op "_any__" #isa}                                                                       \
  }
#define CONVPLAY_DEFINE_POOL2D(isa, P)                                                                        \
  namespace convplay::kernels {                                                                             \
  CONVPLAY_POOL2D_ROWS(max, true, k2s2, 2, 2, isa, P)                                                       \
  CONVPLAY_POOL2D_ROWS(max, true, s1, 1, 0, isa, P)                                                         \
  CONVPLAY_POOL2D_ROWS(max, true, s2, 2, 0, isa, P)                                                         \
  CONVPLAY_POOL2D_ROWS(max, true, any, 0, 0, isa, P)                                                        \
  CONVPLAY_POOL2D_ROWS(avg, false, k2s2, 2, 2, isa, P)                                                      \
  CONVPLAY_POOL2D_ROWS(avg, false, s1, 1, 0, isa, P)                                                        \
  CONVPLAY_POOL2D_ROWS(avg, false, s2, 2, 0, isa, P)                                                        \
  CONVPLAY_POOL2D_ROWS(avg, false, any, 0, 0, isa, P)                                                       \
  Pool2dKernels pool2d_f32_kernels__##isa() { return {CONVPLAY_POOL2D_SET(max, isa), CONVPLAY_POOL2D_SET(avg, isa), P::L}; } \
  }
