// The threaded packed GEMM (convplay/gemm.h) against a naive triple loop in double, on random shapes
// that hit every MR/NR remainder, both transposes, every bias, padded row strides, the GEMV paths
// (one row, one column), every instruction set and 0..3 worker threads (bit-identical across them).
// The seed is printed; rerun one with --rng-seed N.
#include "test_support.h"

#include <convplay/gemm.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace convplay::test {
// Pools of 0..3 workers for one test case (also used by train_ops_tests.cpp). The WebAssembly test build
// pre-spawns 4 threads and a thread beyond them never starts while a test runs: there 0, 1 and 3.
using Pools = std::vector<std::unique_ptr<ThreadPool>>;
Pools make_pools() {
#if defined(__EMSCRIPTEN__)
  const std::size_t counts[] = {0, 1, 3};
#else
  const std::size_t counts[] = {0, 1, 2, 3};
#endif
  Pools pools;
  for (std::size_t workers : counts) pools.push_back(std::make_unique<ThreadPool>(workers));
  return pools;
}
} // namespace convplay::test

namespace {
using convplay::GemmBias;
using convplay::GemmSpec;

struct Operands {
  GemmSpec s;
  int64_t lda = 0, ldb = 0, ldc = 0;
  std::vector<float> a, b, bias;
};

// Random operands for the spec, with row strides longer than the rows by 0..3.
Operands make_operands(std::mt19937& rng, const GemmSpec& s) {
  using convplay::test::uniform;
  Operands o{s, (s.transpose_a ? s.M : s.K) + uniform(rng, 0, 3), (s.transpose_b ? s.K : s.N) + uniform(rng, 0, 3),
             s.N + uniform(rng, 0, 3), {}, {}, {}};
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  o.a.resize(static_cast<size_t>((s.transpose_a ? s.K : s.M) * o.lda));
  o.b.resize(static_cast<size_t>((s.transpose_b ? s.N : s.K) * o.ldb));
  o.bias.resize(static_cast<size_t>(s.bias == GemmBias::PerRow ? s.M : s.N));
  for (auto* v : {&o.a, &o.b, &o.bias})
    for (float& f : *v) f = value(rng);
  return o;
}

// Naive C and Σ|terms| (the scale of the float rounding) per element; NaN in the stride gaps.
void naive(const Operands& o, std::vector<double>& c, std::vector<double>& scale) {
  const GemmSpec& s = o.s;
  c.assign(static_cast<size_t>(s.M * o.ldc), NAN);
  scale = c;
  for (int64_t m = 0; m < s.M; ++m)
    for (int64_t n = 0; n < s.N; ++n) {
      double acc = s.bias == GemmBias::PerRow ? o.bias[static_cast<size_t>(m)]
                   : s.bias == GemmBias::PerColumn ? o.bias[static_cast<size_t>(n)] : 0.0;
      double abs = std::fabs(acc);
      for (int64_t k = 0; k < s.K; ++k) {
        const double av = o.a[static_cast<size_t>(s.transpose_a ? k * o.lda + m : m * o.lda + k)];
        const double bv = o.b[static_cast<size_t>(s.transpose_b ? n * o.ldb + k : k * o.ldb + n)];
        acc += av * bv;
        abs += std::fabs(av * bv);
      }
      c[static_cast<size_t>(m * o.ldc + n)] = acc;
      scale[static_cast<size_t>(m * o.ldc + n)] = abs;
    }
}

std::string describe(const Operands& o) {
  const GemmSpec& s = o.s;
  return "M " + std::to_string(s.M) + " N " + std::to_string(s.N) + " K " + std::to_string(s.K) +
         (s.transpose_a ? " Aᵀ" : " A") + (s.transpose_b ? " Bᵀ" : " B") + " bias " +
         std::to_string(static_cast<int>(s.bias)) + " lda " + std::to_string(o.lda) + " ldb " + std::to_string(o.ldb) +
         " ldc " + std::to_string(o.ldc) + " isa '" + s.isa + "'";
}

using convplay::test::Pools;
// Runs the GEMM on every pool: each result within float rounding of the naive loop, NaN left in the
// stride gaps, and all of them bit-identical.
void check_all_pools(const Operands& o, const Pools& pools) {
  std::vector<double> want, scale;
  naive(o, want, scale);
  std::vector<float> first;
  for (auto& pool : pools) {
    std::vector<float> c(static_cast<size_t>(o.s.M * o.ldc), NAN);
    INFO(describe(o) << " workers " << pool->workers());
    const std::string e = convplay::gemm(o.s, o.a.data(), o.lda, o.b.data(), o.ldb,
                                         o.s.bias == GemmBias::None ? nullptr : o.bias.data(), c.data(), o.ldc, pool.get());
    REQUIRE(e.empty());
    for (size_t i = 0; i < c.size(); ++i) {
      INFO("C index " << i << " (row " << i / static_cast<size_t>(o.ldc) << ", column " << i % static_cast<size_t>(o.ldc)
                      << "): " << c[i] << " vs " << want[i]);
      if (std::isnan(want[i])) REQUIRE(std::isnan(c[i]));
      else REQUIRE(std::fabs(c[i] - want[i]) <= 1e-5 * (1.0 + scale[i]));
    }
    if (first.empty()) first = c;
    else REQUIRE(std::memcmp(first.data(), c.data(), c.size() * sizeof(float)) == 0); // NaN-safe bit compare
  }
}
} // namespace

TEST_CASE("gemm equals the naive triple loop on random shapes, every kernel set and thread count", "[gemm]") {
  const Pools pools = convplay::test::make_pools();
  const auto isas = convplay::GemmKernel::instruction_sets();
  REQUIRE(!isas.empty());
  CHECK(isas.back() == "scalar");
  const auto seed = Catch::rngSeed();
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  for (const std::string& isa : isas) {
    auto k = convplay::GemmKernel::for_isa(isa);
    REQUIRE(k.ok());
    CHECK(k->isa() == isa);
    std::mt19937 rng = convplay::test::seeded_rng(0x6e33, static_cast<int64_t>(&isa - isas.data()));
    using convplay::test::uniform;
    for (int trial = 0; trial < 150; ++trial) {
      GemmSpec s;
      // M and N sweep every remainder of the tile (up to three tiles and a bit), K from 1.
      s.M = trial % 10 == 0 ? 1 : uniform(rng, 1, 3 * k->mr() + 2);
      s.N = trial % 10 == 1 ? 1 : uniform(rng, 1, 3 * k->nr() + 2);
      s.K = uniform(rng, 1, 40);
      s.transpose_a = uniform(rng, 0, 1) == 1;
      s.transpose_b = uniform(rng, 0, 1) == 1;
      s.bias = static_cast<GemmBias>(uniform(rng, 0, 2));
      s.isa = trial % 3 == 0 ? "" : isa;
      INFO("trial " << trial);
      check_all_pools(make_operands(rng, s), pools);
    }
  }
}

TEST_CASE("gemm on shapes large enough for the threads", "[gemm]") {
  const Pools pools = convplay::test::make_pools();
  std::mt19937 rng = convplay::test::seeded_rng(0x6e34, 0);
  using convplay::test::uniform;
  for (int trial = 0; trial < 8; ++trial) {
    GemmSpec s;
    s.M = trial == 0 ? 1 : uniform(rng, 20, 130);
    s.N = trial == 1 ? 1 : uniform(rng, 20, 200);
    s.K = uniform(rng, 60, 400);
    s.transpose_a = trial % 2 == 0;
    s.transpose_b = trial % 4 < 2;
    s.bias = static_cast<GemmBias>(trial % 3);
    INFO("trial " << trial);
    check_all_pools(make_operands(rng, s), pools);
  }
}

TEST_CASE("gemm refuses bad arguments with a message", "[gemm]") {
  std::vector<float> a(64, 1.0f), b(64, 1.0f), c(64), bias(8, 0.0f);
  auto run = [&](GemmSpec s, int64_t lda, int64_t ldb, int64_t ldc, const float* bp = nullptr, const float* ap = nullptr) {
    return convplay::gemm(s, ap ? ap : a.data(), lda, b.data(), ldb, bp, c.data(), ldc, nullptr);
  };
  CHECK(run({2, 2, 2}, 2, 2, 2).empty());
  CHECK(run({0, 2, 2}, 2, 2, 2).find("at least 1") != std::string::npos);
  CHECK(run({2, -1, 2}, 2, 2, 2).find("at least 1") != std::string::npos);
  CHECK(run({2, 2, 3}, 2, 2, 2).find("lda") != std::string::npos);
  CHECK(run({2, 3, 2}, 2, 2, 3).find("ldb") != std::string::npos);
  CHECK(run({2, 3, 2}, 2, 3, 2).find("ldc") != std::string::npos);
  CHECK(run({2, 2, 2, true, false}, 1, 2, 2).find("lda") != std::string::npos);
  CHECK(run({2, 2, 2, false, false, GemmBias::PerRow}, 2, 2, 2).find("bias is missing") != std::string::npos);
  CHECK(run({2, 2, 2}, 2, 2, 2, bias.data()).find("spec says none") != std::string::npos);
  CHECK(run({2, 2, 2, false, false, GemmBias::None, "nonesuch"}, 2, 2, 2).find("nonesuch") != std::string::npos);
  CHECK(!run({int64_t{1} << 40, 2, 2}, 2, 2, 2).empty());
  CHECK(!run({2, 2, int64_t{1} << 62}, int64_t{1} << 62, 2, 2).empty());
  CHECK(!convplay::gemm({2, 2, 2}, nullptr, 2, b.data(), 2, nullptr, c.data(), 2, nullptr).empty());
  CHECK(!convplay::GemmKernel::for_isa("nonesuch").ok());
}

// A ragged last block or panel runs only the rows and vectors C has: each element must have the bits
// it gets inside full tiles (the same multiply-adds in the same order), so C's first rows and columns
// do not depend on M or N.
TEST_CASE("gemm ragged tiles give the bits of full tiles", "[gemm]") {
  std::mt19937 rng = convplay::test::seeded_rng(0x6e35, 0);
  using convplay::test::uniform;
  for (const std::string& isa : convplay::GemmKernel::instruction_sets()) {
    auto k = convplay::GemmKernel::for_isa(isa);
    REQUIRE(k.ok());
    const int64_t big_m = 2 * k->mr(), big_n = 2 * k->nr();
    for (int trial = 0; trial < 20; ++trial) {
      GemmSpec big{big_m, big_n, uniform(rng, 1, 30), false, false, static_cast<GemmBias>(trial % 3), isa};
      Operands o = make_operands(rng, big);
      std::vector<float> full(static_cast<size_t>(big_m * o.ldc));
      const float* bias = big.bias == GemmBias::None ? nullptr : o.bias.data();
      REQUIRE(convplay::gemm(big, o.a.data(), o.lda, o.b.data(), o.ldb, bias, full.data(), o.ldc, nullptr).empty());
      GemmSpec small = big;
      small.M = uniform(rng, 2, big_m);
      small.N = uniform(rng, 2, big_n);
      std::vector<float> part(static_cast<size_t>(small.M * o.ldc));
      REQUIRE(convplay::gemm(small, o.a.data(), o.lda, o.b.data(), o.ldb, bias, part.data(), o.ldc, nullptr).empty());
      INFO(describe(o) << " as M " << small.M << " N " << small.N);
      for (int64_t m = 0; m < small.M; ++m)
        for (int64_t n = 0; n < small.N; ++n) {
          INFO("row " << m << " column " << n);
          REQUIRE(std::memcmp(&part[static_cast<size_t>(m * o.ldc + n)], &full[static_cast<size_t>(m * o.ldc + n)],
                              sizeof(float)) == 0);
        }
    }
  }
}

TEST_CASE("gemm packing writes the documented layout for every kernel set, transpose and remainder", "[gemm]") {
  std::mt19937 rng = convplay::test::seeded_rng(0x7ac4, 0);
  using convplay::test::uniform;
  for (const std::string& isa : convplay::GemmKernel::instruction_sets()) {
    auto k = convplay::GemmKernel::for_isa(isa);
    REQUIRE(k.ok());
    for (int trial = 0; trial < 40; ++trial) {
      // Rows up to three groups (every remainder of the 4-row blocks and of the group), K past 4·n + 3.
      const bool as_a = trial % 2 == 0, transposed = trial / 2 % 2 == 1;
      const int64_t width = as_a ? k->mr() : k->nr();
      const int64_t X = uniform(rng, 1, 3 * width), K = uniform(rng, 1, 19);
      // Z (X × K) as the caller stores it: A is M × K (or K × M transposed), B is K × N (or N × K).
      const bool k_major = as_a ? transposed : !transposed;
      const int64_t ld = (k_major ? X : K) + uniform(rng, 0, 3);
      std::vector<float> src(static_cast<size_t>((k_major ? K : X) * ld));
      for (float& f : src) f = static_cast<float>(uniform(rng, -1000, 1000));
      const int64_t size = as_a ? k->packed_a_size(X, K) : k->packed_b_size(K, X);
      std::vector<float> dst(static_cast<size_t>(size), NAN);
      if (as_a) k->pack_a(src.data(), ld, transposed, X, K, dst.data(), nullptr);
      else k->pack_b(src.data(), ld, transposed, K, X, dst.data(), nullptr);
      INFO("isa " << isa << (as_a ? " A" : " B") << (transposed ? "ᵀ" : "") << " X " << X << " K " << K << " ld " << ld);
      for (int64_t g = 0; g < (X + width - 1) / width; ++g)
        for (int64_t kk = 0; kk < K; ++kk)
          for (int64_t i = 0; i < width; ++i) {
            const int64_t x = g * width + i;
            const float want = x < X ? src[static_cast<size_t>(k_major ? kk * ld + x : x * ld + kk)] : 0.0f;
            INFO("group " << g << " k " << kk << " lane " << i);
            REQUIRE(dst[static_cast<size_t>((g * K + kk) * width + i)] == want);
          }
    }
  }
}
