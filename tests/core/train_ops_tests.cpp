// The fast dense layer and backward passes (convplay/train_ops.h) against the references of layers.h
// and conv.h: random shapes across the GEMM tile remainders, every padding (also wider than the
// kernel), every instruction set, 0..3 worker threads with bit-identical results, LeNet-5's layers at
// batch 64, and the errors and fallbacks. Tolerance: float rounding of the sums, scaled by Σ|terms|
// (the reference run on absolute values). The seed is printed; rerun one with --rng-seed N.
#include "test_support.h"

#include <convplay/gemm.h>
#include <convplay/train_ops.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace convplay::test {
using Pools = std::vector<std::unique_ptr<ThreadPool>>;
Pools make_pools(); // gemm_tests.cpp: 0..3 workers (0, 1 and 3 in WebAssembly)
} // namespace convplay::test

namespace {
using convplay::Conv2dParams;
using convplay::test::Pools;
using convplay::Padding;
using convplay::test::random_tensor;
using convplay::test::uniform;
using convplay::Tensor;
using convplay::TrainOpsOptions;

constexpr double kRel = 2e-5; // of Σ|terms|

Tensor absolute(Tensor t) {
  for (float& v : t.data) v = std::fabs(v);
  return t;
}

// |got − want| ≤ kRel·scale + 1e-6 element by element; names the first that is not.
void check_scaled(const char* what, const Tensor& got, const Tensor& want, const Tensor& scale) {
  INFO(what);
  REQUIRE(got.shape == want.shape);
  REQUIRE(got.data.size() == want.data.size());
  for (size_t i = 0; i < got.data.size(); ++i) {
    INFO("element " << i << " of " << convplay::shape_string(got.shape) << ": " << got.data[i] << " vs expected "
                    << want.data[i]);
    REQUIRE(std::fabs(got.data[i] - want.data[i]) <= kRel * scale.data[i] + 1e-6);
  }
}

void check_same_bits(const char* what, const Tensor& a, const Tensor& b) {
  INFO(what << " differs between thread counts");
  REQUIRE(a.shape == b.shape);
  REQUIRE(a.data.size() == b.data.size());
  REQUIRE((a.data.empty() || std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0));
}

// Forward and backward of one dense layer on every pool, against the references.
void check_dense(const Pools& pools, const Tensor& x, const Tensor& w, const Tensor* bias, const Tensor& gy,
                 const std::string& isa) {
  Tensor b_abs = bias ? absolute(*bias) : Tensor{};
  auto want_y = convplay::dense(x, w, bias);
  auto scale_y = convplay::dense(absolute(x), absolute(w), bias ? &b_abs : nullptr);
  auto want_g = convplay::dense_backward(x, w, bias != nullptr, gy);
  auto scale_g = convplay::dense_backward(absolute(x), absolute(w), bias != nullptr, absolute(gy));
  REQUIRE(want_y.ok());
  REQUIRE(want_g.ok());
  Tensor first_y;
  convplay::DenseGradients first_g;
  for (const auto& pool : pools) {
    INFO("workers " << pool->workers() << " isa '" << isa << "'");
    const TrainOpsOptions o{pool.get(), isa};
    auto y = convplay::dense_fast(x, w, bias, o);
    auto g = convplay::dense_backward_fast(x, w, bias != nullptr, gy, o);
    REQUIRE(y.ok());
    REQUIRE(g.ok());
    check_scaled("y", *y, *want_y, *scale_y);
    check_scaled("grad_input", g->input, want_g->input, scale_g->input);
    check_scaled("grad_weight", g->weight, want_g->weight, scale_g->weight);
    check_scaled("grad_bias", g->bias, want_g->bias, scale_g->bias);
    if (pool == pools.front()) {
      first_y = *y;
      first_g = *g;
      continue;
    }
    check_same_bits("y", *y, first_y);
    check_same_bits("grad_input", g->input, first_g.input);
    check_same_bits("grad_weight", g->weight, first_g.weight);
    check_same_bits("grad_bias", g->bias, first_g.bias);
  }
}

void check_conv(const Pools& pools, const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                const Conv2dParams& p, const std::string& isa) {
  REQUIRE(convplay::conv2d_backward_fast_covers(x.shape, p));
  auto want = convplay::conv2d_backward(x, w, with_bias, gy, p);
  auto scale = convplay::conv2d_backward(absolute(x), absolute(w), with_bias, absolute(gy), p);
  REQUIRE(want.ok());
  for (bool one_part : {false, true}) { // the weight gradient's images split for threads, or as one part
    convplay::ConvGradients first;
    for (const auto& pool : pools) {
      INFO("workers " << pool->workers() << " isa '" << isa << "' one_part " << one_part);
      auto g = convplay::conv2d_backward_fast(x, w, with_bias, gy, p, {pool.get(), isa, true, one_part});
      REQUIRE(g.ok());
      check_scaled("grad_input", g->input, want->input, scale->input);
      check_scaled("grad_weight", g->weight, want->weight, scale->weight);
      check_scaled("grad_bias", g->bias, want->bias, scale->bias);
      if (pool == pools.front()) {
        first = *g;
        continue;
      }
      check_same_bits("grad_input", g->input, first.input);
      check_same_bits("grad_weight", g->weight, first.weight);
      check_same_bits("grad_bias", g->bias, first.bias);
    }
  }
}

Conv2dParams explicit_padding(int64_t t, int64_t b, int64_t l, int64_t r) {
  Conv2dParams p;
  p.padding = Padding::Explicit;
  p.pad_top = t; p.pad_bottom = b; p.pad_left = l; p.pad_right = r;
  return p;
}

// grad_output of conv2d(x, w) (random values of its shape), or empty when the layer does not fit.
Tensor conv_grad_output(std::mt19937& rng, const Tensor& x, const Tensor& w, const Conv2dParams& p) {
  auto g = convplay::conv2d_geometry(x.shape, w.shape, p);
  if (!g) return {};
  return random_tensor(rng, {g->N, g->M, g->OH, g->OW});
}
} // namespace

TEST_CASE("dense_fast and dense_backward_fast equal the references", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  const auto seed = Catch::rngSeed();
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  const auto isas = convplay::GemmKernel::instruction_sets();
  for (size_t i = 0; i < isas.size(); ++i) {
    std::mt19937 rng = convplay::test::seeded_rng(0x7a41, static_cast<int64_t>(i));
    const int64_t nr = convplay::GemmKernel::for_isa(isas[i])->nr();
    for (int trial = 0; trial < 40; ++trial) {
      const bool vector = trial % 8 == 0; // x (IN) instead of (N, IN)
      const int64_t N = vector ? 1 : uniform(rng, 1, 20), IN = uniform(rng, 1, 3 * nr + 2), OUT = uniform(rng, 1, 3 * nr + 2);
      INFO("trial " << trial << ": N " << N << " IN " << IN << " OUT " << OUT << (vector ? " (vector)" : ""));
      Tensor x = random_tensor(rng, vector ? std::vector<int64_t>{IN} : std::vector<int64_t>{N, IN});
      Tensor w = random_tensor(rng, {OUT, IN}), b = random_tensor(rng, {OUT});
      Tensor gy = random_tensor(rng, vector ? std::vector<int64_t>{OUT} : std::vector<int64_t>{N, OUT});
      check_dense(pools, x, w, trial % 3 == 0 ? nullptr : &b, gy, trial % 2 == 0 ? "" : isas[i]);
    }
  }
}

TEST_CASE("conv2d_backward_fast equals conv2d_backward on random shapes and paddings", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  const auto seed = Catch::rngSeed();
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  const auto isas = convplay::GemmKernel::instruction_sets();
  int checked = 0;
  for (int trial = 0; trial < 120; ++trial) {
    std::mt19937 rng = convplay::test::seeded_rng(0x7a42, trial);
    const std::string isa = trial % 2 == 0 ? "" : isas[static_cast<size_t>(trial / 2) % isas.size()];
    const int64_t N = uniform(rng, 1, 3), C = uniform(rng, 1, 4), H = uniform(rng, 1, 14), W = uniform(rng, 1, 14);
    const int64_t M = uniform(rng, 1, 13), KH = uniform(rng, 1, 5), KW = uniform(rng, 1, 5);
    Conv2dParams p;
    switch (trial % 4) {
    case 0: p.padding = Padding::Valid; break;
    case 1: p.padding = Padding::Same; break;
    default: // up to K + 1 on a side: also wider than the K − 1 of a full convolution
      p = explicit_padding(uniform(rng, 0, KH + 1), uniform(rng, 0, KH + 1), uniform(rng, 0, KW + 1), uniform(rng, 0, KW + 1));
    }
    Tensor x = random_tensor(rng, {N, C, H, W}), w = random_tensor(rng, {M, C, KH, KW});
    Tensor gy = conv_grad_output(rng, x, w, p);
    if (gy.data.empty()) continue;
    INFO("trial " << trial << ": x " << convplay::shape_string(x.shape) << " w " << convplay::shape_string(w.shape)
                  << " pad " << p.pad_top << "," << p.pad_bottom << "," << p.pad_left << "," << p.pad_right
                  << " padding " << static_cast<int>(p.padding));
    check_conv(pools, x, w, trial % 3 != 0, gy, p, isa);
    ++checked;
  }
  CHECK(checked > 60);
}

// The direct weight gradient's two forms (pixels or filters in the lanes: the filter count picks) and
// the input gradient's rows (single pixels at the ends, pairs between), on every instruction set:
// filter counts across the vector widths (1..17), image widths below, at and across them (1..17
// columns), kernels 1×1 to 5×5 and paddings wider than the kernel.
TEST_CASE("conv2d_backward_fast sweeps filter counts and widths across the vector remainders", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  std::vector<std::string> isas = convplay::GemmKernel::instruction_sets();
  isas.insert(isas.begin(), ""); // the best here (natively also AVX-512's weight gradient)
  const int64_t filters[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17};
  const std::pair<int64_t, int64_t> images[] = {{1, 1}, {3, 2}, {2, 4}, {5, 7}, {4, 8}, {6, 9}, {9, 13}, {3, 16}, {4, 17}};
  const std::pair<int64_t, int64_t> kernel_sizes[] = {{1, 1}, {3, 3}, {5, 5}, {2, 4}};
  int checked = 0;
  for (size_t i = 0; i < isas.size(); ++i) {
    std::mt19937 rng = convplay::test::seeded_rng(0x7a45, static_cast<int64_t>(i));
    for (int64_t M : filters)
      for (auto [H, W] : images)
        for (auto [KH, KW] : kernel_sizes) {
          const int64_t pad = (M + W + KH) % 4; // 0..3: also wider than a 1×1 or 2×4 kernel
          const Conv2dParams p = explicit_padding(pad, (pad + 1) % 3, (pad + 2) % 4, pad);
          const int64_t C = 1 + (M + H) % 3;
          Tensor x = random_tensor(rng, {2, C, H, W}), w = random_tensor(rng, {M, C, KH, KW});
          Tensor gy = conv_grad_output(rng, x, w, p);
          if (gy.data.empty()) continue;
          INFO("isa '" << isas[i] << "' x " << convplay::shape_string(x.shape) << " w " << convplay::shape_string(w.shape)
                       << " pad " << p.pad_top << "," << p.pad_bottom << "," << p.pad_left << "," << p.pad_right);
          check_conv(pools, x, w, false, gy, p, isas[i]);
          ++checked;
        }
  }
  CHECK(checked > 250 * static_cast<int>(isas.size()));
}

// The input gradient's channel blocks (one, several of equal width, a narrower last one) and image
// groups (a partial group's empty lanes), on every instruction set.
TEST_CASE("conv2d_backward_fast input gradient across channel blocks and image groups", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  std::vector<std::string> isas = convplay::GemmKernel::instruction_sets();
  isas.insert(isas.begin(), "");
  int checked = 0;
  for (size_t i = 0; i < isas.size(); ++i) {
    std::mt19937 rng = convplay::test::seeded_rng(0x7a48, static_cast<int64_t>(i));
    for (int64_t C : {5, 6, 7, 11, 13, 19})
      for (int64_t N : {1, 8, 9}) {
        const int64_t pad = (C + N) % 3;
        const Conv2dParams p = explicit_padding(pad, pad, (pad + 1) % 3, pad);
        Tensor x = random_tensor(rng, {N, C, 7, 9}), w = random_tensor(rng, {3 + C % 4, C, 3, 4});
        INFO("isa '" << isas[i] << "' x " << convplay::shape_string(x.shape) << " w " << convplay::shape_string(w.shape)
                     << " pad " << pad);
        check_conv(pools, x, w, false, conv_grad_output(rng, x, w, p), p, isas[i]);
        ++checked;
      }
  }
  CHECK(checked == 18 * static_cast<int>(isas.size()));
}

TEST_CASE("LeNet-5 layers at batch 64 and larger images take the threaded paths", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  std::mt19937 rng = convplay::test::seeded_rng(0x7a43, 0);
  struct ConvCase { std::vector<int64_t> x, w; int64_t pad; };
  const ConvCase convs[] = {{{64, 1, 28, 28}, {6, 1, 5, 5}, 2},  // LeNet-5 conv1
                            {{64, 6, 14, 14}, {16, 6, 5, 5}, 0}, // conv2
                            {{1, 3, 40, 37}, {8, 3, 5, 5}, 1},   // one image: the pool inside it
                            {{2, 3, 33, 30}, {7, 3, 3, 3}, 0},   // two chunks of the weight gradient
                            {{33, 1, 57, 57}, {4, 1, 5, 5}, 0},  // chunks of 3 images: GEMMs of 2 and 1 added
                            {{3, 4, 12, 11}, {40, 4, 3, 3}, 1},  // more filters than the direct weight gradient takes: GEMM
                            {{2, 3, 9, 9}, {70, 3, 2, 4}, 2}};   // ... its transposed form
  for (const ConvCase& c : convs) {
    INFO("x " << convplay::shape_string(c.x) << " w " << convplay::shape_string(c.w) << " pad " << c.pad);
    const Conv2dParams p = explicit_padding(c.pad, c.pad, c.pad, c.pad);
    Tensor x = random_tensor(rng, c.x), w = random_tensor(rng, c.w);
    check_conv(pools, x, w, true, conv_grad_output(rng, x, w, p), p, "");
  }
  for (auto [in, out] : {std::pair<int64_t, int64_t>{400, 120}, {120, 84}, {84, 10}}) {
    INFO("dense " << in << " → " << out);
    Tensor x = random_tensor(rng, {64, in}), w = random_tensor(rng, {out, in}), b = random_tensor(rng, {out});
    check_dense(pools, x, w, &b, random_tensor(rng, {64, out}), "");
  }
}

TEST_CASE("train ops: bad shapes are errors, other configurations run the reference", "[train_ops]") {
  std::mt19937 rng = convplay::test::seeded_rng(0x7a44, 0);
  Tensor x = random_tensor(rng, {2, 3, 8, 8}), w = random_tensor(rng, {4, 3, 3, 3}), gy = random_tensor(rng, {2, 4, 6, 6});
  const Conv2dParams valid;
  CHECK(convplay::conv2d_backward_fast(x, w, true, gy, valid).ok());
  CHECK(!convplay::conv2d_backward_fast(x, w, true, random_tensor(rng, {2, 4, 6, 5}), valid).ok());
  CHECK(!convplay::conv2d_backward_fast(x, random_tensor(rng, {4, 2, 3, 3}), true, gy, valid).ok());
  CHECK(!convplay::conv2d_backward_fast(random_tensor(rng, {2, 3, 2, 2}), w, true, gy, valid).ok());
  CHECK(!convplay::conv2d_backward_fast(random_tensor(rng, {1, 2, 3, 8, 8}), w, true, gy, valid).ok());
  Tensor short_x = x;
  short_x.data.pop_back(); // data that does not match its shape
  CHECK(!convplay::conv2d_backward_fast(short_x, w, true, gy, valid).ok());
  auto bad_isa = convplay::conv2d_backward_fast(x, w, true, gy, valid, {nullptr, "nonesuch"});
  REQUIRE(!bad_isa.ok());
  CHECK(bad_isa.error().find("nonesuch") != std::string::npos);
  // Stride 2 is the reference's: the same numbers exactly.
  Conv2dParams strided;
  strided.stride_h = strided.stride_w = 2;
  CHECK(!convplay::conv2d_backward_fast_covers(x.shape, strided));
  Tensor gy2 = random_tensor(rng, {2, 4, 3, 3});
  auto fast = convplay::conv2d_backward_fast(x, w, true, gy2, strided);
  auto ref = convplay::conv2d_backward(x, w, true, gy2, strided);
  REQUIRE(fast.ok());
  CHECK(fast->weight.data == ref->weight.data);
  CHECK(fast->input.data == ref->input.data);
  // Without the input gradient (a first layer).
  TrainOpsOptions no_input;
  no_input.input_gradient = false;
  auto g = convplay::conv2d_backward_fast(x, w, false, gy, valid, no_input);
  REQUIRE(g.ok());
  CHECK(g->input.data.empty());
  CHECK(g->bias.data.empty());
  CHECK(g->weight.shape == w.shape);

  Tensor dx = random_tensor(rng, {5, 7}), dw = random_tensor(rng, {3, 7}), db = random_tensor(rng, {3});
  CHECK(convplay::dense_fast(dx, dw, &db).ok());
  CHECK(!convplay::dense_fast(dx, random_tensor(rng, {3, 6}), &db).ok());
  CHECK(!convplay::dense_fast(dx, dw, &dw).ok());
  CHECK(!convplay::dense_fast(random_tensor(rng, {2, 5, 7}), dw, nullptr).ok());
  CHECK(!convplay::dense_fast(dx, dw, &db, {nullptr, "nonesuch"}).ok());
  CHECK(!convplay::dense_backward_fast(dx, dw, true, random_tensor(rng, {5, 4})).ok());
  CHECK(!convplay::dense_backward_fast(dx, dw, true, random_tensor(rng, {3})).ok());
  auto dg = convplay::dense_backward_fast(dx, dw, true, random_tensor(rng, {5, 3}), no_input);
  REQUIRE(dg.ok());
  CHECK(dg->input.data.empty());
}

// The input gradient runs several images as one GEMM over their columns side by side: each image's
// gradient must have the bits of a call on that image alone, for every instruction set.
TEST_CASE("conv2d_backward_fast input gradient of a batch has the bits of each image's own", "[train_ops]") {
  std::vector<std::string> isas = convplay::GemmKernel::instruction_sets();
  std::mt19937 rng = convplay::test::seeded_rng(0x7a47, 0);
  struct Case { std::vector<int64_t> x, w; int64_t pad; };
  const Case cases[] = {{{9, 6, 14, 14}, {16, 6, 5, 5}, 0}, // LeNet-5's conv2: groups of 4 images and one
                        {{7, 2, 9, 11}, {5, 2, 3, 3}, 1},
                        {{5, 3, 6, 5}, {4, 3, 2, 4}, 2}};
  for (const std::string& isa : isas)
    for (const Case& c : cases) {
      INFO("isa '" << isa << "' x " << convplay::shape_string(c.x) << " w " << convplay::shape_string(c.w));
      const Conv2dParams p = explicit_padding(c.pad, c.pad, c.pad, c.pad);
      Tensor x = random_tensor(rng, c.x), w = random_tensor(rng, c.w);
      Tensor gy = conv_grad_output(rng, x, w, p);
      auto all = convplay::conv2d_backward_fast(x, w, false, gy, p, {nullptr, isa});
      REQUIRE(all.ok());
      const int64_t xs = x.numel() / c.x[0], gs = gy.numel() / c.x[0];
      for (int64_t n = 0; n < c.x[0]; ++n) {
        Tensor xn, gyn;
        xn.shape = {1, c.x[1], c.x[2], c.x[3]};
        xn.data.assign(x.data.begin() + n * xs, x.data.begin() + (n + 1) * xs);
        gyn.shape = {1, gy.shape[1], gy.shape[2], gy.shape[3]};
        gyn.data.assign(gy.data.begin() + n * gs, gy.data.begin() + (n + 1) * gs);
        auto one = convplay::conv2d_backward_fast(xn, w, false, gyn, p, {nullptr, isa});
        REQUIRE(one.ok());
        INFO("image " << n);
        REQUIRE(std::memcmp(one->input.data.data(), all->input.data.data() + n * xs,
                            static_cast<size_t>(xs) * sizeof(float)) == 0);
      }
    }
}

// The direct weight gradient's filter-form tiles, each forced in turn, on every instruction set and
// pool, in parts and as one: filter counts across the tiles' vectors (1..17 filters: 1..5 vectors
// of 4 against tiles of 1, 2 and 4), kernel widths the window tiles take (3, 5) and one they do not
// (4), output rows of 1..13 pixels (the transpose's 4-pixel blocks and remainders), and LeNet-5's
// layers split into several parts. Every tile sums each filter's pixels in the same order: the same
// bits as the scalar tile where the multiply-add is not fused (scalar, SSE2, WebAssembly), as each
// other where it is.
TEST_CASE("conv2d_backward_fast weight-gradient filter tiles have the bits of the scalar tile", "[train_ops]") {
  const Pools pools = convplay::test::make_pools();
  const std::vector<std::string> isas = convplay::GemmKernel::instruction_sets();
  const std::string scalar_tile = "conv2d_wgrad_f32_4vx2_filters__scalar";
  std::mt19937 rng = convplay::test::seeded_rng(0x7a49, 0);
  struct Case { std::vector<int64_t> x, w; int64_t pad; };
  std::vector<Case> cases = {{{9, 1, 28, 28}, {6, 1, 5, 5}, 2}, {{9, 6, 14, 14}, {16, 6, 5, 5}, 0}};
  const std::pair<int64_t, int64_t> kernel_sizes[] = {{5, 5}, {3, 3}, {2, 5}, {1, 3}, {3, 4}};
  const std::pair<int64_t, int64_t> widths[] = {{5, 2}, {6, 0}, {9, 1}, {13, 2}}; // W, padding
  for (int64_t M : {1, 3, 4, 5, 8, 9, 12, 16, 17})
    for (auto [KH, KW] : kernel_sizes)
      for (auto [W, pad] : widths)
        if (W + 2 * pad >= KW) cases.push_back({{2, 1 + M % 3, KH + M % 4, W}, {M, 1 + M % 3, KH, KW}, pad});
  int checked = 0;
  for (const Case& c : cases) {
    INFO("x " << convplay::shape_string(c.x) << " w " << convplay::shape_string(c.w) << " pad " << c.pad);
    const Conv2dParams p = explicit_padding(c.pad, c.pad, c.pad, c.pad);
    Tensor x = random_tensor(rng, c.x), w = random_tensor(rng, c.w);
    Tensor gy = conv_grad_output(rng, x, w, p);
    auto want = convplay::conv2d_backward(x, w, false, gy, p);
    auto scale = convplay::conv2d_backward(absolute(x), absolute(w), false, absolute(gy), p);
    REQUIRE(want.ok());
    for (bool one_part : {false, true}) {
      TrainOpsOptions o{nullptr, "scalar", false, one_part};
      o.wgrad_tile = scalar_tile;
      auto scalar = convplay::conv2d_backward_fast(x, w, false, gy, p, o);
      REQUIRE(scalar.ok());
      check_scaled("scalar tile", scalar->weight, want->weight, scale->weight);
      for (const std::string& isa : isas) {
        const bool fused = isa == "avx2fma" || isa == "avx512f";
        Tensor first;
        for (const std::string& tile : convplay::conv2d_weight_gradient_tiles(isa, c.w[3])) {
          if (tile.find("_filters") == std::string::npos) continue; // the row form sums in another order
          for (const auto& pool : pools) {
            INFO("tile " << tile << " workers " << pool->workers() << " one_part " << one_part);
            o = {pool.get(), isa, false, one_part, tile};
            auto g = convplay::conv2d_backward_fast(x, w, false, gy, p, o);
            REQUIRE(g.ok());
            check_scaled("grad_weight", g->weight, want->weight, scale->weight);
            if (first.data.empty()) first = g->weight;
            check_same_bits("grad_weight", g->weight, fused ? first : scalar->weight);
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked > 1000);
  Tensor x = random_tensor(rng, {2, 3, 8, 8}), w = random_tensor(rng, {4, 3, 3, 3}), gy = random_tensor(rng, {2, 4, 6, 6});
  TrainOpsOptions o{nullptr, "scalar"};
  o.wgrad_tile = "conv2d_wgrad_f32_4vx5_filters_window__scalar"; // 5 taps of a row 3 wide
  auto bad = convplay::conv2d_backward_fast(x, w, false, gy, {}, o);
  REQUIRE(!bad.ok());
  CHECK(bad.error().find(o.wgrad_tile) != std::string::npos);
}
