// conv2d forward and backward as nested loops over a pre-padded input (see reference.h).
#include "reference.h"

namespace convplay::reference {
namespace {
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
} // namespace

void conv2d_nchw_reference(const Conv2dGeometry& g, const float* xp, const float* w, const float* bias, float* y) {
  const int64_t HP = g.H + g.pad_top + g.pad_bottom, WP = g.W + g.pad_left + g.pad_right;
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups;
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t m = 0; m < g.M; ++m) {
      const int64_t c0 = (m / Mg) * Cg; // first input channel of m's group
      for (int64_t oh = 0; oh < g.OH; ++oh)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          double acc = 0.0;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < g.KH; ++kh)
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                const int64_t ih = oh * g.stride_h + kh * g.dilation_h, iw = ow * g.stride_w + kw * g.dilation_w;
                acc += static_cast<double>(w[at(((m * Cg + c) * g.KH + kh) * g.KW + kw)]) *
                       static_cast<double>(xp[at(((n * g.C + c0 + c) * HP + ih) * WP + iw)]);
              }
          if (bias) acc += static_cast<double>(bias[at(m)]);
          y[at(((n * g.M + m) * g.OH + oh) * g.OW + ow)] = static_cast<float>(acc);
        }
    }
}

void bias_gradient_reference(int64_t N, int64_t M, int64_t plane, const float* gy, float* gb) {
  for (int64_t m = 0; m < M; ++m) {
    double acc = 0.0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < plane; ++i) acc += static_cast<double>(gy[at((n * M + m) * plane + i)]);
    gb[at(m)] = static_cast<float>(acc);
  }
}

void conv2d_nchw_backward_reference(const Conv2dGeometry& g, const float* xp, const float* w, const float* gy,
                                    float* gxp, float* gw, float* gb) {
  const int64_t HP = g.H + g.pad_top + g.pad_bottom, WP = g.W + g.pad_left + g.pad_right;
  const int64_t Cg = g.C / g.groups, Mg = g.M / g.groups;
  // dL/dw[m][c][kh][kw] = Σ_{n,oh,ow} dL/dy[n][m][oh][ow] · xp[n][c0 + c][oh·SH + kh·DH][ow·SW + kw·DW]
  for (int64_t m = 0; m < g.M; ++m) {
    const int64_t c0 = (m / Mg) * Cg;
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          double acc = 0.0;
          for (int64_t n = 0; n < g.N; ++n)
            for (int64_t oh = 0; oh < g.OH; ++oh)
              for (int64_t ow = 0; ow < g.OW; ++ow) {
                const int64_t ih = oh * g.stride_h + kh * g.dilation_h, iw = ow * g.stride_w + kw * g.dilation_w;
                acc += static_cast<double>(gy[at(((n * g.M + m) * g.OH + oh) * g.OW + ow)]) *
                       static_cast<double>(xp[at(((n * g.C + c0 + c) * HP + ih) * WP + iw)]);
              }
          gw[at(((m * Cg + c) * g.KH + kh) * g.KW + kw)] = static_cast<float>(acc);
        }
  }
  if (gb) bias_gradient_reference(g.N, g.M, g.OH * g.OW, gy, gb);
  // dL/dxp[n][c][hp][wp] = Σ over the (m, kh, kw) whose tap lands on (hp, wp): dL/dy · w
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t ci = 0; ci < g.C; ++ci) {
      const int64_t grp = ci / Cg, c = ci % Cg;
      for (int64_t hp = 0; hp < HP; ++hp)
        for (int64_t wp = 0; wp < WP; ++wp) {
          double acc = 0.0;
          for (int64_t kh = 0; kh < g.KH; ++kh) {
            const int64_t th = hp - kh * g.dilation_h;
            if (th < 0 || th % g.stride_h != 0 || th / g.stride_h >= g.OH) continue;
            const int64_t oh = th / g.stride_h;
            for (int64_t kw = 0; kw < g.KW; ++kw) {
              const int64_t tw = wp - kw * g.dilation_w;
              if (tw < 0 || tw % g.stride_w != 0 || tw / g.stride_w >= g.OW) continue;
              const int64_t ow = tw / g.stride_w;
              for (int64_t m = grp * Mg; m < (grp + 1) * Mg; ++m)
                acc += static_cast<double>(gy[at(((n * g.M + m) * g.OH + oh) * g.OW + ow)]) *
                       static_cast<double>(w[at(((m * Cg + c) * g.KH + kh) * g.KW + kw)]);
            }
          }
          gxp[at(((n * g.C + ci) * HP + hp) * WP + wp)] = static_cast<float>(acc);
        }
    }
}

} // namespace convplay::reference
