// The fast convolution (convplay/conv2d_plan.h) against the reference conv2d (convplay/conv.h), on
// random shapes that hit every SIMD remainder (output widths 1..70), channel blocks of 1..4 and more,
// strides 1..3 (rows and columns apart), groups 1, 2 and depthwise (M = C, 2·C, 3·C), kernel sizes
// 1, 3, 5, 7 and others, every padding, every instruction set, and 0..3 worker threads; results must
// be bit-identical whatever the number of threads. The channel-vectorised kernels (4 pixels running on
// across rows) on their own: 1..4 pixels, rows 1..13 wide, filters 1..20, and bit for bit against the
// row kernels. The seed is printed; rerun one with --rng-seed N.
#include <catch2/catch.hpp>

#include <convplay/conv.h>
#include <convplay/conv2d_plan.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace {
struct Case {
  int64_t N, C, H, W, M, KH, KW, pt, pb, pl, pr;
  bool bias;
  int64_t SH = 1, SW = 1, G = 1;
  convplay::Conv2dAlgorithm algo = convplay::Conv2dAlgorithm::Auto;
};

convplay::Tensor tensor(std::vector<int64_t> shape, const std::vector<float>& data) {
  return {std::move(shape), {data.begin(), data.end()}};
}

// The reference conv2d (accumulates in double).
std::vector<float> reference(const Case& c, const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b) {
  convplay::Conv2dParams p;
  p.stride_h = c.SH; p.stride_w = c.SW; p.groups = c.G;
  p.padding = convplay::Padding::Explicit;
  p.pad_top = c.pt; p.pad_bottom = c.pb; p.pad_left = c.pl; p.pad_right = c.pr;
  const convplay::Tensor bias = tensor({c.M}, b);
  auto y = convplay::conv2d(tensor({c.N, c.C, c.H, c.W}, x), tensor({c.M, c.C / c.G, c.KH, c.KW}, w),
                            c.bias ? &bias : nullptr, p);
  REQUIRE(y.ok());
  return {y->data.begin(), y->data.end()};
}

convplay::Conv2dPlanSpec spec_of(const Case& c, const std::string& isa, convplay::Conv2dTiling tiling) {
  convplay::Conv2dPlanSpec s{c.N, c.C, c.H, c.W, c.M, c.KH, c.KW, c.pt, c.pb, c.pl, c.pr, isa};
  s.SH = c.SH; s.SW = c.SW; s.groups = c.G;
  s.algorithm = c.algo;
  s.tiling = tiling;
  return s;
}

std::string describe(const Case& c) {
  return "N" + std::to_string(c.N) + " C" + std::to_string(c.C) + " " + std::to_string(c.H) + "x" + std::to_string(c.W) +
         " M" + std::to_string(c.M) + " K" + std::to_string(c.KH) + "x" + std::to_string(c.KW) + " pad " +
         std::to_string(c.pt) + "," + std::to_string(c.pb) + "," + std::to_string(c.pl) + "," + std::to_string(c.pr) +
         " stride " + std::to_string(c.SH) + "," + std::to_string(c.SW) + " groups " + std::to_string(c.G) +
         (c.bias ? " bias" : "");
}

// Plans c with the instruction set (and kernel family), runs it serially and on every pool, compares
// with the reference (within float32 rounding of the double-precision sums) and with the serial run
// (bit for bit). Returns the serial run's output.
std::vector<float> check_case(const Case& c, const std::string& isa, std::mt19937& rng,
                              std::initializer_list<convplay::ThreadPool*> pools,
                              convplay::Conv2dTiling tiling = convplay::Conv2dTiling::Auto) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(c.N * c.C * c.H * c.W)),
      w(static_cast<size_t>(c.M * (c.C / c.G) * c.KH * c.KW)), b(static_cast<size_t>(c.M));
  for (auto* v : {&x, &w, &b}) for (float& f : *v) f = value(rng);
  const auto want = reference(c, x, w, b);
  const convplay::Conv2dPlanSpec spec = spec_of(c, isa, tiling);
  convplay::Conv2dPlan plan(spec, w.data(), c.bias ? b.data() : nullptr);
  INFO(describe(c) << " isa '" << isa << "' kernel " << plan.kernel_name());
  REQUIRE(plan.ok());
  if (c.algo != convplay::Conv2dAlgorithm::Auto) CHECK(plan.algorithm() == c.algo);
  CHECK(plan.workspace_bytes() == convplay::Conv2dPlan::workspace_bytes_for(spec));
  // Direct sums round like the reference's float result (1e-4 is loose). Winograd's transforms add
  // rounding that grows with the terms summed: F(4×4, 3×3) has measured errors up to ~1.2e-4 with 64
  // channels (576 terms) in WebAssembly, ~1e-5 with 4; allow 2e-5·√terms.
  const float tolerance = plan.algorithm() == convplay::Conv2dAlgorithm::Direct
                              ? 1e-4f
                              : 2e-5f * std::sqrt(static_cast<float>(c.C / c.G * c.KH * c.KW));
  std::vector<float> first;
  for (convplay::ThreadPool* pool : pools) {
    std::vector<float> y(static_cast<size_t>(plan.output_size()), NAN);
    plan.run(x.data(), y.data(), pool);
    INFO("workers " << (pool ? pool->workers() : 0));
    REQUIRE(y.size() == want.size());
    for (size_t k = 0; k < y.size(); ++k) {
      if (std::fabs(y[k] - want[k]) <= tolerance * (1.0f + std::fabs(want[k]))) continue;
      const int64_t OW = plan.out_w(), OH = plan.out_h(), ki = static_cast<int64_t>(k);
      FAIL("output n " << ki / (c.M * OH * OW) << " m " << ki / (OH * OW) % c.M << " oh " << ki / OW % OH << " ow "
                       << ki % OW << ": " << y[k] << ", want " << want[k]);
    }
    if (first.empty()) first = y;
    else REQUIRE(y == first); // bit-identical whatever the number of threads
  }
  return first;
}

int64_t pick_in(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
} // namespace

TEST_CASE("fast conv2d equals the reference on random shapes, strides and groups", "[conv2d_plan]") {
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return pick_in(rng, lo, hi); };
  // At most 4 workers alive at once (the threaded WebAssembly tests pre-spawn 4).
  convplay::ThreadPool pool1(1), pool3(3);
  const int64_t kernel_sizes[] = {1, 3, 5, 7, 1, 3, 5, 7, 2, 4, 6, 9};
  int checked = 0, strided = 0, grouped = 0, depthwise = 0;
  const auto isas = convplay::Conv2dPlan::instruction_sets();
  for (int trial = 0; trial < 400; ++trial) {
    // Every instruction set this machine has (the best one on two trials in three), every tile.
    const std::string isa = trial % 3 == 0 ? isas[static_cast<size_t>(trial / 3) % isas.size()] : "";
    Case c{pick(1, 3), pick(1, 5), pick(1, 20), pick(1, 40), pick(1, 17), kernel_sizes[pick(0, 11)],
           kernel_sizes[pick(0, 11)], pick(0, 3), pick(0, 3), pick(0, 3), pick(0, 3), pick(0, 1) == 1};
    if (trial % 4 == 0) c.W = pick(41, 140); // wide rows: every remainder of the widest tiles
    if (trial % 2 == 1) { c.SH = pick(1, 3); c.SW = pick(1, 3); }
    switch (trial % 5) {
    case 1: c.G = 2; c.C = 2 * pick(1, 3); c.M = 2 * pick(1, 8); break;          // two groups
    case 2: case 3: c.G = c.C = pick(1, 12); c.M = c.C * pick(1, 3); break;      // depthwise, M = C, 2C, 3C
    default: break;
    }
    if (c.H + c.pt + c.pb < c.KH || c.W + c.pl + c.pr < c.KW) continue;
    check_case(c, isa, rng, {nullptr, &pool1, &pool3});
    ++checked;
    strided += c.SH > 1 || c.SW > 1;
    grouped += c.G > 1;
    depthwise += c.G > 1 && c.G == c.C;
  }
  CHECK(checked > 250);
  CHECK(strided > 100);
  CHECK(grouped > 150);
  CHECK(depthwise > 100);
}

// The instruction sets with channel-vectorised kernels (a plan forced to them says so otherwise).
std::vector<std::string> channel_isas() {
  std::vector<std::string> v;
  for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
    convplay::Conv2dPlanSpec s{1, 1, 4, 4, 1, 1, 1, 0, 0, 0, 0, isa};
    s.tiling = convplay::Conv2dTiling::Channels;
    const float w[1] = {1.0f};
    const convplay::Conv2dPlan plan(s, w, nullptr);
    if (plan.ok()) v.push_back(isa);
    else CHECK(plan.error() == "no channel-vectorised kernels for instruction set '" + isa + "'");
  }
  return v;
}

TEST_CASE("channel-vectorised kernels equal the reference and the row kernels on every remainder", "[conv2d_plan]") {
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed + 2);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return pick_in(rng, lo, hi); };
  const auto isas = channel_isas();
  REQUIRE(!isas.empty());
  CHECK(isas.back() == "scalar"); // the reference of the SIMD ones
  convplay::ThreadPool pool1(1), pool3(3);
  const int64_t kernel_sizes[] = {1, 3, 5, 7, 2, 4};
  int checked = 0, tiny = 0;
  for (int trial = 0; trial < 240; ++trial) {
    const std::string& isa = isas[static_cast<size_t>(trial) % isas.size()];
    // Few pixels (1..4 and every remainder of the 4-pixel tile), rows of any width (1..13), filters
    // 1..20 (every remainder of the 4- and 8-channel blocks), batches, strides, groups, padding.
    Case c{pick(1, 3), pick(1, 4), pick(1, 9), pick(1, 13), pick(1, 20), kernel_sizes[pick(0, 5)],
           kernel_sizes[pick(0, 5)], pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 1) == 1};
    if (trial % 3 == 1) { c.SH = pick(1, 3); c.SW = pick(1, 3); }
    switch (trial % 4) {
    case 1: c.G = 2; c.C = 2 * pick(1, 3); c.M = 2 * pick(1, 10); break; // two groups
    case 2: c.G = c.C = pick(1, 6); c.M = c.C * pick(1, 3); break;       // depthwise
    default: break;
    }
    if (c.H + c.pt + c.pb < c.KH || c.W + c.pl + c.pr < c.KW) continue;
    INFO("trial " << trial);
    check_case(c, isa, rng, {nullptr, &pool1, &pool3}, convplay::Conv2dTiling::Channels);
    ++checked;
    const int64_t oh = (c.H + c.pt + c.pb - c.KH) / c.SH + 1, ow = (c.W + c.pl + c.pr - c.KW) / c.SW + 1;
    tiny += oh * ow < 4;
  }
  CHECK(checked > 180);
  CHECK(tiny > 5);
}

TEST_CASE("channel-vectorised kernels give the row kernels' bits", "[conv2d_plan]") {
  std::mt19937 rng(5);
  const Case cases[] = {
      {1, 6, 14, 14, 16, 5, 5, 0, 0, 0, 0, true},         // LeNet conv2 (s2)
      {2, 3, 9, 7, 13, 3, 3, 1, 1, 1, 1, false, 2, 1, 1}, // 13 filters, row stride 2
      {1, 4, 11, 12, 6, 3, 2, 0, 1, 2, 0, true, 1, 3, 2}, // column stride 3, two groups
  };
  for (const std::string& isa : channel_isas()) {
    if (isa != "sse2" && isa != "wasmsimd" && isa != "scalar") continue; // multiply then add, as the rows
    for (const Case& c : cases) {
      INFO(describe(c) << " isa " << isa);
      std::mt19937 same = rng;
      const auto rows = check_case(c, isa, same, {nullptr}, convplay::Conv2dTiling::Columns);
      const auto pixels = check_case(c, isa, rng, {nullptr}, convplay::Conv2dTiling::Channels);
      REQUIRE(!rows.empty());
      CHECK(rows == pixels);
    }
  }
}

TEST_CASE("outputs far larger than the caches (prefetched a tile ahead) equal the reference", "[conv2d_plan]") {
  std::mt19937 rng(13);
  // Output 8 MB and more, in row tiles that prefetch the output lines of the next tile (past the
  // output's end at the last one): rows starting at 64-byte boundaries (512 columns) and not (514: a
  // last vector overlapping the one before), every instruction set; serial and with 2 workers, bit
  // for bit the same.
  const Case cases[] = {
      {1, 1, 512, 512, 8, 1, 1, 0, 0, 0, 0, true, 1, 1, 1, convplay::Conv2dAlgorithm::Direct},
      {1, 2, 512, 514, 8, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, convplay::Conv2dAlgorithm::Direct},
  };
  convplay::ThreadPool pool(2);
  for (const Case& c : cases)
    for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
      INFO(describe(c) << " isa " << isa);
      const convplay::Conv2dPlanSpec s = spec_of(c, isa, convplay::Conv2dTiling::Columns);
      const std::vector<float> w(static_cast<size_t>(c.M * c.C * c.KH * c.KW), 0.5f);
      CHECK(std::string(convplay::Conv2dPlan(s, w.data(), nullptr).kernel_name()).find("_row") != std::string::npos);
      check_case(c, isa, rng, {nullptr, &pool}, convplay::Conv2dTiling::Columns);
    }
}

TEST_CASE("large outputs split by channel blocks among the threads equal the reference", "[conv2d_plan]") {
  // Outputs of 2 MB and more whose channel blocks divide among the threads: each thread computes its
  // own blocks over every image and chunk (1 worker: 2 threads, 3 workers: 4; 24 and 32 filters in
  // blocks of 8, 6 or 4 divide among some of them and not others); serial and threaded, bit for bit.
  std::mt19937 rng(17);
  const Case cases[] = {
      {2, 2, 150, 150, 32, 3, 3, 1, 1, 1, 1, true},
      {1, 1, 160, 160, 24, 3, 3, 0, 0, 0, 0, false},
  };
  convplay::ThreadPool one(1), three(3);
  for (const Case& c : cases)
    for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
      INFO(describe(c) << " isa " << isa);
      check_case(c, isa, rng, {nullptr, &one, &three}, convplay::Conv2dTiling::Columns);
    }
}

TEST_CASE("wide rows in the 8x3 AVX-512 tile equal the reference on every remainder", "[conv2d_plan]") {
  // Rows of 6 vectors of 16 or more (96 columns) take the 8 × 3 tile where 8-channel blocks suit M:
  // widths that end in a full 3-vector tile, in 2- and 1-vector tiles and in an overlapping last
  // vector; channel blocks full and not (M = 13: a block of 5); column strides 1 and 2 (the strided
  // kernels); serial and threaded, bit for bit.
  const auto isas = convplay::Conv2dPlan::instruction_sets();
  if (std::find(isas.begin(), isas.end(), "avx512f") == isas.end()) return;
  std::mt19937 rng(15);
  const Case cases[] = {
      {1, 3, 6, 96, 8, 3, 3, 1, 1, 1, 1, true},
      {1, 2, 5, 112, 13, 3, 3, 0, 0, 1, 1, false},
      {1, 1, 4, 131, 16, 5, 5, 2, 2, 2, 2, true},
      {2, 3, 7, 150, 24, 1, 1, 0, 0, 0, 0, true},
      {1, 4, 8, 100, 8, 7, 7, 0, 0, 3, 3, false},
      {1, 2, 9, 230, 16, 3, 3, 1, 1, 1, 1, true, 2, 2},
      {1, 2, 6, 104, 8, 2, 4, 0, 0, 0, 0, true}, // any kernel width
  };
  convplay::ThreadPool pool1(1), pool3(3);
  for (const Case& c : cases) {
    INFO(describe(c));
    const convplay::Conv2dPlanSpec s = spec_of(c, "avx512f", convplay::Conv2dTiling::Columns);
    const std::vector<float> w(static_cast<size_t>(c.M * c.C * c.KH * c.KW), 0.5f);
    CHECK(std::string(convplay::Conv2dPlan(s, w.data(), nullptr).kernel_name()).find("_8x3v_row") != std::string::npos);
    check_case(c, "avx512f", rng, {nullptr, &pool1, &pool3}, convplay::Conv2dTiling::Columns);
  }
  // Narrower rows keep the 8 × 2 tile.
  const Case narrow{1, 3, 6, 95, 8, 3, 3, 0, 0, 0, 0, true};
  const std::vector<float> w(8 * 3 * 9, 0.5f);
  CHECK(std::string(convplay::Conv2dPlan(spec_of(narrow, "avx512f", convplay::Conv2dTiling::Columns), w.data(), nullptr)
                        .kernel_name()) == "conv2d_direct_f32_8x2v_row__avx512f");
}

TEST_CASE("the plan picks the channel-vectorised kernel for short rows", "[conv2d_plan]") {
  const std::vector<float> w(64 * 64 * 25, 0.5f);
  auto kernel = [&](convplay::Conv2dPlanSpec s) { return std::string(convplay::Conv2dPlan(s, w.data(), nullptr).kernel_name()); };
  if (convplay::Conv2dPlan::instruction_sets().front() == "avx512f") {
    CHECK(kernel({1, 6, 14, 14, 16, 5, 5}).find("10px1v_pixels__") != std::string::npos); // s2: 10 columns
    CHECK(kernel({1, 3, 32, 32, 64, 5, 5}).find("14px2v_pixels__") != std::string::npos); // s3: 28 columns
    CHECK(kernel({1, 3, 224, 224, 64, 3, 3, 1, 1, 1, 1}) == "conv2d_direct_f32_8x3v_row__avx512f"); // s4
  }
  if (convplay::Conv2dPlan::instruction_sets().front() == "wasmsimd") {
    CHECK(kernel({1, 6, 14, 14, 16, 5, 5}).find("_pixels__") != std::string::npos);   // s2: 10 columns
    CHECK(kernel({1, 3, 32, 32, 64, 5, 5}).find("_pixels__") != std::string::npos);   // s3: 28 columns
    // s4: 64 filters in 4-channel row tiles, not 5-channel ones (one channel wasted in 65, but 5×2 spills in V8).
    CHECK(kernel({1, 3, 224, 224, 64, 3, 3, 1, 1, 1, 1}) == "conv2d_direct_f32_4x2v_row__wasmsimd");
    CHECK(kernel({64, 1, 28, 28, 6, 5, 5}).find("_row__") != std::string::npos);      // s6: 6 filters
    // x5_s2_vgg (3->32, stride 2, 112 columns): 32 filters in 4-channel row tiles, no channel wasted.
    CHECK(kernel({1, 3, 224, 224, 32, 3, 3, 1, 1, 1, 1, "", 2, 2}) == "conv2d_direct_f32_4x2v_row_s__wasmsimd");
  }
  // Rows narrower than a vector: the channel-vectorised kernel of an instruction set that has one.
  const std::string narrow = kernel({1, 4, 5, 3, 8, 3, 3});
  if (channel_isas().front() != "scalar") CHECK(narrow.find("_pixels__") != std::string::npos);
  convplay::Conv2dPlanSpec forced{1, 6, 14, 14, 16, 5, 5};
  forced.tiling = convplay::Conv2dTiling::Columns;
  CHECK(kernel(forced).find("_row__") != std::string::npos);
  forced.tiling = convplay::Conv2dTiling::Channels;
  CHECK(kernel(forced).find("_pixels__") != std::string::npos);
}

TEST_CASE("fast conv2d on Winograd F(2x2, 3x3) and F(4x4, 3x3) equals the reference on random 3x3 layers", "[conv2d_plan]") {
  // Every output-size parity (odd rows and columns clip the last tiles), tile runs that end inside a
  // tile row and span several, every padding, every instruction set, batches, 0..3 workers.
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed + 3);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return pick_in(rng, lo, hi); };
  convplay::ThreadPool pool1(1), pool3(3);
  const auto isas = convplay::Conv2dPlan::instruction_sets();
  for (int trial = 0; trial < 160; ++trial) {
    Case c{pick(1, 3), pick(1, 20), pick(1, 30), pick(1, 70), pick(1, 24), 3, 3, pick(0, 2), pick(0, 2), pick(0, 2),
           pick(0, 2), pick(0, 1) == 1};
    if (trial % 10 < 2) { c.H = pick(40, 90); c.W = pick(40, 90); c.N = 1; } // several tasks per image
    c.algo = trial % 2 ? convplay::Conv2dAlgorithm::WinogradF2 : convplay::Conv2dAlgorithm::WinogradF4;
    if (c.H + c.pt + c.pb < 3 || c.W + c.pl + c.pr < 3) continue;
    // Both tiles on every instruction set (the ISA moves every second trial).
    check_case(c, isas[static_cast<size_t>(trial / 2) % isas.size()], rng, {nullptr, &pool1, &pool3});
  }
  // 64 channels in and out (s5's), where the rounding of the transforms adds up most; several tasks
  // (natively 32 tiles each) and a short last one.
  for (const auto algo : {convplay::Conv2dAlgorithm::WinogradF2, convplay::Conv2dAlgorithm::WinogradF4}) {
    Case c{1, 64, 30, 37, 64, 3, 3, 1, 1, 1, 1, true};
    c.algo = algo;
    check_case(c, "", rng, {nullptr, &pool3});
  }
  // Auto takes Winograd for 3×3 layers with enough channels (64 here) and outputs, else the direct kernel.
  std::vector<float> w(256 * 256 * 9, 0.5f);
  const auto algo_of = [&](convplay::Conv2dPlanSpec s) { return convplay::Conv2dPlan(s, w.data(), nullptr).algorithm(); };
  // The tile that pays: 4×4 on images of enough tiles and work (20×20 here), 2×2 on smaller ones.
  CHECK(algo_of({1, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::WinogradF4);
  CHECK(algo_of({1, 64, 8, 8, 64, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::WinogradF2); // 64 outputs
  convplay::Conv2dPlanSpec any{1, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1};
  any.algorithm = convplay::Conv2dAlgorithm::Winograd; // the tile Auto would take
  CHECK(algo_of(any) == convplay::Conv2dAlgorithm::WinogradF4);
#if !defined(__wasm_simd128__)
  // Natively F(4×4) needs 2^20 multiply-adds per tap (C·M·outputs) and 16 of its tiles; else F(2×2)
  // from 2048 channel pairs, direct below (AVX-512 rows).
  CHECK(algo_of({1, 32, 28, 28, 32, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::Direct);        // 0.8M, 1024 pairs
  CHECK(algo_of({1, 256, 7, 7, 256, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::WinogradF2);    // 4 tiles of 4×4
  CHECK(algo_of({1, 8, 64, 64, 32, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::WinogradF4);     // 1.05M
  CHECK(algo_of({1, 16, 40, 40, 16, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::Direct);
#endif
  CHECK(algo_of({1, 4, 40, 40, 64, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::Direct); // 4 channels in
  CHECK(algo_of({1, 3, 20, 20, 16, 3, 3, 1, 1, 1, 1}) == convplay::Conv2dAlgorithm::Direct);
  CHECK(algo_of({1, 16, 20, 20, 16, 5, 5}) == convplay::Conv2dAlgorithm::Direct);
  convplay::Conv2dPlanSpec direct{1, 16, 20, 20, 16, 3, 3};
  direct.algorithm = convplay::Conv2dAlgorithm::Direct;
  CHECK(algo_of(direct) == convplay::Conv2dAlgorithm::Direct);
  // Forced on a layer it cannot compute: a message, no plan.
  convplay::Conv2dPlanSpec strided{1, 16, 20, 20, 16, 3, 3};
  strided.SH = 2;
  strided.algorithm = convplay::Conv2dAlgorithm::Winograd;
  CHECK(convplay::Conv2dPlan(strided, w.data(), nullptr).error() == "Winograd needs a 3×3 kernel, stride 1 and one group");
  strided.algorithm = convplay::Conv2dAlgorithm::WinogradF2;
  CHECK_FALSE(convplay::Conv2dPlan(strided, w.data(), nullptr).ok());
  CHECK(convplay::Conv2dPlan::workspace_bytes_for(strided) > 0); // what a direct plan would hold
  // Predicted without overflow for layers far too large to plan.
  convplay::Conv2dPlanSpec huge{int64_t{1} << 40, 64, 1 << 20, 1 << 20, 64, 3, 3, 1, 1, 1, 1};
  huge.algorithm = convplay::Conv2dAlgorithm::WinogradF4;
  CHECK(convplay::Conv2dPlan::workspace_bytes_for(huge) == std::numeric_limits<int64_t>::max());
  huge = {1, 64, 1 << 20, 1 << 20, 64, 3, 3, 1, 1, 1, 1};
  huge.algorithm = convplay::Conv2dAlgorithm::WinogradF2;
  CHECK(convplay::Conv2dPlan::workspace_bytes_for(huge) > (int64_t{1} << 40));
}

TEST_CASE("large strided and grouped layers take the threaded path and match the reference", "[conv2d_plan]") {
  // 2^17 multiply-adds and more run on the pool (smaller ones stay on the caller).
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed + 1);
  INFO("seed " << seed);
  const Case cases[] = {
      {2, 8, 40, 37, 9, 3, 3, 1, 1, 1, 1, false},               // stride 1, groups 1
      {2, 8, 41, 77, 9, 3, 3, 1, 1, 1, 1, true, 2, 2, 1},       // stride 2
      {1, 6, 45, 90, 12, 5, 7, 2, 2, 3, 3, true, 3, 2, 2},      // unequal strides, two groups
      {2, 16, 40, 67, 16, 3, 3, 1, 1, 1, 1, true, 1, 1, 16},    // depthwise
      {2, 16, 48, 70, 32, 3, 3, 0, 1, 0, 1, false, 2, 2, 16},   // depthwise stride 2, M = 2C
      {1, 24, 57, 57, 24, 5, 5, 2, 2, 2, 2, true, 2, 3, 24},    // depthwise K5, strides 2 and 3
      {3, 1, 64, 100, 1, 7, 7, 3, 3, 3, 3, false, 2, 2, 1},     // single channel K7 stride 2
      {2, 16, 45, 61, 20, 3, 3, 1, 1, 1, 1, true, 1, 1, 1, convplay::Conv2dAlgorithm::WinogradF4}, // odd output sizes
      {1, 9, 70, 33, 9, 3, 3, 0, 1, 1, 0, false, 1, 1, 1, convplay::Conv2dAlgorithm::WinogradF2},  // uneven padding
  };
  // The channel-vectorised kernels split the pixels (not rows) between tasks.
  const Case pixel_cases[] = {
      {1, 6, 14, 14, 16, 5, 5, 0, 0, 0, 0, true},               // LeNet conv2: 100 pixels, 16 filters
      {2, 3, 33, 31, 20, 3, 3, 1, 1, 1, 1, false},              // 20 filters: blocks of 8 and 4
      {1, 3, 37, 29, 13, 5, 5, 2, 1, 0, 2, true, 2, 1, 1},      // row stride 2, 13 filters
      {2, 12, 30, 30, 24, 3, 3, 1, 1, 1, 1, true, 1, 2, 3},     // column stride 2, three groups
  };
  const auto isas = convplay::Conv2dPlan::instruction_sets();
  const auto pixel_isas = channel_isas();
  // 0..3 workers; at most 4 alive at once (the threaded WebAssembly tests pre-spawn 4).
  for (int first_workers : {1, 2}) {
    convplay::ThreadPool a(static_cast<size_t>(first_workers)), b(first_workers == 1 ? 3 : 0);
    for (const Case& c : cases)
      for (const std::string& isa : isas) check_case(c, isa, rng, {nullptr, &a, &b});
    for (const Case& c : pixel_cases)
      for (const std::string& isa : pixel_isas) check_case(c, isa, rng, {nullptr, &a, &b}, convplay::Conv2dTiling::Channels);
  }
}

TEST_CASE("strides wider than the input cost no more than the input, however large", "[conv2d_plan]") {
  std::mt19937 rng(11);
  // One output column (or row) per image: the stride only says no second window fits.
  for (const int64_t stride : {int64_t{17}, int64_t{4096}, int64_t{1} << 40, int64_t{1} << 60}) {
    INFO("stride " << stride);
    for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
      check_case({1, 2, 16, 16, 3, 2, 2, 0, 0, 1, 0, true, 1, stride}, isa, rng, {nullptr});
      check_case({2, 2, 9, 7, 2, 3, 3, 1, 1, 1, 1, false, stride, stride}, isa, rng, {nullptr});
    }
    convplay::Conv2dPlanSpec s{1, 1, 16, 16, 1, 2, 2};
    s.SW = stride;
    // The padded copy holds at most the padded width's phases: 16 rows × 16 columns here.
    CHECK(convplay::Conv2dPlan::workspace_bytes_for(s) < 4096);
  }
  convplay::Conv2dPlanSpec s{1, 1, 16, 16, 1, 2, 2};
  s.SW = s.SH = std::numeric_limits<int64_t>::max();
  const float w[4] = {1, 2, 3, 4};
  convplay::Conv2dPlan plan(s, w, nullptr);
  REQUIRE(plan.ok());
  CHECK(plan.out_h() == 1);
  CHECK(plan.out_w() == 1);
  std::vector<float> x(256, 1.0f), y(1, 0.0f);
  plan.run(x.data(), y.data(), nullptr);
  CHECK(y[0] == 10.0f);
}

TEST_CASE("depthwise kernels (input read in place) equal the reference on every remainder, padding and stride", "[conv2d_plan]") {
  // Depthwise layers with column stride 1 or 2 take kernels/dwconv2d_f32*: widths 1..70 cross every
  // vector remainder and the edge vectors (padding 0..4 a side, wider than a vector's reach too);
  // 3x3 and other kernels; 1..3 filters per channel; row strides 1..3; 0..3 workers (bit-identical).
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed + 2);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  auto pick = [&](int lo, int hi) { return pick_in(rng, lo, hi); };
  convplay::ThreadPool pool1(1), pool3(3);
  const int64_t kernel_sizes[] = {3, 3, 3, 1, 2, 5, 7};
  const auto depthwise = convplay::Conv2dTiling::Depthwise;
  int checked = 0;
  for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
    for (int trial = 0; trial < 60; ++trial) {
      const int64_t C = pick(1, 6), K = kernel_sizes[pick(0, 6)], KW = pick(0, 3) == 0 ? kernel_sizes[pick(0, 6)] : K;
      Case c{pick(1, 2), C, pick(1, 24), trial < 35 ? 1 + trial * 2 : pick(1, 70), C * pick(1, 3), K, KW,
             pick(0, 2), pick(0, 2), pick(0, 4), pick(0, 4), pick(0, 1) == 1, pick(1, 3), pick(1, 2), C};
      if (c.H + c.pt + c.pb < c.KH || c.W + c.pl + c.pr < c.KW) continue;
      if (isa == "avx512f") { // which has none
        const convplay::Conv2dPlan none(spec_of(c, isa, depthwise), std::vector<float>(static_cast<size_t>(c.M * c.KH * c.KW)).data(), nullptr);
        CHECK(none.error() == "no depthwise kernels for instruction set 'avx512f'");
        continue;
      }
      const std::vector<float> y = check_case(c, isa, rng, {nullptr, &pool1, &pool3}, depthwise);
      CHECK(y.size() == static_cast<size_t>(c.N * c.M) * static_cast<size_t>((c.H + c.pt + c.pb - c.KH) / c.SH + 1) *
                            static_cast<size_t>((c.W + c.pl + c.pr - c.KW) / c.SW + 1));
      ++checked;
    }
  }
  CHECK(checked > 100);
  // Large enough for the pool (planes × row bands), stride 1 and 2, uneven padding.
  const Case big[] = {
      {1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, true, 1, 1, 64},
      {1, 64, 112, 112, 64, 3, 3, 0, 1, 0, 1, true, 2, 2, 64},
      {2, 5, 61, 75, 10, 5, 5, 2, 2, 2, 2, false, 1, 2, 5},
  };
  for (const Case& c : big)
    for (const std::string& isa : convplay::Conv2dPlan::instruction_sets())
      if (isa != "avx512f") check_case(c, isa, rng, {nullptr, &pool1, &pool3}, depthwise);
  // Not depthwise, or a column stride the kernels do not have: refused with a message.
  for (const Case& c : {Case{1, 4, 9, 9, 4, 3, 3, 1, 1, 1, 1, false, 1, 1, 2}, Case{1, 4, 9, 9, 4, 3, 3, 1, 1, 1, 1, false, 1, 3, 4}}) {
    const convplay::Conv2dPlan bad(spec_of(c, "", depthwise), std::vector<float>(72).data(), nullptr);
    CHECK(bad.error() == "the depthwise kernels need groups = C and a column stride of 1 or 2");
  }
}

TEST_CASE("depthwise 3x3 stride 2 equals the reference on widths 1..40, every padding and row split", "[conv2d_plan]") {
  // 3×3 at stride 2 both ways (dwconv2d_3x3s2_rows in WebAssembly, the generic kernels elsewhere):
  // widths 1..40 cross every vector remainder, the vector steps' last column (inside the row or the
  // right padding) and the scalar columns at either edge; heights 1..9 give passes of two rows and of
  // one and input rows above and below the image; padding valid, same (TensorFlow's split, the extra
  // at the bottom / right), full and one-sided. Then planes large enough for the pool, split into
  // bands of odd and even row counts by 1 and 3 workers (bit-identical to the serial run).
  const auto seed = Catch::rngSeed();
  std::mt19937 rng(seed + 3);
  INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
  convplay::ThreadPool pool1(1), pool3(3);
  const auto depthwise = convplay::Conv2dTiling::Depthwise;
  // Padding before and after for a size n: valid, same, full, then 3 before and none after.
  auto paddings = [](int64_t n) {
    const int64_t same = std::max<int64_t>(0, ((n + 1) / 2 - 1) * 2 + 3 - n);
    return std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {same / 2, same - same / 2}, {2, 2}, {3, 0}};
  };
  int checked = 0;
  for (const std::string& isa : convplay::Conv2dPlan::instruction_sets()) {
    if (isa == "avx512f") continue; // which has no depthwise kernels
    for (int64_t W = 1; W <= 40; ++W) {
      const int64_t H = 1 + W % 9;
      const auto ph = paddings(H), pw = paddings(W);
      for (size_t k = 0; k < ph.size(); ++k) {
        const Case c{1 + W % 2, 2, H, W, 2 * (1 + (W % 3 == 0)), 3, 3, ph[k].first, ph[k].second, pw[k].first,
                     pw[k].second, W % 4 != 0, 2, 2, 2};
        if (H + c.pt + c.pb < 3 || W + c.pl + c.pr < 3) continue;
        check_case(c, isa, rng, {nullptr, &pool1, &pool3}, depthwise);
        ++checked;
      }
    }
    // 2 planes, 101 and 100 output rows: the pool's bands are 7 rows at 1 worker, 4 at 3. Then rows
    // wider than the WebAssembly kernel's zero row, and a row stride of 1 (both on the generic kernel).
    for (const Case& c : {Case{1, 2, 201, 203, 2, 3, 3, 1, 1, 1, 1, true, 2, 2, 2},
                          Case{1, 2, 200, 200, 2, 3, 3, 0, 1, 0, 1, true, 2, 2, 2},
                          Case{1, 1, 199, 198, 2, 3, 3, 2, 2, 2, 2, false, 2, 2, 1},
                          Case{1, 1, 5, 4101, 1, 3, 3, 1, 1, 1, 1, true, 2, 2, 1},
                          Case{1, 2, 9, 37, 2, 3, 3, 1, 1, 1, 1, true, 1, 2, 2}})
      check_case(c, isa, rng, {nullptr, &pool1, &pool3}, depthwise);
  }
  CHECK(checked > 200);
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
  std::vector<float> x(64, 1.0f), y(64, 0.0f);
  for (int64_t bad : {0, -1}) {
    convplay::Conv2dPlanSpec s{1, 1, 4, 4, 1, 1, 1};
    s.SH = bad;
    convplay::Conv2dPlan rows(s, w, nullptr);
    CHECK(rows.error() == "stride must be at least 1");
    s.SH = 1;
    s.SW = bad;
    convplay::Conv2dPlan cols(s, w, nullptr);
    CHECK(cols.error() == "stride must be at least 1");
    cols.run(x.data(), y.data(), nullptr); // does nothing
    CHECK(cols.output_size() == 0);
    CHECK(convplay::Conv2dPlan::workspace_bytes_for(s) == 0);
  }
  convplay::Conv2dPlanSpec g{1, 6, 4, 4, 4, 1, 1};
  g.groups = 4; // divides M, not C
  CHECK(convplay::Conv2dPlan(g, w9.data(), nullptr).error() == "groups (4) must be at least 1 and divide C (6) and M (4)");
  g.groups = 3; // divides C, not M
  CHECK_FALSE(convplay::Conv2dPlan(g, w9.data(), nullptr).ok());
  g.groups = 0;
  CHECK_FALSE(convplay::Conv2dPlan(g, w9.data(), nullptr).ok());
  CHECK(convplay::Conv2dPlan::workspace_bytes_for(g) == 0);
  g.groups = -2;
  CHECK_FALSE(convplay::Conv2dPlan(g, w9.data(), nullptr).ok());
  // Stride larger than the kernel and the input: one output, the rest of the input unread.
  convplay::Conv2dPlanSpec s{1, 1, 4, 4, 1, 1, 1};
  s.SH = s.SW = 9;
  convplay::Conv2dPlan one(s, w, nullptr);
  REQUIRE(one.ok());
  CHECK(one.output_size() == 1);
}

TEST_CASE("set_weights gives the bits of a new plan with those weights", "[conv2d_plan]") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  convplay::Conv2dPlanSpec lenet1{4, 1, 28, 28, 6, 5, 5, 2, 2, 2, 2};
  convplay::Conv2dPlanSpec lenet2{4, 6, 14, 14, 16, 5, 5};
  convplay::Conv2dPlanSpec grouped{2, 4, 9, 9, 6, 3, 3, 1, 1, 1, 1, "", 1, 2, 2};
  convplay::Conv2dPlanSpec winograd{1, 16, 20, 20, 16, 3, 3, 1, 1, 1, 1};
  winograd.algorithm = convplay::Conv2dAlgorithm::WinogradF2;
  for (const auto& s : {lenet1, lenet2, grouped, winograd}) {
    const int64_t wn = s.M * s.C / s.groups * s.KH * s.KW;
    std::vector<float> x(static_cast<size_t>(s.N * s.C * s.H * s.W)), w1(static_cast<size_t>(wn)), w2 = w1,
        b1(static_cast<size_t>(s.M)), b2 = b1;
    for (auto* v : {&x, &w1, &w2, &b1, &b2})
      for (float& f : *v) f = u(rng);
    for (const bool with_bias : {true, false}) {
      convplay::Conv2dPlan fresh(s, w2.data(), with_bias ? b2.data() : nullptr);
      convplay::Conv2dPlan reused(s, w1.data(), b1.data());
      REQUIRE(fresh.ok());
      REQUIRE(reused.ok());
      std::vector<float> y1(static_cast<size_t>(fresh.output_size())), y2(y1.size(), NAN);
      reused.run(x.data(), y2.data(), nullptr); // runs once on the old weights first
      reused.set_weights(w2.data(), with_bias ? b2.data() : nullptr);
      fresh.run(x.data(), y1.data(), nullptr);
      reused.run(x.data(), y2.data(), nullptr);
      INFO(fresh.kernel_name() << " bias " << with_bias);
      CHECK(y1 == y2);
    }
  }
}
