// The reference conv2d against an independent naive formula, the im2col + matmul path and the Toeplitz
// matrices, on a few hundred random configurations (odd sizes, every padding and padding mode, stride and
// dilation > 1, groups, even kernels, flip). The seed is printed; replay with --rng-seed N.
#include "test_support.h"

#include <convplay/conv.h>
#include <convplay/matrix_views.h>

using namespace convplay;
using namespace convplay::test;

namespace {
struct Config {
  int64_t N, C, H, W, M, KH, KW;
  Conv2dParams p;
  bool bias;
};

std::string describe_config(const Config& c) {
  std::ostringstream s;
  s << "x (" << c.N << "," << c.C << "," << c.H << "," << c.W << ") w (" << c.M << "," << c.C / c.p.groups << "," << c.KH
    << "," << c.KW << ") stride " << c.p.stride_h << "," << c.p.stride_w << " dilation " << c.p.dilation_h << ","
    << c.p.dilation_w << " groups " << c.p.groups << " padding " << padding_name(c.p.padding) << " (" << c.p.pad_top
    << "," << c.p.pad_bottom << "," << c.p.pad_left << "," << c.p.pad_right << ") mode "
    << padding_mode_name(c.p.padding_mode) << (c.p.flip ? " flip" : "") << (c.bias ? " bias" : "");
  return s.str();
}

// A random configuration that conv2d accepts (drawn again until it does).
Config random_config(std::mt19937& rng) {
  for (;;) {
    Config c;
    c.p.groups = uniform(rng, 1, 3);
    c.N = uniform(rng, 1, 2);
    c.C = c.p.groups * uniform(rng, 1, 2);
    c.M = c.p.groups * uniform(rng, 1, 2);
    c.H = uniform(rng, 1, 9);
    c.W = uniform(rng, 1, 9);
    c.KH = uniform(rng, 1, 4);
    c.KW = uniform(rng, 1, 4);
    c.p.stride_h = uniform(rng, 1, 3);
    c.p.stride_w = uniform(rng, 1, 3);
    c.p.dilation_h = uniform(rng, 1, 3);
    c.p.dilation_w = uniform(rng, 1, 3);
    c.p.padding = static_cast<Padding>(uniform(rng, 0, 3));
    c.p.pad_top = uniform(rng, 0, 3);
    c.p.pad_bottom = uniform(rng, 0, 3);
    c.p.pad_left = uniform(rng, 0, 3);
    c.p.pad_right = uniform(rng, 0, 3);
    c.p.padding_mode = static_cast<PaddingMode>(uniform(rng, 0, 3));
    c.p.flip = uniform(rng, 0, 1) == 1;
    c.bias = uniform(rng, 0, 1) == 1;
    if (conv2d_geometry({c.N, c.C, c.H, c.W}, {c.M, c.C / c.p.groups, c.KH, c.KW}, c.p).ok()) return c;
  }
}

// Independent of pad2d and the reference kernel: the padded-input index rule written out per mode.
int64_t source_index(int64_t i, int64_t n, PaddingMode mode) {
  if (i >= 0 && i < n) return i;
  switch (mode) {
  case PaddingMode::Zeros: return -1;
  case PaddingMode::Reflect: return i < 0 ? -i : 2 * n - 2 - i;
  case PaddingMode::Replicate: return i < 0 ? 0 : n - 1;
  case PaddingMode::Circular: return (i + 4 * n) % n;
  }
  return -1;
}

Tensor naive_conv2d(const Config& c, const Conv2dGeometry& g, const Tensor& x, const Tensor& w, const Tensor* b) {
  Tensor y = zeros({g.N, g.M, g.OH, g.OW});
  const int64_t Cg = c.C / c.p.groups, Mg = c.M / c.p.groups;
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t m = 0; m < g.M; ++m)
      for (int64_t oh = 0; oh < g.OH; ++oh)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          double acc = b ? (*b)[m] : 0.0;
          for (int64_t cc = 0; cc < Cg; ++cc)
            for (int64_t kh = 0; kh < g.KH; ++kh)
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                const int64_t ih = source_index(oh * g.stride_h - g.pad_top + kh * g.dilation_h, g.H, c.p.padding_mode);
                const int64_t iw = source_index(ow * g.stride_w - g.pad_left + kw * g.dilation_w, g.W, c.p.padding_mode);
                if (ih < 0 || iw < 0) continue;
                // true convolution reads the kernel rotated by 180°
                const int64_t wh = c.p.flip ? g.KH - 1 - kh : kh, ww = c.p.flip ? g.KW - 1 - kw : kw;
                acc += static_cast<double>(w[((m * Cg + cc) * g.KH + wh) * g.KW + ww]) *
                       x[((n * g.C + (m / Mg) * Cg + cc) * g.H + ih) * g.W + iw];
              }
          y[((n * g.M + m) * g.OH + oh) * g.OW + ow] = static_cast<float>(acc);
        }
  return y;
}
} // namespace

TEST_CASE("conv2d reference = naive formula = im2col path = Toeplitz path on random configurations", "[random][conv2d]") {
  const int64_t index = GENERATE(range(0, 300));
  std::mt19937 rng = seeded_rng(0xC0417, index);
  const Config c = random_config(rng);
  INFO("seed " << Catch::rngSeed() << " case " << index << " (replay: --rng-seed " << Catch::rngSeed() << "): "
               << describe_config(c));
  const auto g = conv2d_geometry({c.N, c.C, c.H, c.W}, {c.M, c.C / c.p.groups, c.KH, c.KW}, c.p);
  REQUIRE(g.ok());
  const Tensor x = random_tensor(rng, {c.N, c.C, c.H, c.W});
  const Tensor w = random_tensor(rng, {c.M, c.C / c.p.groups, c.KH, c.KW});
  const Tensor b = random_tensor(rng, {c.M});
  const Tensor* bias = c.bias ? &b : nullptr;

  auto y = conv2d(x, w, bias, c.p);
  REQUIRE(y.ok());
  CHECK_CLOSE(*y, naive_conv2d(c, *g, x, w, bias), 1e-5, 1e-6);
  auto yi = conv2d_im2col(x, w, bias, c.p);
  REQUIRE(yi.ok());
  CHECK_CLOSE(*yi, *y, 1e-5, 1e-6);

  if (c.p.padding_mode == PaddingMode::Zeros) {
    // y[n][m] = Σ_c T(w[m][c]) · vec(x[n][c]) with the doubly-blocked Toeplitz matrix of each filter plane.
    const AxisSpec rows{c.H, c.KH, c.p.stride_h, c.p.dilation_h, c.p.padding, c.p.pad_top, c.p.pad_bottom, c.p.flip};
    const AxisSpec cols{c.W, c.KW, c.p.stride_w, c.p.dilation_w, c.p.padding, c.p.pad_left, c.p.pad_right, c.p.flip};
    const int64_t Cg = c.C / c.p.groups, Mg = c.M / c.p.groups, P = g->OH * g->OW;
    Tensor yt = zeros({c.N, c.M, g->OH, g->OW});
    for (int64_t m = 0; m < c.M; ++m)
      for (int64_t cc = 0; cc < Cg; ++cc) {
        Tensor plane{{c.KH, c.KW}, std::vector<float>(w.data.begin() + (m * Cg + cc) * c.KH * c.KW,
                                                      w.data.begin() + (m * Cg + cc + 1) * c.KH * c.KW)};
        auto T = doubly_blocked_toeplitz_2d(plane, rows, cols);
        REQUIRE(T.ok());
        REQUIRE(T->shape == std::vector<int64_t>{P, c.H * c.W});
        for (int64_t n = 0; n < c.N; ++n) {
          const int64_t ci = (m / Mg) * Cg + cc;
          Tensor xv{{c.H * c.W}, std::vector<float>(x.data.begin() + (n * c.C + ci) * c.H * c.W,
                                                    x.data.begin() + (n * c.C + ci + 1) * c.H * c.W)};
          auto prod = matmul(*T, xv);
          REQUIRE(prod.ok());
          for (int64_t i = 0; i < P; ++i) yt[(n * c.M + m) * P + i] += (*prod)[i];
        }
      }
    if (bias)
      for (int64_t n = 0; n < c.N; ++n)
        for (int64_t m = 0; m < c.M; ++m)
          for (int64_t i = 0; i < P; ++i) yt[(n * c.M + m) * P + i] += b[m];
    CHECK_CLOSE(yt, *y, 1e-4, 1e-5);
  }
}

TEST_CASE("conv1d = the 1-D Toeplitz matrix times the signal on random configurations", "[random][conv1d]") {
  const int64_t index = GENERATE(range(0, 100));
  std::mt19937 rng = seeded_rng(0x1D, index);
  AxisSpec a;
  Tensor k, x;
  for (;;) {
    a.input = uniform(rng, 1, 12);
    a.kernel = uniform(rng, 1, 5);
    a.stride = uniform(rng, 1, 3);
    a.dilation = uniform(rng, 1, 3);
    a.padding = static_cast<Padding>(uniform(rng, 0, 3));
    a.pad_before = uniform(rng, 0, 3);
    a.pad_after = uniform(rng, 0, 3);
    a.flip = uniform(rng, 0, 1) == 1;
    if (conv_axis(a).error == ShapeError::None) break;
  }
  INFO("seed " << Catch::rngSeed() << " case " << index << ": " << formula(a, conv_axis(a)) << (a.flip ? " flip" : ""));
  k = random_tensor(rng, {a.kernel});
  x = random_tensor(rng, {a.input});
  auto T = toeplitz_matrix_1d(k, a);
  REQUIRE(T.ok());
  auto ym = matmul(*T, x);
  REQUIRE(ym.ok());
  Conv1dParams p;
  p.stride = a.stride; p.dilation = a.dilation; p.padding = a.padding; p.pad_left = a.pad_before;
  p.pad_right = a.pad_after; p.flip = a.flip;
  auto y = conv1d(x, k, nullptr, p);
  REQUIRE(y.ok());
  CHECK_CLOSE(*ym, *y, 1e-5, 1e-6);
}

TEST_CASE("the lecture's matrix views: Toeplitz rows are the filter shifted by one", "[matrix_views]") {
  const Tensor k{{3}, {1, 2, 3}};
  AxisSpec a;
  a.input = 5;
  auto T = toeplitz_matrix_1d(k, a);
  REQUIRE(T.ok());
  CHECK(T->shape == std::vector<int64_t>{3, 5});
  CHECK(T->data == std::vector<float>{1, 2, 3, 0, 0, /**/ 0, 1, 2, 3, 0, /**/ 0, 0, 1, 2, 3});
  a.flip = true; // true convolution: the rows hold the reversed filter
  CHECK(toeplitz_matrix_1d(k, a)->data == std::vector<float>{3, 2, 1, 0, 0, 0, 3, 2, 1, 0, 0, 0, 3, 2, 1});

  // 2-D: the lecture's 5×5 example through the doubly-blocked matrix (9 × 25) and through im2col (9 × 9).
  const Tensor x{{5, 5}, {3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1}};
  const Tensor w{{3, 3}, {0, 1, 2, 2, 2, 0, 0, 1, 2}};
  AxisSpec r;
  r.input = 5;
  auto D = doubly_blocked_toeplitz_2d(w, r, r);
  REQUIRE(D.ok());
  CHECK(D->shape == std::vector<int64_t>{9, 25});
  const std::vector<float> expected{12, 12, 17, 10, 17, 19, 9, 6, 14};
  CHECK(matmul(*D, Tensor{{25}, x.data})->data == expected);
  auto cols = im2col_matrix(x, 3, 3, Conv2dParams{});
  REQUIRE(cols.ok());
  CHECK(cols->shape == std::vector<int64_t>{9, 9});
  CHECK(matmul(Tensor{{1, 9}, w.data}, *cols)->data == expected);
  // Each block row of D is either zero or a 1-D Toeplitz block of one filter row.
  CHECK((*D)[0 * 25 + 0] == 0.0f);
  CHECK((*D)[0 * 25 + 1] == 1.0f);
  CHECK((*D)[0 * 25 + 2] == 2.0f);
  CHECK((*D)[0 * 25 + 5] == 2.0f);
}

TEST_CASE("matrix views refuse sizes that would exhaust memory", "[matrix_views]") {
  AxisSpec a;
  a.input = int64_t{1} << 20;
  auto T = toeplitz_matrix_1d(Tensor{{1}, {1.0f}}, a);
  REQUIRE_FALSE(T.ok());
  CHECK(T.error() == "the Toeplitz matrix would be 1048576 × 1048576, more than the limit of 67108864 entries");
  CHECK_FALSE(matmul(Tensor{{2, 3}, std::vector<float>(6)}, Tensor{{2}, {1, 2}}).ok());
}
