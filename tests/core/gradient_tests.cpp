// Every backward pass against central finite differences of L = Σ r·y (r random): conv2d (every padding
// mode, stride, dilation, groups, flip), conv1d, conv_transpose2d, max/avg/global pooling, activations,
// dense, softmax cross-entropy. The seed is printed; replay with --rng-seed N.
#include "test_support.h"

#include <convplay/conv.h>
#include <convplay/layers.h>
#include <convplay/pool.h>

#include <algorithm>
#include <functional>
#include <numeric>

using namespace convplay;
using namespace convplay::test;

namespace {
constexpr double kEps = 1.0 / 64; // step of the central difference
constexpr double kTol = 3e-3;     // absolute + relative tolerance (float32 forward passes)

double dot(const Tensor& r, const Tensor& y) {
  double s = 0.0;
  for (size_t i = 0; i < y.data.size(); ++i)
    if (r.data[i] != 0.0f) s += static_cast<double>(r.data[i]) * y.data[i]; // 0·(−∞) would be NaN
  return s;
}

// Compares `analytic` with (L(v + eps·e_i) − L(v − eps·e_i)) / 2eps for every element i of v.
void check_gradient(const char* what, Tensor v, const Tensor& analytic, const std::function<double(const Tensor&)>& loss) {
  REQUIRE(analytic.shape == v.shape);
  for (int64_t i = 0; i < v.numel(); ++i) {
    const float keep = v[i];
    v[i] = static_cast<float>(keep + kEps);
    const double lp = loss(v);
    v[i] = static_cast<float>(keep - kEps);
    const double lm = loss(v);
    v[i] = keep;
    const double numeric = (lp - lm) / (2 * kEps);
    INFO(what << " element " << i << " of " << shape_string(v.shape) << ": analytic " << analytic[i] << ", numeric "
              << numeric);
    CHECK(std::fabs(numeric - analytic[i]) <= kTol * (1.0 + std::fabs(numeric)));
  }
}

// Values spaced ≥ 0.1 apart in random order: max pooling's argmax cannot change under a step of eps.
Tensor distinct_values(std::mt19937& rng, std::vector<int64_t> shape) {
  Tensor t = zeros(std::move(shape));
  std::vector<int64_t> order(t.data.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i = 0; i < order.size(); ++i) t.data[i] = 0.1f * static_cast<float>(order[i]) - 1.0f;
  return t;
}
} // namespace

TEST_CASE("conv2d gradients equal finite differences", "[gradient][conv2d]") {
  const int64_t index = GENERATE(range(0, 40));
  std::mt19937 rng = seeded_rng(0x6AD, index);
  Conv2dParams p;
  int64_t N, C, H, W, M, KH, KW;
  for (;;) {
    p.groups = uniform(rng, 1, 2);
    N = uniform(rng, 1, 2); C = p.groups * uniform(rng, 1, 2); M = p.groups * uniform(rng, 1, 2);
    H = uniform(rng, 1, 6); W = uniform(rng, 1, 6); KH = uniform(rng, 1, 3); KW = uniform(rng, 1, 3);
    p.stride_h = uniform(rng, 1, 2); p.stride_w = uniform(rng, 1, 2);
    p.dilation_h = uniform(rng, 1, 2); p.dilation_w = uniform(rng, 1, 2);
    p.padding = static_cast<Padding>(uniform(rng, 0, 3));
    p.pad_top = uniform(rng, 0, 2); p.pad_bottom = uniform(rng, 0, 2);
    p.pad_left = uniform(rng, 0, 2); p.pad_right = uniform(rng, 0, 2);
    p.padding_mode = static_cast<PaddingMode>(index % 4); // every mode, ten times each
    p.flip = uniform(rng, 0, 1) == 1;
    if (conv2d_geometry({N, C, H, W}, {M, C / p.groups, KH, KW}, p).ok()) break;
  }
  INFO("seed " << Catch::rngSeed() << " case " << index << ": x (" << N << "," << C << "," << H << "," << W << ") w ("
               << M << "," << C / p.groups << "," << KH << "," << KW << ") mode " << padding_mode_name(p.padding_mode)
               << " padding " << padding_name(p.padding) << (p.flip ? " flip" : ""));
  const Tensor x = random_tensor(rng, {N, C, H, W}), w = random_tensor(rng, {M, C / p.groups, KH, KW});
  const Tensor b = random_tensor(rng, {M});
  auto y = conv2d(x, w, &b, p);
  REQUIRE(y.ok());
  const Tensor r = random_tensor(rng, y->shape);
  auto g = conv2d_backward(x, w, true, r, p);
  REQUIRE(g.ok());
  check_gradient("dL/dx", x, g->input, [&](const Tensor& v) { return dot(r, *conv2d(v, w, &b, p)); });
  check_gradient("dL/dw", w, g->weight, [&](const Tensor& v) { return dot(r, *conv2d(x, v, &b, p)); });
  check_gradient("dL/db", b, g->bias, [&](const Tensor& v) { return dot(r, *conv2d(x, w, &v, p)); });
}

TEST_CASE("conv1d gradients equal finite differences", "[gradient][conv1d]") {
  const int64_t index = GENERATE(range(0, 8));
  std::mt19937 rng = seeded_rng(0x6AD1, index);
  Conv1dParams p;
  p.stride = uniform(rng, 1, 2);
  p.dilation = uniform(rng, 1, 2);
  p.padding = index % 2 ? Padding::Same : Padding::Full;
  p.padding_mode = static_cast<PaddingMode>(index % 4);
  p.flip = index % 3 == 0;
  const Tensor x = random_tensor(rng, {2, 2, 7}), w = random_tensor(rng, {3, 2, 3}), b = random_tensor(rng, {3});
  auto y = conv1d(x, w, &b, p);
  REQUIRE(y.ok());
  const Tensor r = random_tensor(rng, y->shape);
  auto g = conv1d_backward(x, w, true, r, p);
  REQUIRE(g.ok());
  check_gradient("dL/dx", x, g->input, [&](const Tensor& v) { return dot(r, *conv1d(v, w, &b, p)); });
  check_gradient("dL/dw", w, g->weight, [&](const Tensor& v) { return dot(r, *conv1d(x, v, &b, p)); });
  check_gradient("dL/db", b, g->bias, [&](const Tensor& v) { return dot(r, *conv1d(x, w, &v, p)); });
}

TEST_CASE("conv_transpose2d gradients equal finite differences", "[gradient][conv_transpose2d]") {
  const int64_t index = GENERATE(range(0, 20));
  std::mt19937 rng = seeded_rng(0x6AD2, index);
  ConvTranspose2dParams p;
  int64_t N, C, H, W, M, KH, KW;
  for (;;) {
    p.groups = uniform(rng, 1, 2);
    N = uniform(rng, 1, 2); C = p.groups * uniform(rng, 1, 2); M = p.groups * uniform(rng, 1, 2);
    H = uniform(rng, 1, 4); W = uniform(rng, 1, 4); KH = uniform(rng, 1, 3); KW = uniform(rng, 1, 3);
    p.stride_h = uniform(rng, 1, 3); p.stride_w = uniform(rng, 1, 3);
    p.dilation_h = uniform(rng, 1, 2); p.dilation_w = uniform(rng, 1, 2);
    p.pad_h = uniform(rng, 0, 2); p.pad_w = uniform(rng, 0, 2);
    p.output_padding_h = uniform(rng, 0, 1); p.output_padding_w = uniform(rng, 0, 1);
    if (conv_transpose2d_geometry({N, C, H, W}, {C, M / p.groups, KH, KW}, p).ok()) break;
  }
  INFO("seed " << Catch::rngSeed() << " case " << index);
  const Tensor x = random_tensor(rng, {N, C, H, W}), w = random_tensor(rng, {C, M / p.groups, KH, KW});
  const Tensor b = random_tensor(rng, {M});
  auto y = conv_transpose2d(x, w, &b, p);
  REQUIRE(y.ok());
  const Tensor r = random_tensor(rng, y->shape);
  auto g = conv_transpose2d_backward(x, w, true, r, p);
  REQUIRE(g.ok());
  check_gradient("dL/dx", x, g->input, [&](const Tensor& v) { return dot(r, *conv_transpose2d(v, w, &b, p)); });
  check_gradient("dL/dw", w, g->weight, [&](const Tensor& v) { return dot(r, *conv_transpose2d(x, v, &b, p)); });
  check_gradient("dL/db", b, g->bias, [&](const Tensor& v) { return dot(r, *conv_transpose2d(x, w, &v, p)); });
}

TEST_CASE("pooling gradients equal finite differences", "[gradient][pool2d]") {
  const int64_t index = GENERATE(range(0, 20));
  std::mt19937 rng = seeded_rng(0x6AD3, index);
  Pool2dParams p;
  std::vector<int64_t> shape;
  for (;;) {
    shape = {uniform(rng, 1, 2), uniform(rng, 1, 2), uniform(rng, 1, 7), uniform(rng, 1, 7)};
    p.kernel_h = uniform(rng, 1, 3); p.kernel_w = uniform(rng, 1, 3);
    p.stride_h = uniform(rng, 0, 2); p.stride_w = uniform(rng, 0, 2);
    p.pad_h = uniform(rng, 0, p.kernel_h / 2); p.pad_w = uniform(rng, 0, p.kernel_w / 2);
    p.ceil_mode = uniform(rng, 0, 1) == 1;
    p.count_include_pad = uniform(rng, 0, 1) == 1;
    if (pool2d_geometry(shape, p, PoolOp::Avg).ok()) break;
  }
  INFO("seed " << Catch::rngSeed() << " case " << index);
  const Tensor x = distinct_values(rng, shape);
  auto avg = avg_pool2d(x, p);
  REQUIRE(avg.ok());
  const Tensor r = random_tensor(rng, avg->shape);
  auto ga = avg_pool2d_backward(x, r, p);
  REQUIRE(ga.ok());
  check_gradient("avg dL/dx", x, *ga, [&](const Tensor& v) { return dot(r, *avg_pool2d(v, p)); });

  p.dilation_h = uniform(rng, 1, 2);
  p.dilation_w = uniform(rng, 1, 2);
  auto mx = max_pool2d(x, p);
  if (mx.ok()) {
    Tensor rm = random_tensor(rng, mx->output.shape);
    for (int64_t i = 0; i < rm.numel(); ++i)
      if (std::isinf(mx->output[i])) rm[i] = 0.0f; // a window with no input tap: −∞, no gradient
    auto gm = max_pool2d_backward(x, mx->indices, rm, p);
    REQUIRE(gm.ok());
    check_gradient("max dL/dx", x, *gm, [&](const Tensor& v) { return dot(rm, max_pool2d(v, p)->output); });
  }

  auto gl = global_avg_pool2d(x);
  REQUIRE(gl.ok());
  const Tensor rg = random_tensor(rng, gl->shape);
  auto gg = global_avg_pool2d_backward(x, rg);
  REQUIRE(gg.ok());
  check_gradient("global avg dL/dx", x, *gg, [&](const Tensor& v) { return dot(rg, *global_avg_pool2d(v)); });
}

TEST_CASE("activation, dense and softmax cross-entropy gradients equal finite differences", "[gradient][layers]") {
  std::mt19937 rng = seeded_rng(0x6AD4, 0);
  INFO("seed " << Catch::rngSeed());
  Tensor x = random_tensor(rng, {3, 7}, -2.0f, 2.0f);
  for (float& v : x.data)
    if (std::fabs(v) < 0.05f) v = 0.5f; // keep ReLU's kink out of the finite difference
  for (Activation a : {Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh}) {
    INFO(activation_name(a));
    const Tensor r = random_tensor(rng, x.shape);
    auto g = activation_backward(x, r, a, 0.2f);
    REQUIRE(g.ok());
    check_gradient("dL/dx", x, *g, [&](const Tensor& v) { return dot(r, activation(v, a, 0.2f)); });
  }

  const Tensor xd = random_tensor(rng, {3, 5}), w = random_tensor(rng, {4, 5}), b = random_tensor(rng, {4});
  const Tensor r = random_tensor(rng, {3, 4});
  auto g = dense_backward(xd, w, true, r);
  REQUIRE(g.ok());
  check_gradient("dense dL/dx", xd, g->input, [&](const Tensor& v) { return dot(r, *dense(v, w, &b)); });
  check_gradient("dense dL/dw", w, g->weight, [&](const Tensor& v) { return dot(r, *dense(xd, v, &b)); });
  check_gradient("dense dL/db", b, g->bias, [&](const Tensor& v) { return dot(r, *dense(xd, w, &v)); });

  const Tensor logits = random_tensor(rng, {4, 6}, -3.0f, 3.0f);
  const IndexTensor labels{{4}, {5, 0, 2, 2}};
  auto gl = softmax_cross_entropy_backward(logits, labels);
  REQUIRE(gl.ok());
  check_gradient("cross-entropy dL/dlogits", logits, *gl,
                 [&](const Tensor& v) { return softmax_cross_entropy(v, labels)->loss; });
}
