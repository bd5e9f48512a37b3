// Winograd F(2×2, 3×3) for Conv2dPlan: pads the input into even/odd column phases, then per task (a
// run of output tiles of one image) transforms the input tiles of every channel, runs the 16 products
// U_ξ · V_ξ on the direct kernel (1×1 convolutions whose "columns" are tiles) and transforms back.
#include "conv2d_winograd.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace convplay::detail {
namespace {
// Scratch of one task (V: 16 × C × tiles, M: 16 × M × tiles) stays within this, so a product's
// operands (one ξ) sit in L1/L2 while its tile runs.
constexpr int64_t kTaskScratchBytes = 256 << 10;
constexpr int64_t kXi = 16; // positions in a 4×4 tile

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

kernels::WinogradKernels transforms_for(const std::string& isa) {
  if (isa == "scalar") return kernels::winograd_f23_f32_kernels__scalar();
#if defined(__wasm_simd128__)
  return kernels::winograd_f23_f32_kernels__wasmsimd();
#elif defined(__SSE2__)
  return kernels::winograd_f23_f32_kernels__sse2();
#else
  return kernels::winograd_f23_f32_kernels__scalar();
#endif
}

struct Geometry {
  int64_t th, tw, hq, phase;
};
// Tiles per column and row; the padded buffer: hq rows (whole tiles, zeros below the input), each
// row its even then its odd columns, `phase` floats each (every tile reads columns up to 2·tw + 1).
Geometry geometry(int64_t oh, int64_t ow) { return {ceil_div(oh, 2), ceil_div(ow, 2), 2 * ceil_div(oh, 2) + 2, ceil_div(ow, 2) + 1}; }
} // namespace

bool winograd_applies(const Conv2dPlanSpec& s) { return s.KH == 3 && s.KW == 3 && s.SH == 1 && s.SW == 1 && s.groups == 1; }

bool winograd_pays(const Conv2dPlanSpec& s) { return winograd_applies(s) && s.C >= 8 && s.M >= 8; }

int64_t winograd_tile_block(const Conv2dPlanSpec& s) {
  const int64_t per_tile = kXi * (s.C + s.M) * static_cast<int64_t>(sizeof(float));
  return std::clamp<int64_t>(kTaskScratchBytes / per_tile / 16 * 16, 16, 256);
}

Conv2dWinograd::Conv2dWinograd(const Conv2dPlanSpec& s, const float* weights, const float* bias, int64_t oh, int64_t ow,
                               const kernels::Conv2dDirectTile& tile, const std::string& isa)
    : s_(s), oh_(oh), ow_(ow), tb_(winograd_tile_block(s)), mb_(tile.mb), product_(tile.rows[0]),
      transforms_(transforms_for(isa)) {
  const Geometry g = geometry(oh, ow);
  th_ = g.th; tw_ = g.tw; hq_ = g.hq; phase_ = g.phase;
  blocks_ = ceil_div(s.M, mb_);
  // U_ξ packed as the direct kernel reads 1×1 weights: blocks × C × MB per ξ, zeros past M.
  u_.assign(static_cast<size_t>(kXi * blocks_ * s.C * mb_), 0.0f);
  float u[kXi];
  for (int64_t m = 0; m < s.M; ++m)
    for (int64_t c = 0; c < s.C; ++c) {
      kernels::winograd_f23_weights(weights + (m * s.C + c) * 9, u);
      for (int64_t xi = 0; xi < kXi; ++xi)
        u_[static_cast<size_t>(((xi * blocks_ + m / mb_) * s.C + c) * mb_ + m % mb_)] = u[xi];
    }
  zero_bias_.assign(static_cast<size_t>(blocks_ * mb_), 0.0f); // the bias is added after the output transform
  bias_.assign(static_cast<size_t>(s.M), 0.0f);
  if (bias) std::copy(bias, bias + s.M, bias_.begin());
  padded_.assign(static_cast<size_t>(s.N * s.C * hq_ * 2 * phase_), 0.0f); // borders stay zero
  scratch_.assign(static_cast<size_t>(kXi * (s.C + s.M) * tb_), 0.0f);
}

int64_t Conv2dWinograd::workspace_bytes() const {
  return static_cast<int64_t>((u_.size() + zero_bias_.size() + bias_.size() + padded_.size() + scratch_.size()) * sizeof(float));
}

int64_t Conv2dWinograd::workspace_bytes_for(const Conv2dPlanSpec& s, int64_t mb) {
  // Called for specs the plan accepted (their sizes were checked for overflow there).
  const int64_t oh = s.H + s.pad_top + s.pad_bottom - 2, ow = s.W + s.pad_left + s.pad_right - 2;
  const Geometry g = geometry(oh, ow);
  const int64_t floats = kXi * ceil_div(s.M, mb) * s.C * mb + ceil_div(s.M, mb) * mb + s.M + s.N * s.C * g.hq * 2 * g.phase +
                         kXi * (s.C + s.M) * winograd_tile_block(s);
  return floats * static_cast<int64_t>(sizeof(float));
}

void Conv2dWinograd::run(const float* x, float* y, ThreadPool* pool) {
  const Conv2dPlanSpec& s = s_;
  const int64_t threads = pool ? static_cast<int64_t>(pool->workers()) + 1 : 1;
  const int64_t slot = kXi * (s.C + s.M) * tb_;
  if (static_cast<int64_t>(scratch_.size()) < threads * slot) scratch_.resize(static_cast<size_t>(threads * slot));
  const int64_t pitch = 2 * phase_, plane = hq_ * pitch;
  // 1. The padded copy, even and odd columns apart, in strips of rows (two threads share even a
  //    three-channel image).
  const int64_t planes = s.N * s.C;
  const int64_t strips = std::clamp<int64_t>(pool ? 8 * threads / planes : 1, 1, s.H);
  const int64_t strip_rows = ceil_div(s.H, strips);
  parallel_for(pool, planes * strips, [&](int64_t i) {
    const int64_t p = i / strips, h0 = i % strips * strip_rows, h1 = std::min(s.H, h0 + strip_rows);
    for (int64_t h = h0; h < h1; ++h)
      deinterleave_row(x + (p * s.H + h) * s.W, padded_.data() + p * plane + (s.pad_top + h) * pitch, s.W, s.pad_left, 2, phase_);
  });
  // 2. Tasks: runs of tb_ tiles (row-major over the image's tiles) of one image, taken from a shared
  //    counter by one loop per thread, each with its own scratch. What a task computes does not
  //    depend on the thread that runs it.
  const int64_t tiles = th_ * tw_, per_image = ceil_div(tiles, tb_), tasks = s.N * per_image;
  const int64_t K = s.C;
  std::atomic<int64_t> next{0};
  auto task = [&](int64_t t, float* v, float* m) {
    const int64_t n = t / per_image, first = t % per_image * tb_, count = std::min(tb_, tiles - first);
    // Tiles first .. first + count, in segments of one tile row each.
    auto segments = [&](auto&& f) {
      for (int64_t i = 0; i < count;) {
        const int64_t ty = (first + i) / tw_, tx = (first + i) % tw_, len = std::min(count - i, tw_ - tx);
        f(ty, tx, len, i);
        i += len;
      }
    };
    kernels::WinogradInputArgs in;
    in.x = padded_.data() + n * s.C * plane;
    in.plane = plane; in.pitch = pitch; in.phase = phase_; in.C = K;
    in.v = v; in.ld = tb_;
    segments([&](int64_t ty, int64_t tx, int64_t len, int64_t col) { transforms_.input(in, ty, tx, len, col); });
    kernels::Conv2dDirectArgs a;
    a.bias = zero_bias_.data();
    a.C = K; a.Hp = 1; a.Wp = tb_; a.M = s.M; a.KH = a.KW = 1; a.OH = 1; a.OW = count;
    for (int64_t xi = 0; xi < kXi; ++xi) {
      a.x = v + xi * K * tb_;
      a.w = u_.data() + xi * blocks_ * K * mb_;
      a.y = m + xi * s.M * count;
      for (int64_t block = 0; block < blocks_; ++block) product_(a, 0, block, 0);
    }
    kernels::WinogradOutputArgs out;
    out.m = m;
    out.bias = bias_.data();
    out.y = y + n * s.M * oh_ * ow_;
    out.M = s.M; out.OH = oh_; out.OW = ow_; out.ld = count;
    segments([&](int64_t ty, int64_t tx, int64_t len, int64_t col) { transforms_.output(out, ty, tx, len, col); });
  };
  parallel_for(pool, std::min(threads, tasks), [&](int64_t worker) {
    float* v = scratch_.data() + worker * slot;
    float* m = v + kXi * K * tb_;
    for (int64_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) task(t, v, m);
  });
}

} // namespace convplay::detail
