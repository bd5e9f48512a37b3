// Winograd F(r×r, 3×3) for Conv2dPlan (r = 2 or 4): pads the input into r column phases, then per
// task (a run of output tiles of one image) transforms the input tiles of every channel, runs the
// (r + 2)² products U_ξ · V_ξ on the direct kernel (1×1 convolutions whose "columns" are tiles) and
// transforms back.
#include "conv2d_winograd.h"
#include "kernels/config.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

namespace convplay::detail {
namespace {
// Scratch of one task (V: ξ × C × tiles, M: ξ × M × tiles) stays within this, so a product's
// operands (one ξ) sit in L1/L2 while its tile runs. Natively a task of 32 tiles with 64 channels in
// and out (576 KB for F(4×4)) fills the AVX-512 products' two vectors of columns and reads U (36 ×
// 16 KB) half as often: s5's F(4×4) 0.98 → 0.93 ms, 128 → 128 channels on 14×14 F(2×2) 0.40 → 0.36
// (CPU time of one thread); WebAssembly keeps the 256 KB it was measured with.
#if defined(__wasm_simd128__)
constexpr int64_t kTaskScratchBytes = 256 << 10;
#else
constexpr int64_t kTaskScratchBytes = 576 << 10;
#endif
int64_t positions(int r) { return (r + 2) * (r + 2); }
// V_ξ and M_ξ start a cache line past a multiple of their size: with 64 channels of 32 tiles each
// was 8 KB, so a transform's ξ-many loads or stores all fell in one L1 set (natively the input
// transform took 38 % of s5's time).
constexpr int64_t kSkew = 16;
// Floats of one thread's scratch: V (ξ × C × tiles) and M (ξ × M × tiles), each ξ skewed.
int64_t slot_floats(const Conv2dPlanSpec& s, int r, int64_t tb) { return positions(r) * ((s.C + s.M) * tb + 2 * kSkew); }

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Floats per vector of the instruction set whose kernel `tile` is (1 if none lists it).
int product_lanes(const kernels::Conv2dDirectTile& tile) {
  for (const auto& k : kernels::conv2d_direct_config())
    for (int i = 0; i < k.kernels.count; ++i)
      if (k.kernels.tiles[i].rows[0] == tile.rows[0]) return k.lanes;
  return 1;
}

// The transforms for products on instruction set `isa` (kernels/config.h: AVX-512 products get AVX2's).
kernels::WinogradKernels transforms_for(const std::string& isa, int r) {
  const kernels::WinogradTransforms& t = kernels::isa_or_best(kernels::winograd_config(), isa).kernels;
  return r == 2 ? t.f23 : t.f43;
}

// F(4×4)'s padded copy (r = 4 phases), every row of one plane: what copy_padded_rows (conv2d_plan.cpp)
// writes, but 16 columns at a time as 4×4 transposes (its loop for strides past 2 is scalar: 13 % of
// s5's F(4×4) time natively). Copies only, so the same bits.
void copy_plane_4_phases(const float* x, float* padded, const PaddedCopy& c, int64_t plane) {
  const float* src = x + plane * c.H * c.W;
  float* dst = padded + (plane * c.plane_rows + c.pad_top) * c.pitch;
  for (int64_t h = 0; h < c.H; ++h) {
    const float* in = src + h * c.W;
    float* out = dst + h * c.pitch;
    // Padded column pc = pad_left + w goes to phase pc % 4, index pc / 4.
    auto put = [&](int64_t w) { out[(c.pad_left + w) % 4 * c.phase + (c.pad_left + w) / 4] = in[w]; };
    int64_t w = 0;
    for (; w < c.W && (c.pad_left + w) % 4 != 0; ++w) put(w);
#if defined(__clang__) || __GNUC__ >= 12 // __builtin_shufflevector: SSE2 or SIMD128 shuffles
    using F4 = float __attribute__((vector_size(16)));
    for (; w + 16 <= c.W; w += 16) {
      F4 a, b, d, e;
      std::memcpy(&a, in + w, sizeof a);
      std::memcpy(&b, in + w + 4, sizeof b);
      std::memcpy(&d, in + w + 8, sizeof d);
      std::memcpy(&e, in + w + 12, sizeof e);
      const F4 ab01 = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab23 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
      const F4 de01 = __builtin_shufflevector(d, e, 0, 4, 1, 5), de23 = __builtin_shufflevector(d, e, 2, 6, 3, 7);
      const F4 p[4] = {__builtin_shufflevector(ab01, de01, 0, 1, 4, 5), __builtin_shufflevector(ab01, de01, 2, 3, 6, 7),
                       __builtin_shufflevector(ab23, de23, 0, 1, 4, 5), __builtin_shufflevector(ab23, de23, 2, 3, 6, 7)};
      for (int q = 0; q < 4; ++q) std::memcpy(out + q * c.phase + (c.pad_left + w) / 4, &p[q], sizeof p[q]);
    }
#endif
    for (; w < c.W; ++w) put(w);
  }
}

struct Geometry {
  int64_t th, tw, hq, phase;
};
// Tiles per column and row; the padded buffer: hq rows (whole tiles, zeros below the input), each
// row as r phases of `phase` floats (every tile reads columns up to r·tw + 1).
Geometry geometry(int r, int64_t oh, int64_t ow) {
  return {ceil_div(oh, r), ceil_div(ow, r), r * ceil_div(oh, r) + 2, ceil_div(ow, r) + 1};
}
} // namespace

bool winograd_applies(const Conv2dPlanSpec& s) { return s.KH == 3 && s.KW == 3 && s.SH == 1 && s.SW == 1 && s.groups == 1; }

// Which tile pays, and from what layer size, depends on how fast the products are next to the
// transforms. Measured, one thread (convplay-bench --impl direct,winograd-f2,winograd-f4), ms for
// direct / F(2×2) / F(4×4), channels in → out, output size:
//   WebAssembly  s5 64 → 64, 56×56: 7.9 / 4.4 / 2.8     8 → 32, 64×64: 0.65 / 0.51 / 0.36
//                16 → 16, 28×28: 0.124 / 0.101 / 0.088  32 → 32, 7×7: 0.043 / 0.029 / 0.052
//                16 → 16, 4 × 10×10: 0.077 / 0.067 / 0.11  8 → 8, 14×14: 0.011 / 0.010 / 0.012
//                s4 3 → 64, 224×224: 6.0 / 8.9 / 9.5
// Natively (AVX-512 products; CPU time of one thread on a loaded machine, 2026-12-02, after the
// products ran whole vectors):
//                s5: 2.27 / 1.30 / 1.02   64 → 64, 28×28: 0.55 / 0.35 / 0.32   128 → 128, 14×14: 0.56 / 0.40 / 0.29
//                64 → 64, 16×16: 0.185 / 0.105 / 0.088   8 → 32, 64×64: 0.188 / 0.189 / 0.154
//                16 → 64, 64×64: 0.180 / 0.168 / 0.147   32 → 32, 28×28: 0.142 / 0.108 / 0.114
//                16 → 16, 56×56: 0.148 / 0.130 / 0.128   16 → 16, 28×28: 0.038 / 0.035 / 0.043
//                256 → 256, 7×7: 0.65 / 0.35 / 0.99      32 → 32, 7×7: 0.012 / 0.011 / 0.027
// So in WebAssembly F(4×4) for 8+ channels in, 16+ out and 400+ outputs per image, F(2×2) for
// smaller images with 128+ channel pairs. Natively F(4×4) from 2^20 multiply-adds per tap and image
// (C·M·outputs) when the image has 16+ of its tiles (a vector of them for the products), F(2×2) from
// 2048 channel pairs, or from 256 when the rows are narrower than an AVX-512 vector (16), where the
// direct kernel loses its wide tile; always 8+ channels in (and 16+ out for F(4×4)). (With AVX2 or
// SSE2 products the direct kernel is slower too, so the same rule errs on the side of direct.)
int winograd_tile(const Conv2dPlanSpec& s) {
  const int64_t ow = s.W + s.pad_left + s.pad_right - 2;
  const int64_t pairs = s.C > (1 << 30) || s.M > (1 << 30) ? int64_t{1} << 60 : s.C * s.M; // no overflow
#if defined(__wasm_simd128__)
  constexpr int kBest = 4; // the tile Winograd takes where neither pays
  const int64_t oh = s.H + s.pad_top + s.pad_bottom - 2;
  const bool large = ow >= 1 && oh >= (400 + ow - 1) / ow; // oh·ow ≥ 400 without overflowing
  const int pays = s.C >= 8 && s.M >= 16 && pairs >= 256 && large ? 4 : s.C >= 8 && s.M >= 8 && pairs >= 128 ? 2 : 0;
#else
  constexpr int kBest = 2; // small layers: F(4×4)'s tiles waste more
  // In double: no overflow for any size.
  const double oh = static_cast<double>(s.H + s.pad_top + s.pad_bottom - 2), w = static_cast<double>(ow);
  const bool f4 = s.C >= 8 && s.M >= 16 && static_cast<double>(pairs) * oh * w >= 1 << 20 &&
                  std::ceil(oh / 4) * std::ceil(w / 4) >= 16;
  const int pays = f4 ? 4 : s.C >= 8 && s.M >= 8 && (pairs >= 2048 || (ow < 16 && pairs >= 256)) ? 2 : 0;
#endif
  switch (s.algorithm) {
  case Conv2dAlgorithm::Direct: return 0;
  case Conv2dAlgorithm::WinogradF2: return 2;
  case Conv2dAlgorithm::WinogradF4: return 4;
  case Conv2dAlgorithm::Winograd: return pays ? pays : kBest;
  case Conv2dAlgorithm::Auto: break;
  }
  if (s.tiling != Conv2dTiling::Auto) return 0; // a direct kernel family was asked for
  return winograd_applies(s) ? pays : 0;
}

int64_t winograd_tile_block(const Conv2dPlanSpec& s, int r) {
  if (s.C > (1 << 30) || s.M > (1 << 30)) return 16; // (workspace_bytes_for of absurd layers)
  const int64_t per_tile = positions(r) * (s.C + s.M) * static_cast<int64_t>(sizeof(float));
  const int64_t tiles = std::min<int64_t>(ceil_div(s.H + s.pad_top + s.pad_bottom - 2, r), 1 << 20) *
                        std::min<int64_t>(ceil_div(s.W + s.pad_left + s.pad_right - 2, r), 1 << 20);
  return std::clamp<int64_t>(std::min(kTaskScratchBytes / per_tile / 16, ceil_div(tiles, 16)) * 16, 16, 256);
}

Conv2dWinograd::Conv2dWinograd(const Conv2dPlanSpec& s, int r, const float* weights, const float* bias, int64_t oh,
                               int64_t ow, const kernels::Conv2dDirectTile& tile, const std::string& isa)
    : s_(s), r_(r), xi_(positions(r)), oh_(oh), ow_(ow), tb_(winograd_tile_block(s, r)), mb_(tile.mb),
      product_(tile.rows[0]), lanes_(product_lanes(tile)), transforms_(transforms_for(isa, r)) {
  const Geometry g = geometry(r, oh, ow);
  th_ = g.th; tw_ = g.tw; hq_ = g.hq; phase_ = g.phase;
  blocks_ = ceil_div(s.M, mb_);
  // U_ξ packed as the direct kernel reads 1×1 weights: blocks × C × MB per ξ, zeros past M.
  u_.assign(static_cast<size_t>(xi_ * blocks_ * s.C * mb_), 0.0f);
  float u[36];
  for (int64_t m = 0; m < s.M; ++m)
    for (int64_t c = 0; c < s.C; ++c) {
      kernels::winograd_weights(r, weights + (m * s.C + c) * 9, u);
      for (int64_t xi = 0; xi < xi_; ++xi)
        u_[static_cast<size_t>(((xi * blocks_ + m / mb_) * s.C + c) * mb_ + m % mb_)] = u[xi];
    }
  zero_bias_.assign(static_cast<size_t>(blocks_ * mb_), 0.0f); // the bias is added after the output transform
  bias_.assign(static_cast<size_t>(s.M), 0.0f);
  if (bias) std::copy(bias, bias + s.M, bias_.begin());
  padded_.assign(static_cast<size_t>(s.N * s.C * hq_ * r * phase_), 0.0f); // borders stay zero
  scratch_.assign(static_cast<size_t>(slot_floats(s, r, tb_)), 0.0f);
}

int64_t Conv2dWinograd::workspace_bytes() const {
  return static_cast<int64_t>((u_.size() + zero_bias_.size() + bias_.size() + padded_.size() + scratch_.size()) * sizeof(float));
}

int64_t Conv2dWinograd::workspace_bytes_for(const Conv2dPlanSpec& s, int r, int64_t mb) {
  // Sizes at least 1 and a 3×3 window inside the padded input (Conv2dPlan checks); the products
  // saturate at INT64_MAX instead of overflowing (a layer too large to count is too large to run).
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (s.N < 1 || s.C < 1 || s.M < 1 || s.H < 1 || s.W < 1 || s.pad_top < 0 || s.pad_bottom < 0 || s.pad_left < 0 ||
      s.pad_right < 0 || s.H > kMax / 4 || s.W > kMax / 4 || s.pad_top > kMax / 4 || s.pad_bottom > kMax / 4 ||
      s.pad_left > kMax / 4 || s.pad_right > kMax / 4 || s.C > kMax / 2 || s.M > kMax / 2)
    return kMax;
  const int64_t oh = s.H + s.pad_top + s.pad_bottom - 2, ow = s.W + s.pad_left + s.pad_right - 2;
  if (oh < 1 || ow < 1) return 0;
  const Geometry g = geometry(r, oh, ow);
  const int64_t blocks = ceil_div(s.M, mb);
  int64_t u = 0, padded = 0, slot = 0, total = 0;
  bool over = __builtin_mul_overflow(positions(r) * mb, blocks, &u) || __builtin_mul_overflow(u, s.C, &u);
  over = over || __builtin_mul_overflow(s.N, s.C, &padded) || __builtin_mul_overflow(padded, g.hq, &padded) ||
         __builtin_mul_overflow(padded, r * g.phase, &padded);
  over = over || __builtin_mul_overflow(positions(r) * winograd_tile_block(s, r), s.C + s.M, &slot);
  over = over || __builtin_add_overflow(u, padded, &total) || __builtin_add_overflow(total, slot, &total) ||
         __builtin_add_overflow(total, blocks * mb + s.M + 2 * kSkew * positions(r), &total) ||
         __builtin_mul_overflow(total, static_cast<int64_t>(sizeof(float)), &total);
  return over ? kMax : total;
}

void Conv2dWinograd::run(const float* x, float* y, ThreadPool* pool) {
  const Conv2dPlanSpec& s = s_;
  const int64_t threads = pool ? static_cast<int64_t>(pool->workers()) + 1 : 1;
  const int64_t slot = slot_floats(s, r_, tb_);
  const int64_t v_xi = s.C * tb_ + kSkew, m_xi = s.M * tb_ + kSkew; // from V_ξ (M_ξ) to the next
  if (static_cast<int64_t>(scratch_.size()) < threads * slot) scratch_.resize(static_cast<size_t>(threads * slot));
  const int64_t pitch = r_ * phase_, plane = hq_ * pitch;
  // 1. The padded copy, columns in r phases.
  const PaddedCopy copy{s.H, s.W, s.pad_top, s.pad_left, r_, phase_, hq_, pitch};
  if (r_ == 4)
    parallel_for(pool, s.N * s.C, [&](int64_t p) { copy_plane_4_phases(x, padded_.data(), copy, p); });
  else
    copy_padded(x, padded_.data(), copy, s.N * s.C, pool);
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
    in.v = v; in.ld = tb_; in.xi_stride = v_xi;
    segments([&](int64_t ty, int64_t tx, int64_t len, int64_t col) { transforms_.input(in, ty, tx, len, col); });
    // The products run over the task's tiles rounded up to whole vectors (tile blocks are multiples of
    // 16, so this stays within V's and M's rows): a short last task (s5's F(4×4): 196 tiles = 12 × 16
    // + 4) ran its few columns in the direct kernel's scalar tail, 17 % of the products' time natively.
    // The extra columns hold stale V values (zero or an earlier task's); their M columns are never read.
    const int64_t columns = std::min(tb_, ceil_div(count, lanes_) * lanes_);
    kernels::Conv2dDirectArgs a;
    a.bias = zero_bias_.data();
    a.C = K; a.Hp = 1; a.Wp = tb_; a.M = s.M; a.KH = a.KW = 1; a.OH = 1; a.OW = columns;
    for (int64_t xi = 0; xi < xi_; ++xi) {
      a.x = v + xi * v_xi;
      a.w = u_.data() + xi * blocks_ * K * mb_;
      a.y = m + xi * m_xi;
      for (int64_t block = 0; block < blocks_; ++block) product_(a, 0, block, 0);
    }
    kernels::WinogradOutputArgs out;
    out.m = m;
    out.bias = bias_.data();
    out.y = y + n * s.M * oh_ * ow_;
    out.M = s.M; out.OH = oh_; out.OW = ow_; out.ld = columns; out.xi_stride = m_xi;
    segments([&](int64_t ty, int64_t tx, int64_t len, int64_t col) { transforms_.output(out, ty, tx, len, col); });
  };
  parallel_for(pool, std::min(threads, tasks), [&](int64_t worker) {
    float* v = scratch_.data() + worker * slot;
    float* m = v + xi_ * v_xi;
    for (int64_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) task(t, v, m);
  });
}

} // namespace convplay::detail
