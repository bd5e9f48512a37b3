// The fast pooling (convplay/pool2d_plan.h) against max_pool2d / avg_pool2d of convplay/pool.h, on
// random shapes that hit every SIMD remainder (output widths 1..40, interior runs of every length mod 4),
// windows 1..4, strides 1..4, padding, ceil_mode, both divisors, every instruction set and 0..3 worker
// threads. Max must give the reference's bits (NaN, ±∞ and signed zeros included); avg within a few
// ulp; every instruction set and thread count the same bits (an average's NaN: any NaN). The seed is printed; rerun with --rng-seed N.
#include "test_support.h"

#include <convplay/pool.h>
#include <convplay/pool2d_plan.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace {
using convplay::Pool2dPlan;
using convplay::Pool2dPlanSpec;
using convplay::PoolOp;

std::string describe(const Pool2dPlanSpec& s) {
  return std::string(s.op == PoolOp::Max ? "max" : "avg") + " N" + std::to_string(s.N) + " C" + std::to_string(s.C) +
         " " + std::to_string(s.H) + "x" + std::to_string(s.W) + " K" + std::to_string(s.KH) + "x" + std::to_string(s.KW) +
         " S" + std::to_string(s.SH) + "x" + std::to_string(s.SW) + " pad " + std::to_string(s.pad_h) + "," +
         std::to_string(s.pad_w) + (s.ceil_mode ? " ceil" : "") + (s.count_include_pad ? "" : " exclude-pad") +
         " isa '" + s.isa + "'";
}

// The reference output of pool.h for this spec.
convplay::Tensor reference(const Pool2dPlanSpec& s, const convplay::Tensor& x) {
  convplay::Pool2dParams p;
  p.kernel_h = s.KH; p.kernel_w = s.KW; p.stride_h = s.SH; p.stride_w = s.SW; p.pad_h = s.pad_h; p.pad_w = s.pad_w;
  p.ceil_mode = s.ceil_mode;
  p.count_include_pad = s.count_include_pad;
  if (s.op == PoolOp::Max) {
    auto r = convplay::max_pool2d(x, p);
    INFO((r ? "" : r.error()));
    REQUIRE(r);
    return r->output;
  }
  auto r = convplay::avg_pool2d(x, p);
  INFO((r ? "" : r.error()));
  REQUIRE(r);
  return *r;
}

uint32_t bits(float v) {
  uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

// Max: the reference's bits; avg: within a few ulp of the reference's double sum (NaN where it has NaN).
void check_against_reference(const Pool2dPlanSpec& s, const std::vector<float>& y, const convplay::Tensor& want) {
  REQUIRE(y.size() == want.data.size());
  const double taps = static_cast<double>(s.KH * s.KW);
  for (size_t i = 0; i < y.size(); ++i) {
    const float got = y[i], ref = want.data[i];
    if (s.op == PoolOp::Max) {
      if (bits(got) != bits(ref)) {
        INFO("output index " << i << " (plane " << i / static_cast<size_t>(want.shape[2] * want.shape[3]) << ", row "
                             << i / static_cast<size_t>(want.shape[3]) % static_cast<size_t>(want.shape[2]) << ", column "
                             << i % static_cast<size_t>(want.shape[3]) << "): " << got << " vs expected " << ref);
        REQUIRE(bits(got) == bits(ref));
      }
    } else if (std::isnan(ref) || std::isnan(got)) {
      INFO("output index " << i << ": " << got << " vs expected " << ref);
      REQUIRE((std::isnan(ref) && std::isnan(got)));
    } else if (got != ref && !(std::fabs(static_cast<double>(got) - ref) <= 1.2e-7 * taps * (1.0 + std::fabs(ref)))) {
      INFO("output index " << i << ": " << got << " vs expected " << ref);
      REQUIRE(std::fabs(static_cast<double>(got) - ref) <= 1.2e-7 * taps * (1.0 + std::fabs(ref))); // ±∞ equal above
    }
  }
}

// A valid random spec (padding at most half the window), op and isa given.
Pool2dPlanSpec random_spec(std::mt19937& rng, int64_t max_c, int64_t max_hw) {
  using convplay::test::uniform;
  Pool2dPlanSpec s;
  s.N = uniform(rng, 1, 2);
  s.C = uniform(rng, 1, max_c);
  s.KH = uniform(rng, 1, 4);
  s.KW = uniform(rng, 1, 4);
  // Half the trials use the layers nets use: stride = window, often 2×2.
  if (uniform(rng, 0, 1) == 0) {
    if (uniform(rng, 0, 1) == 0) s.KH = s.KW = 2;
    s.SH = s.SW = uniform(rng, 0, 1) == 0 ? 0 : s.KW;
  } else {
    s.SH = uniform(rng, 1, 4);
    s.SW = uniform(rng, 1, 4);
  }
  s.pad_h = uniform(rng, 0, s.KH / 2);
  s.pad_w = uniform(rng, 0, s.KW / 2);
  s.H = uniform(rng, std::max<int64_t>(1, s.KH - 2 * s.pad_h), max_hw);
  s.W = uniform(rng, std::max<int64_t>(1, s.KW - 2 * s.pad_w), max_hw);
  s.ceil_mode = uniform(rng, 0, 1) == 1;
  s.count_include_pad = uniform(rng, 0, 1) == 1;
  s.op = uniform(rng, 0, 1) == 0 ? PoolOp::Max : PoolOp::Avg;
  return s;
}

// Runs the spec on every instruction set with pools of each number of workers (one pool at a time:
// the threaded WebAssembly build pre-spawns only 4 workers, and a thread beyond them would never start);
// checks the first result against the reference and the others against the first, bit for bit.
void check_everywhere(Pool2dPlanSpec s, const convplay::Tensor& x, std::initializer_list<size_t> worker_counts) {
  const convplay::Tensor want = reference(s, x);
  std::vector<float> first;
  for (const std::string& isa : Pool2dPlan::instruction_sets()) {
    s.isa = isa;
    const Pool2dPlan plan(s);
    INFO(describe(s));
    REQUIRE(plan.ok());
    REQUIRE(plan.out_h() == want.shape[2]);
    REQUIRE(plan.out_w() == want.shape[3]);
    for (const size_t workers : worker_counts) {
      convplay::ThreadPool pool(workers);
      INFO("workers " << pool.workers() << ", kernel " << plan.kernel_name());
      std::vector<float> y(static_cast<size_t>(plan.output_size()), 12345.0f);
      plan.run(x.data.data(), y.data(), &pool);
      if (first.empty()) {
        check_against_reference(s, y, want);
        first = y;
      } else {
        // Same bits; an average's NaN may differ in payload (which NaN operand an addition keeps).
        for (size_t i = 0; i < y.size(); ++i)
          if (bits(y[i]) != bits(first[i]) && !(s.op == PoolOp::Avg && std::isnan(y[i]) && std::isnan(first[i]))) {
            INFO("output index " << i << ": " << y[i] << " vs " << first[i]);
            REQUIRE(bits(y[i]) == bits(first[i]));
          }
      }
    }
  }
}
} // namespace

TEST_CASE("fast pooling equals max_pool2d / avg_pool2d on random shapes, every instruction set", "[pool2d_plan]") {
  const auto seed = Catch::rngSeed();
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  std::vector<int> width_mod(4, 0);
  for (int64_t trial = 0; trial < 400; ++trial) {
    auto rng = convplay::test::seeded_rng(0x9001, trial);
    const Pool2dPlanSpec s = random_spec(rng, 3, trial % 4 == 0 ? 40 : 17);
    const convplay::Tensor x = convplay::test::random_tensor(rng, {s.N, s.C, s.H, s.W});
    INFO("trial " << trial);
    check_everywhere(s, x, {0}); // below the threaded size: the pool would not be used
    const Pool2dPlan plan(s);
    ++width_mod[static_cast<size_t>(plan.out_w() % 4)];
  }
  for (int m = 0; m < 4; ++m) {
    INFO("output widths ≡ " << m << " mod 4");
    CHECK(width_mod[static_cast<size_t>(m)] > 20);
  }
}

TEST_CASE("large pooling layers split between 0..3 worker threads give the same bits", "[pool2d_plan]") {
  const auto seed = Catch::rngSeed();
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  for (int64_t trial = 0; trial < 12; ++trial) {
    auto rng = convplay::test::seeded_rng(0x9002, trial);
    Pool2dPlanSpec s = random_spec(rng, 24, 70);
    s.C = std::max<int64_t>(s.C, 16);
    s.H = std::max<int64_t>(s.H, 48);
    s.W = std::max<int64_t>(s.W, 48);
    const Pool2dPlan probe(s); // channels for at least 2^17 taps: the threaded path
    const int64_t taps_per_plane = probe.out_h() * probe.out_w() * s.KH * s.KW;
    s.C = std::max(s.C, ((int64_t{1} << 17) + s.N * taps_per_plane - 1) / (s.N * taps_per_plane));
    const convplay::Tensor x = convplay::test::random_tensor(rng, {s.N, s.C, s.H, s.W});
    INFO("trial " << trial);
    check_everywhere(s, x, {0, 1, 2, 3});
  }
}

TEST_CASE("fast max pooling propagates NaN and keeps ±∞ and the sign of zero as the reference", "[pool2d_plan]") {
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), 0.0f, -0.0f};
  for (int64_t trial = 0; trial < 120; ++trial) {
    auto rng = convplay::test::seeded_rng(0x9003, trial);
    Pool2dPlanSpec s = random_spec(rng, 3, 33);
    if (trial % 2 == 0) { // the fast 2×2 kernel
      s.KH = s.KW = s.SH = s.SW = 2;
      s.pad_h = std::min<int64_t>(s.pad_h, 1);
      s.pad_w = std::min<int64_t>(s.pad_w, 1);
      s.H = std::max<int64_t>(s.H, 2);
      s.W = std::max<int64_t>(s.W, 2);
    }
    convplay::Tensor x = convplay::test::random_tensor(rng, {s.N, s.C, s.H, s.W});
    // Mostly zeros of both signs (ties between +0 and −0), a few NaN and infinities.
    for (float& v : x.data) {
      const auto r = convplay::test::uniform(rng, 0, 99);
      if (r < 40) v = r % 2 ? 0.0f : -0.0f;
      else if (r < 44) v = specials[static_cast<size_t>(r - 40)];
    }
    INFO("trial " << trial);
    check_everywhere(s, x, {0}); // below the threaded size: the pool would not be used
  }
}

TEST_CASE("fast pooling picks the 2x2 stride-2 kernel and plans the bench shapes", "[pool2d_plan]") {
  for (const PoolOp op : {PoolOp::Max, PoolOp::Avg}) {
    Pool2dPlanSpec s;
    s.N = 1; s.C = 64; s.H = s.W = 112; s.KH = s.KW = 2; s.SH = s.SW = 2; s.op = op;
    const Pool2dPlan plan(s);
    REQUIRE(plan.ok());
    CHECK(plan.out_h() == 56);
    CHECK(plan.out_w() == 56);
    CHECK(plan.output_size() == 64 * 56 * 56);
    CHECK(std::string(plan.kernel_name()).find(op == PoolOp::Max ? "max_k2s2__" : "avg_k2s2__") != std::string::npos);
    s.SW = 1;
    CHECK(std::string(Pool2dPlan(s).kernel_name()).find("_s1__") != std::string::npos);
    s.SW = 3;
    CHECK(std::string(Pool2dPlan(s).kernel_name()).find("_any__") != std::string::npos);
  }
  CHECK(Pool2dPlan::instruction_sets().back() == "scalar");
  CHECK(Pool2dPlan::workspace_bytes() == 0);
}

TEST_CASE("fast pooling refuses impossible plans with a message and runs nothing", "[pool2d_plan]") {
  auto plan = [](auto edit) {
    Pool2dPlanSpec s;
    s.N = 1; s.C = 2; s.H = 6; s.W = 6; s.KH = s.KW = 2;
    edit(s);
    return Pool2dPlan(s);
  };
  CHECK(plan([](Pool2dPlanSpec& s) { s.H = 0; }).error() == "every size must be at least 1");
  CHECK(plan([](Pool2dPlanSpec& s) { s.KW = -1; }).error() == "every size must be at least 1");
  CHECK(plan([](Pool2dPlanSpec& s) { s.DH = 2; }).error().find("dilation 1 only") != std::string::npos);
  CHECK(plan([](Pool2dPlanSpec& s) { s.pad_w = 2; }).error().rfind("width: ", 0) == 0); // more than half the window
  CHECK(plan([](Pool2dPlanSpec& s) { s.SH = -1; }).error().rfind("height: ", 0) == 0);
  CHECK(plan([](Pool2dPlanSpec& s) { s.KH = s.KW = 7; }).error().rfind("height: ", 0) == 0); // window > input
  CHECK(plan([](Pool2dPlanSpec& s) { s.N = s.C = 1 << 20; s.H = s.W = 1 << 20; }).error().find("exceed") != std::string::npos);
  CHECK(plan([](Pool2dPlanSpec& s) { s.H = int64_t{1} << 40; }).error().find("exceed") != std::string::npos);
  const Pool2dPlan neon = plan([](Pool2dPlanSpec& s) { s.isa = "neon"; });
  CHECK(neon.error() == "no kernels for instruction set 'neon' on this machine");
  CHECK_FALSE(neon.ok());
  float x[72] = {}, y = 7.0f;
  const Pool2dPlan bad = plan([](Pool2dPlanSpec& s) { s.W = 0; });
  bad.run(x, &y, nullptr);
  CHECK(y == 7.0f);
  CHECK(bad.output_size() == 0);
}

TEST_CASE("avg_pool_divisor is what avg_pool2d divides each window by", "[pool2d][divisor]") {
  // On an input of ones each output is (taps inside the input) / divisor; the taps inside are counted here.
  for (bool count_pad : {true, false})
    for (int64_t k : {1, 2, 3, 4})
      for (int64_t s : {1, 2, 3})
        for (int64_t p = 0; p <= k / 2; ++p)
          for (bool ceil : {false, true}) {
            convplay::Pool2dParams pp;
            pp.kernel_h = pp.kernel_w = k;
            pp.stride_h = pp.stride_w = s;
            pp.pad_h = pp.pad_w = p;
            pp.ceil_mode = ceil;
            pp.count_include_pad = count_pad;
            convplay::Tensor ones;
            ones.shape = {5, 7};
            ones.data.assign(35, 1.0f);
            const auto y = convplay::avg_pool2d(ones, pp);
            const auto g = convplay::pool2d_geometry(ones.shape, pp, convplay::PoolOp::Avg);
            if (!y.ok()) continue; // e.g. no output for this size
            REQUIRE(g.ok());
            for (int64_t r = 0; r < g->OH; ++r)
              for (int64_t c = 0; c < g->OW; ++c) {
                INFO("k " << k << " s " << s << " p " << p << " ceil " << ceil << " count_pad " << count_pad << " at " << r << "," << c);
                int64_t inside = 0;
                for (int64_t i = 0; i < k; ++i)
                  for (int64_t j = 0; j < k; ++j) {
                    const int64_t ir = r * s - p + i, ic = c * s - p + j;
                    inside += ir >= 0 && ir < 5 && ic >= 0 && ic < 7;
                  }
                const int64_t d = convplay::avg_pool_divisor(*g, r, c);
                REQUIRE(d > 0);
                CHECK(y->data[static_cast<size_t>(r * g->OW + c)] == Approx(static_cast<double>(inside) / d));
                if (!count_pad) CHECK(d == inside);
              }
          }
}
