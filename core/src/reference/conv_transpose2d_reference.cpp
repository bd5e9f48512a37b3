// conv_transpose2d forward and backward as nested loops (see reference.h). Written as a gather:
// output (oh, ow) receives x[ih][iw]·w[kh][kw] wherever oh = ih·SH − PH + kh·DH (and likewise for w).
#include "reference.h"

namespace convplay::reference {
namespace {
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
// The input index i with o = i·S − P + k·D, or −1.
inline int64_t source(int64_t o, int64_t k, int64_t S, int64_t P, int64_t D, int64_t size) {
  const int64_t t = o + P - k * D;
  if (t < 0 || t % S != 0 || t / S >= size) return -1;
  return t / S;
}
} // namespace

void conv_transpose2d_nchw_reference(const ConvTranspose2dGeometry& g, const float* x, const float* w,
                                     const float* bias, float* y) {
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups;
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t m = 0; m < g.M; ++m) {
      const int64_t grp = m / Mg, ml = m % Mg;
      for (int64_t oh = 0; oh < g.OH; ++oh)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          double acc = 0.0;
          for (int64_t kh = 0; kh < g.KH; ++kh) {
            const int64_t ih = source(oh, kh, g.stride_h, g.pad_h, g.dilation_h, g.H);
            if (ih < 0) continue;
            for (int64_t kw = 0; kw < g.KW; ++kw) {
              const int64_t iw = source(ow, kw, g.stride_w, g.pad_w, g.dilation_w, g.W);
              if (iw < 0) continue;
              for (int64_t c = grp * Cg; c < (grp + 1) * Cg; ++c)
                acc += static_cast<double>(x[at(((n * g.C + c) * g.H + ih) * g.W + iw)]) *
                       static_cast<double>(w[at(((c * Mg + ml) * g.KH + kh) * g.KW + kw)]);
            }
          }
          if (bias) acc += static_cast<double>(bias[at(m)]);
          y[at(((n * g.M + m) * g.OH + oh) * g.OW + ow)] = static_cast<float>(acc);
        }
    }
}

void conv_transpose2d_nchw_backward_reference(const ConvTranspose2dGeometry& g, const float* x, const float* w,
                                              const float* gy, float* gx, float* gw, float* gb) {
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups;
  auto out_index = [&](int64_t i, int64_t k, int64_t S, int64_t P, int64_t D, int64_t size) {
    const int64_t o = i * S - P + k * D;
    return o >= 0 && o < size ? o : int64_t{-1};
  };
  // dL/dx[n][c][ih][iw] = Σ_{ml,kh,kw} dL/dy[n][m][ih·SH − PH + kh·DH][...] · w[c][ml][kh][kw]
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t c = 0; c < g.C; ++c) {
      const int64_t grp = c / Cg;
      for (int64_t ih = 0; ih < g.H; ++ih)
        for (int64_t iw = 0; iw < g.W; ++iw) {
          double acc = 0.0;
          for (int64_t ml = 0; ml < Mg; ++ml)
            for (int64_t kh = 0; kh < g.KH; ++kh) {
              const int64_t oh = out_index(ih, kh, g.stride_h, g.pad_h, g.dilation_h, g.OH);
              if (oh < 0) continue;
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                const int64_t ow = out_index(iw, kw, g.stride_w, g.pad_w, g.dilation_w, g.OW);
                if (ow < 0) continue;
                acc += static_cast<double>(gy[at(((n * g.M + grp * Mg + ml) * g.OH + oh) * g.OW + ow)]) *
                       static_cast<double>(w[at(((c * Mg + ml) * g.KH + kh) * g.KW + kw)]);
              }
            }
          gx[at(((n * g.C + c) * g.H + ih) * g.W + iw)] = static_cast<float>(acc);
        }
    }
  // dL/dw[c][ml][kh][kw] = Σ_{n,ih,iw} x[n][c][ih][iw] · dL/dy[n][m][oh][ow]
  for (int64_t c = 0; c < g.C; ++c) {
    const int64_t grp = c / Cg;
    for (int64_t ml = 0; ml < Mg; ++ml)
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          double acc = 0.0;
          for (int64_t n = 0; n < g.N; ++n)
            for (int64_t ih = 0; ih < g.H; ++ih) {
              const int64_t oh = out_index(ih, kh, g.stride_h, g.pad_h, g.dilation_h, g.OH);
              if (oh < 0) continue;
              for (int64_t iw = 0; iw < g.W; ++iw) {
                const int64_t ow = out_index(iw, kw, g.stride_w, g.pad_w, g.dilation_w, g.OW);
                if (ow < 0) continue;
                acc += static_cast<double>(x[at(((n * g.C + c) * g.H + ih) * g.W + iw)]) *
                       static_cast<double>(gy[at(((n * g.M + grp * Mg + ml) * g.OH + oh) * g.OW + ow)]);
              }
            }
          gw[at(((c * Mg + ml) * g.KH + kh) * g.KW + kw)] = static_cast<float>(acc);
        }
  }
  if (gb) bias_gradient_reference(g.N, g.M, g.OH * g.OW, gy, gb);
}

} // namespace convplay::reference
