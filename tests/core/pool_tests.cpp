// pool.h: max, average and global average pooling against golden values from PyTorch
// (golden/pool2d.txt), backward passes against finite differences, windows with no input tap, and
// the error messages. Random tests print their seed; replay with --rng-seed N.
#include "test_support.h"

#include <convplay/pool.h>

#include <algorithm>
#include <numeric>

using namespace convplay;
using namespace convplay::test;

namespace {
Pool2dParams pool_params(const test::GoldenCase& c) {
  Pool2dParams p;
  p.kernel_h = c.param("kernel_h"); p.kernel_w = c.param("kernel_w");
  p.stride_h = c.param("stride_h"); p.stride_w = c.param("stride_w");
  p.pad_h = c.param("pad_h"); p.pad_w = c.param("pad_w");
  p.dilation_h = c.param("dilation_h", 1); p.dilation_w = c.param("dilation_w", 1);
  p.ceil_mode = c.param("ceil_mode") != 0;
  p.count_include_pad = c.param("count_include_pad", 1) != 0;
  return p;
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

TEST_CASE("pooling equals PyTorch: values, argmax indices and gradients", "[golden][pool2d]") {
  for (const auto& c : read_golden("pool2d.txt")) {
    INFO("case " << c.name);
    if (c.name == "global_avg") {
      auto y = global_avg_pool2d(c.t("x"));
      REQUIRE(y.ok());
      CHECK_CLOSE(*y, c.t("y"), kGoldenRel, kGoldenAbs);
      continue;
    }
    const Pool2dParams p = pool_params(c);
    if (c.name.rfind("max_", 0) == 0) {
      auto r = max_pool2d(c.t("x"), p);
      REQUIRE(r.ok());
      CHECK_CLOSE(r->output, c.t("y"), 0.0, 0.0);
      CHECK(r->indices.shape == c.itensors.at("indices").shape);
      CHECK(r->indices.data == c.itensors.at("indices").data);
      auto g = max_pool2d_backward(c.t("x"), r->indices, c.t("gy"), p);
      REQUIRE(g.ok());
      CHECK_CLOSE(*g, c.t("gx"), kGoldenRel, kGoldenAbs);
    } else {
      auto y = avg_pool2d(c.t("x"), p);
      REQUIRE(y.ok());
      CHECK_CLOSE(*y, c.t("y"), kGoldenRel, kGoldenAbs);
      auto g = avg_pool2d_backward(c.t("x"), c.t("gy"), p);
      REQUIRE(g.ok());
      CHECK_CLOSE(*g, c.t("gx"), kGoldenRel, kGoldenAbs);
    }
  }
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

TEST_CASE("max pooling windows with no input tap give -inf and PyTorch's index, and no gradient", "[pool2d]") {
  // PyTorch: max_pool2d(arange(3).reshape(1,1,3,1), (1,2), 1, (0,1), (1,2), return_indices=True)
  //   → values [-inf, -inf, -inf], indices [1, 2, 3]
  const Tensor x{{1, 1, 3, 1}, {0, 1, 2}};
  Pool2dParams p;
  p.kernel_h = 1; p.kernel_w = 2; p.stride_h = p.stride_w = 1; p.pad_w = 1; p.dilation_w = 2;
  auto r = max_pool2d(x, p);
  REQUIRE(r.ok());
  for (float v : r->output.data) CHECK(std::isinf(v));
  CHECK(r->indices.data == std::vector<int64_t>{1, 2, 3});
  auto g = max_pool2d_backward(x, r->indices, ones({1, 1, 3, 1}), p);
  REQUIRE(g.ok());
  CHECK(g->data == std::vector<float>{0, 0, 0});
  IndexTensor bad = r->indices;
  p.dilation_w = 1; // now every window holds a tap, so index 3 is outside the 3×1 plane
  p.pad_w = 0;
  p.kernel_w = 1;
  CHECK(max_pool2d_backward(x, bad, ones({1, 1, 3, 1}), p).error() == "index 3 is outside the 3×1 input plane");
}

TEST_CASE("pooling errors name the parameter and the numbers", "[errors][pool2d]") {
  Pool2dParams p;
  p.kernel_h = p.kernel_w = 3;
  p.pad_h = 2;
  CHECK(max_pool2d(ones({1, 5, 5}), p).error() == "height: pooling padding 2 is more than half the kernel 3 (at most 1, as in PyTorch)");
  p.pad_h = 0;
  p.kernel_w = 7;
  CHECK(avg_pool2d(ones({1, 5, 5}), p).error() == "width: pooling kernel 7 is larger than the padded input 5");
  p.kernel_w = 3;
  p.dilation_h = 2;
  CHECK(avg_pool2d(ones({1, 5, 5}), p).error() == "average pooling has no dilation (got 2, 1)");
  CHECK(max_pool2d(ones({5}), p).error() == "pooling input must be (N, C, H, W), (C, H, W) or (H, W), got shape (5,)");
}
