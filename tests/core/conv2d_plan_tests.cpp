// The fast convolution (convplay/conv2d_plan.h) against a plain nested-loop reference, on random
// shapes that hit every SIMD remainder (output widths 1..40), channel blocks of 1..4 and more, every
// padding, and 0..3 worker threads. The seed is printed; rerun one with --rng-seed N.
#include <catch2/catch.hpp>

#include <convplay/conv2d_plan.h>

#include <cmath>
#include <random>
#include <vector>

namespace {
struct Case { int64_t N, C, H, W, M, KH, KW, pt, pb, pl, pr; bool bias; };

std::vector<float> reference(const Case& c, const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b) {
  const int64_t OH = c.H + c.pt + c.pb - c.KH + 1, OW = c.W + c.pl + c.pr - c.KW + 1;
  std::vector<float> y(static_cast<size_t>(c.N * c.M * OH * OW));
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t m = 0; m < c.M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = c.bias ? b[static_cast<size_t>(m)] : 0.0;
          for (int64_t ci = 0; ci < c.C; ++ci)
            for (int64_t kh = 0; kh < c.KH; ++kh)
              for (int64_t kw = 0; kw < c.KW; ++kw) {
                const int64_t ih = oh + kh - c.pt, iw = ow + kw - c.pl;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                acc += static_cast<double>(w[static_cast<size_t>(((m * c.C + ci) * c.KH + kh) * c.KW + kw)]) *
                       x[static_cast<size_t>(((n * c.C + ci) * c.H + ih) * c.W + iw)];
              }
          y[static_cast<size_t>(((n * c.M + m) * OH + oh) * OW + ow)] = static_cast<float>(acc);
        }
  return y;
}
} // namespace

TEST_CASE("fast conv2d equals the nested-loop reference on random shapes", "[conv2d_plan]") {
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  convplay::ThreadPool pool0(0), pool1(1), pool3(3);
  convplay::ThreadPool* pools[] = {&pool0, &pool1, &pool3};
  int checked = 0;
  const auto isas = convplay::Conv2dPlan::instruction_sets();
  for (int trial = 0; trial < 300; ++trial) {
    // Every instruction set this machine has (the best one on two trials in three), every tile.
    const std::string isa = trial % 3 == 0 ? isas[static_cast<size_t>(trial / 3) % isas.size()] : "";
    Case c{pick(1, 3), pick(1, 5), pick(1, 24), pick(1, 40), pick(1, 17), pick(1, 5), pick(1, 7),
           pick(0, 3), pick(0, 3), pick(0, 3), pick(0, 3), pick(0, 1) == 1};
    if (c.H + c.pt + c.pb < c.KH || c.W + c.pl + c.pr < c.KW) continue;
    std::vector<float> x(static_cast<size_t>(c.N * c.C * c.H * c.W)), w(static_cast<size_t>(c.M * c.C * c.KH * c.KW)),
        b(static_cast<size_t>(c.M));
    for (auto* v : {&x, &w, &b}) for (float& f : *v) f = value(rng);
    const auto want = reference(c, x, w, b);
    convplay::Conv2dPlanSpec spec{c.N, c.C, c.H, c.W, c.M, c.KH, c.KW, c.pt, c.pb, c.pl, c.pr, isa};
    convplay::Conv2dPlan plan(spec, w.data(), c.bias ? b.data() : nullptr);
    REQUIRE(plan.ok());
    CHECK(plan.workspace_bytes() == convplay::Conv2dPlan::workspace_bytes_for(spec));
    std::vector<float> first;
    for (auto* pool : pools) {
      std::vector<float> y(static_cast<size_t>(plan.output_size()), NAN);
      plan.run(x.data(), y.data(), pool);
      INFO("trial " << trial << ": N" << c.N << " C" << c.C << " " << c.H << "x" << c.W << " M" << c.M << " K" << c.KH
                    << "x" << c.KW << " pad " << c.pt << "," << c.pb << "," << c.pl << "," << c.pr << " workers "
                    << pool->workers() << " kernel " << plan.kernel_name());
      REQUIRE(y.size() == want.size());
      for (size_t i = 0; i < y.size(); ++i) {
        INFO("output index " << i);
        REQUIRE(std::fabs(y[i] - want[i]) <= 1e-4f * (1.0f + std::fabs(want[i])));
      }
      if (first.empty()) first = y;
      else REQUIRE(y == first); // bit-identical whatever the number of threads
    }
    ++checked;
  }
  CHECK(checked > 200);
}

TEST_CASE("large layers take the threaded path and still match exactly across thread counts", "[conv2d_plan]") {
  // 2^17 multiply-adds and more run on the pool (smaller ones stay on the caller).
  const convplay::Conv2dPlanSpec spec{2, 8, 40, 37, 9, 3, 3, 1, 1, 1, 1};
  std::vector<float> x(2 * 8 * 40 * 37), w(9 * 8 * 9);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((i * 13) % 29) / 14.0f - 1.0f;
  convplay::Conv2dPlan plan(spec, w.data(), nullptr);
  REQUIRE(plan.ok());
  convplay::ThreadPool serial(0), threaded(3);
  std::vector<float> a(static_cast<size_t>(plan.output_size())), b(a.size());
  plan.run(x.data(), a.data(), &serial);
  plan.run(x.data(), b.data(), &threaded);
  CHECK(a == b);
}

TEST_CASE("fast conv2d refuses impossible plans with a message", "[conv2d_plan]") {
  const float w[1] = {1.0f};
  convplay::Conv2dPlan zero({1, 1, 0, 4, 1, 1, 1}, w, nullptr);
  CHECK_FALSE(zero.ok());
  CHECK(zero.error() == "every size must be at least 1");
  std::vector<float> w9(9, 1.0f);
  convplay::Conv2dPlan big({1, 1, 2, 2, 1, 3, 3}, w9.data(), nullptr);
  CHECK_FALSE(big.ok());
  CHECK(big.error() == "kernel 3×3 is larger than the padded input 2×2");
  convplay::Conv2dPlan neg({1, 1, 2, 2, 1, 1, 1, -1, 0, 0, 0}, w, nullptr);
  CHECK(neg.error() == "padding must not be negative");
  convplay::Conv2dPlan isa({1, 1, 2, 2, 1, 1, 1, 0, 0, 0, 0, "neon"}, w, nullptr);
  CHECK(isa.error() == "no kernels for instruction set 'neon' on this machine");
  CHECK(convplay::Conv2dPlan::instruction_sets().back() == "scalar");
}
