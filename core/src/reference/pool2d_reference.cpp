// Max and average pooling, forward and backward, loop for loop as PyTorch's CPU kernels
// (window bounds, tie-breaking, NaN, divisors), so indices and values agree exactly.
#include "reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace convplay::reference {
namespace {
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
} // namespace

void max_pool2d_reference(const Pool2dGeometry& g, const float* x, float* y, int64_t* indices) {
  for (int64_t p = 0; p < g.N * g.C; ++p) {
    const float* plane = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        int64_t h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
        const int64_t h1 = std::min(h0 + (g.KH - 1) * g.DH + 1, g.H), w1 = std::min(w0 + (g.KW - 1) * g.DW + 1, g.W);
        while (h0 < 0) h0 += g.DH;
        while (w0 < 0) w0 += g.DW;
        int64_t best = h0 * g.W + w0;
        float best_value = -std::numeric_limits<float>::infinity();
        for (int64_t ih = h0; ih < h1; ih += g.DH)
          for (int64_t iw = w0; iw < w1; iw += g.DW) {
            const float v = plane[at(ih * g.W + iw)];
            if (v > best_value || std::isnan(v)) { best_value = v; best = ih * g.W + iw; }
          }
        y[at((p * g.OH + oh) * g.OW + ow)] = best_value;
        indices[at((p * g.OH + oh) * g.OW + ow)] = best;
      }
  }
}

bool max_pool2d_window_empty(const Pool2dGeometry& g, int64_t oh, int64_t ow) {
  // The first tap at or after 0 along each axis must come before the window's end and the input's end.
  auto empty = [](int64_t start, int64_t K, int64_t D, int64_t N) {
    const int64_t end = std::min(start + (K - 1) * D + 1, N);
    while (start < 0) start += D;
    return start >= end;
  };
  return empty(oh * g.SH - g.PH, g.KH, g.DH, g.H) || empty(ow * g.SW - g.PW, g.KW, g.DW, g.W);
}

void max_pool2d_backward_reference(const Pool2dGeometry& g, const int64_t* indices, const float* gy, float* gx) {
  std::vector<double> acc(at(g.H * g.W));
  for (int64_t p = 0; p < g.N * g.C; ++p) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t o = 0; o < g.OH * g.OW; ++o) {
      // PyTorch sends an empty window's gradient to its placeholder index; its true gradient is zero.
      if (max_pool2d_window_empty(g, o / g.OW, o % g.OW)) continue;
      const int64_t i = indices[at(p * g.OH * g.OW + o)];
      if (i >= 0 && i < g.H * g.W) acc[at(i)] += static_cast<double>(gy[at(p * g.OH * g.OW + o)]);
    }
    for (int64_t i = 0; i < g.H * g.W; ++i) gx[at(p * g.H * g.W + i)] = static_cast<float>(acc[at(i)]);
  }
}

namespace {
struct AvgWindow {
  int64_t h0, h1, w0, w1; // taps inside the input
  int64_t divisor;        // 0 when the window holds no input tap
};
AvgWindow avg_window(const Pool2dGeometry& g, int64_t oh, int64_t ow) {
  int64_t h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
  int64_t h1 = std::min(h0 + g.KH, g.H + g.PH), w1 = std::min(w0 + g.KW, g.W + g.PW);
  const int64_t pool_size = (h1 - h0) * (w1 - w0); // the window clipped to the padded input
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, g.H);
  w1 = std::min(w1, g.W);
  if (h0 >= h1 || w0 >= w1) return {h0, h1, w0, w1, 0};
  return {h0, h1, w0, w1, g.count_include_pad ? pool_size : (h1 - h0) * (w1 - w0)};
}
} // namespace

void avg_pool2d_reference(const Pool2dGeometry& g, const float* x, float* y) {
  for (int64_t p = 0; p < g.N * g.C; ++p)
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const AvgWindow a = avg_window(g, oh, ow);
        double sum = 0.0;
        for (int64_t ih = a.h0; ih < a.h1; ++ih)
          for (int64_t iw = a.w0; iw < a.w1; ++iw) sum += static_cast<double>(x[at((p * g.H + ih) * g.W + iw)]);
        y[at((p * g.OH + oh) * g.OW + ow)] = a.divisor == 0 ? 0.0f : static_cast<float>(sum / static_cast<double>(a.divisor));
      }
}

void avg_pool2d_backward_reference(const Pool2dGeometry& g, const float* gy, float* gx) {
  std::vector<double> acc(at(g.H * g.W));
  for (int64_t p = 0; p < g.N * g.C; ++p) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const AvgWindow a = avg_window(g, oh, ow);
        if (a.divisor == 0) continue;
        const double share = static_cast<double>(gy[at((p * g.OH + oh) * g.OW + ow)]) / static_cast<double>(a.divisor);
        for (int64_t ih = a.h0; ih < a.h1; ++ih)
          for (int64_t iw = a.w0; iw < a.w1; ++iw) acc[at(ih * g.W + iw)] += share;
      }
    for (int64_t i = 0; i < g.H * g.W; ++i) gx[at(p * g.H * g.W + i)] = static_cast<float>(acc[at(i)]);
  }
}

} // namespace convplay::reference
