// The fast convolution operator: checks and plans, then pads the input and runs the row kernels of
// src/kernels/ on the thread pool. See convplay/conv2d_plan.h.
#include <convplay/conv2d_plan.h>

#include "conv2d_winograd.h"
#include "kernels/config.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace convplay {
namespace {
using kernels::Conv2dDirectArgs;
using kernels::Conv2dRowKernel;

// The direct kernels of each instruction set, best first (kernels/config.h).
using IsaKernels = kernels::IsaKernels<kernels::Conv2dDirectKernels>;
const std::vector<IsaKernels>& available_kernels() { return kernels::conv2d_direct_config(); }

// The named instruction set, or ("") the best one whose vector is not wider than the output rows
// (a 16-float vector on rows of 10 would leave only the scalar tail) or that has channel-vectorised
// kernels (any width fills those); with tiling Channels the best one that has them.
const IsaKernels* kernels_for(const std::string& isa, int64_t OW, Conv2dTiling tiling) {
  for (const IsaKernels& k : available_kernels()) {
    // (Rows narrower than the vector suit the channel-vectorised kernels, where the set has them.)
    if (!isa.empty() ? isa == k.isa
        : tiling == Conv2dTiling::Channels ? k.kernels.pixel_count > 0
        : tiling == Conv2dTiling::Auto     ? k.lanes <= OW || k.lanes == 1 || k.kernels.pixel_count > 0
                                           : k.lanes <= OW || k.lanes == 1)
      return &k;
  }
  return nullptr;
}

// The register tile for a layer of M filters (row tiles or channel-vectorised ones): the least work
// per channel, ceil(M/MB)·MB / speed (e.g. 64 filters in 5-channel blocks waste one channel in 65;
// 6 filters prefer two blocks of 3), among the row tiles meant for rows of `vectors` vectors
// (Conv2dDirectTile::min_vectors; the first tile has none).
template <class Tile> const Tile& choose_tile(const Tile* tiles, int count, int64_t M, int64_t vectors = 0) {
  int best = 0;
  double best_cost = 0;
  for (int i = 0; i < count; ++i) {
    if constexpr (requires { tiles[i].min_vectors; }) {
      if (tiles[i].min_vectors > vectors) continue;
    }
    const double cost = static_cast<double>((M + tiles[i].mb - 1) / tiles[i].mb * tiles[i].mb) / tiles[i].speed;
    if (i == 0 || cost < best_cost) { best = i; best_cost = cost; }
  }
  return tiles[best];
}

// The kernel of a layer: a row tile, or the channel-vectorised tile where that is set (pixel_tile).
struct KernelChoice {
  const kernels::Conv2dDirectTile* row_tile = nullptr;
  const kernels::Conv2dPixelTile* pixel_tile = nullptr;
  int mb() const { return pixel_tile ? pixel_tile->mb : row_tile->mb; }
};
// Auto: the smaller cost per output value, counted in instructions per multiply-add (a tile of MB
// channels × NB vectors loads NB vectors and splats MB values for MB·NB multiplies and adds) / the
// tile's measured speed, times channels computed per channel wanted. A row tile computes whole vectors
// of each row: a row's last vectors run in narrower, costlier tiles (the last one overlapping), e.g.
// OW = 10 in 4×2 tiles: 8 columns at 2.75, 4 at 3.25 for 10 columns. A pixel tile runs on across rows
// (only the image's last tile overlaps).
// Neither: tiling Channels on an instruction set without channel-vectorised kernels.
KernelChoice choose_kernel(const IsaKernels& isa, int64_t M, int64_t OH, int64_t OW, Conv2dTiling tiling) {
  const kernels::Conv2dDirectKernels& k = isa.kernels;
  KernelChoice c;
  if (tiling != Conv2dTiling::Channels) c.row_tile = &choose_tile(k.tiles, k.count, M, OW / isa.lanes);
  if (tiling == Conv2dTiling::Columns || k.pixel_count == 0) return c;
  const kernels::Conv2dPixelTile& pt = choose_tile(k.pixel_tiles, k.pixel_count, M);
  if (tiling == Conv2dTiling::Auto) {
    auto per_madd = [](double mb, double nb) { return (nb + mb + 2 * mb * nb) / (mb * nb); };
    auto channels = [M](int64_t mb) { return static_cast<double>((M + mb - 1) / mb * mb) / static_cast<double>(M); };
    const kernels::Conv2dDirectTile& rt = *c.row_tile;
    const int64_t L = isa.lanes;
    // Whole vectors in tiles of NB, then NB - 1, ... (as the kernels step down), the overlapping one alone.
    double row_work = OW % L != 0 ? per_madd(rt.mb, 1) : 0.0;
    for (int64_t nb = rt.nb, left = OW / L; nb >= 1; left %= nb, --nb)
      row_work += static_cast<double>(left / nb * nb) * per_madd(rt.mb, static_cast<double>(nb));
    // Relative to whole tiles over the row; rows narrower than a vector take the scalar tail.
    const double rows = OW < L ? std::numeric_limits<double>::infinity()
                               : row_work / (static_cast<double>(OW) / static_cast<double>(L)) /
                                     per_madd(rt.mb, rt.nb) * channels(rt.mb) / rt.speed;
    const int64_t P = pt.p, pixels = OH * OW, tiles = (std::max(pixels, P) + P - 1) / P;
    const double pix = static_cast<double>(tiles * P) / static_cast<double>(pixels) * channels(pt.mb) / pt.speed;
    if (pix >= rows) return c;
  }
  c.row_tile = nullptr;
  c.pixel_tile = &pt;
  return c;
}

bool mul_ok(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// The row tile that runs Winograd tile r's products (1×1 convolutions over a task's runs of tiles):
// of the instruction set whose vectors fit those runs; null when the named set is missing.
const kernels::Conv2dDirectTile* winograd_product_tile(const Conv2dPlanSpec& s, int r) {
  const IsaKernels* k = kernels_for(s.isa, detail::winograd_tile_block(s, r), Conv2dTiling::Columns);
  return k ? &choose_tile(k->kernels.tiles, k->kernels.count, s.M) : nullptr;
}

// Problems smaller than this many multiply-adds run on the calling thread: handing work to another
// thread costs a few microseconds (more in WebAssembly), ~100k multiply-adds.
constexpr int64_t kParallelMacs = 1 << 17;
// A parallel item (what one thread takes from the shared counter) has at least about this much work.
constexpr int64_t kItemMacs = 1 << 14;
// Input rows of one task should stay in L1/L2 while all channel blocks pass over them.
constexpr int64_t kTaskInputBytes = 48 << 10;
// Row kernels prefetch the lines of an output of at least this many bytes (past the L2 caches) one
// tile ahead of their stores (conv2d_direct_tile).
constexpr int64_t kPrefetchOutputBytes = 2 << 20;
// A padded (image, group) slice up to this size is copied and computed by one task (stays in L2).
constexpr int64_t kFusedSliceBytes = 256 << 10;

// The depthwise kernel of a layer (kernels/dwconv2d_f32.h) and its name, or null where it does not
// apply: depthwise (one input channel per group), column stride 1 or 2, an instruction set that has
// it, and tiling Depthwise, or Auto with column stride 2 (reading in place beats the deinterleaved
// copy), or Auto with column stride 1, more than one channel and at most 2 filters each (the direct
// tiles share their loads between a channel's filters: LeNet's 1→6 stays with them). Medians of 41
// samples under load, one thread, 64×56² stride 1 and 32→64×112² multiplier 2: WebAssembly 0.20 and
// 0.72 ms against 0.29 and 1.09 in the direct tiles; natively 8-wide AVX2 0.12 and 0.38 against
// 0.14 and 0.46 in the 16-wide AVX-512 tiles.
kernels::Dwconv2dRowsKernel depthwise_kernel(const Conv2dPlanSpec& s, std::string& name) {
  const bool few_filters = s.C > 1 && s.M <= 2 * s.C;
  const bool wanted = s.tiling == Conv2dTiling::Depthwise ||
                      (s.tiling == Conv2dTiling::Auto && (s.SW == 2 || (s.SW == 1 && few_filters)));
  if (!wanted || s.groups != s.C || s.SW > 2) return nullptr;
  for (const kernels::IsaKernels<kernels::Dwconv2dKernels>& k : kernels::dwconv2d_config()) {
    if (!s.isa.empty() && s.isa != k.isa) continue;
    const int64_t stride = s.SW - 1, k3 = s.KH == 3 && s.KW == 3;
    name = k.kernels.names[stride][k3];
    return k.kernels.rows[stride][k3];
  }
  return nullptr;
}

// A parallel version of: for each output plane q < N·M, kernel(q, rows 0 .. OH). Planes × bands of
// rows, enough for 16 tasks per thread where the rows allow, consecutive tasks grouped into items of
// at least kItemMacs; an output is computed the same way in any band, so the bits do not depend on the
// threads.
void run_depthwise(kernels::Dwconv2dRowsKernel kernel, const kernels::Dwconv2dArgs& a, int64_t planes, int64_t macs,
                   ThreadPool* p) {
  if (!p) {
    for (int64_t q = 0; q < planes; ++q) kernel(a, q, 0, a.OH);
    return;
  }
  const int64_t threads = static_cast<int64_t>(p->workers()) + 1;
  const int64_t want_bands = std::clamp<int64_t>((16 * threads + planes - 1) / planes, 1, a.OH);
  const int64_t band_rows = (a.OH + want_bands - 1) / want_bands;
  const int64_t bands = (a.OH + band_rows - 1) / band_rows, tasks = planes * bands;
  const int64_t items = std::min(tasks, std::max(macs / kItemMacs, threads));
  parallel_for(p, items, [&](int64_t i) {
    for (int64_t t = i * tasks / items; t < (i + 1) * tasks / items; ++t) {
      const int64_t oh0 = t % bands * band_rows;
      kernel(a, t / bands, oh0, std::min(a.OH, oh0 + band_rows));
    }
  });
}

// Where the kernels read the input: the padded size, and each padded row stored as SW phases of
// `phase` floats (columns p, p + SW, ... in phase p; one phase of wp floats when SW = 1), `pitch`
// floats per row. The input is copied (padded, deinterleaved) unless it can be read in place.
struct PlanGeometry {
  int64_t hp = 0, wp = 0, oh = 0, ow = 0, phase = 0, pitch = 0;
  bool copy = false;
};
// For a spec whose sizes and strides are at least 1 and whose kernel fits the padded input.
PlanGeometry plan_geometry(const Conv2dPlanSpec& s) {
  PlanGeometry g;
  g.hp = s.H + s.pad_top + s.pad_bottom;
  g.wp = s.W + s.pad_left + s.pad_right;
  g.oh = (g.hp - s.KH) / s.SH + 1;
  g.ow = (g.wp - s.KW) / s.SW + 1;
  g.phase = g.wp / s.SW + (g.wp % s.SW != 0); // columns per phase
  // Only phases below the padded width hold columns (kw % SW < KW ≤ wp too): a stride wider than the
  // row costs no more than the row. pitch < 2·wp.
  g.pitch = g.phase * std::min(s.SW, g.wp);
  g.copy = g.hp != s.H || g.wp != s.W || s.SW > 1;
  return g;
}


// Copies padded row columns [pad_left, pad_left + W) from src into the SW phases of dst.
void deinterleave_row(const float* src, float* dst, int64_t W, int64_t pad_left, int64_t SW, int64_t phase) {
  if (SW == 2) {
    // One pass: src[2i] and src[2i + 1] go to the two phases (which is which depends on pad_left).
    float* even = dst + (pad_left & 1) * phase + (pad_left >> 1);
    float* odd = dst + (1 - (pad_left & 1)) * phase + ((pad_left + 1) >> 1);
    int64_t i = 0;
    // Four pairs at a time with the compilers' generic vectors (SSE2 or SIMD128 shuffles): the scalar
    // loop was most of a depthwise stride-2 layer's time in WebAssembly (clang does not vectorise it).
#if defined(__clang__) || __GNUC__ >= 12 // __builtin_shufflevector
    using F4 = float __attribute__((vector_size(16)));
    for (; 2 * i + 8 <= W; i += 4) {
      F4 a, b;
      std::memcpy(&a, src + 2 * i, sizeof a);
      std::memcpy(&b, src + 2 * i + 4, sizeof b);
      const F4 e = __builtin_shufflevector(a, b, 0, 2, 4, 6), o = __builtin_shufflevector(a, b, 1, 3, 5, 7);
      std::memcpy(even + i, &e, sizeof e);
      std::memcpy(odd + i, &o, sizeof o);
    }
#endif
    for (; 2 * i + 1 < W; ++i) {
      even[i] = src[2 * i];
      odd[i] = src[2 * i + 1];
    }
    if (2 * i < W) even[i] = src[2 * i];
    return;
  }
  // Phases at or past the padded width hold no column (see plan_geometry); the arithmetic below
  // cannot overflow for any stride.
  for (int64_t p = 0; p < std::min(SW, pad_left + W); ++p) {
    // First padded column of phase p inside the input: pc0 = pad_left + off ≡ p (mod SW).
    int64_t off = (p - pad_left) % SW;
    if (off < 0) off += SW;
    if (off >= W) continue;
    const int64_t pc0 = pad_left + off;
    float* d = dst + p * phase + pc0 / SW;
    const float* sp = src + off;
    const int64_t count = (W - off - 1) / SW + 1;
    for (int64_t i = 0; i < count; ++i) d[i] = sp[i * SW];
  }
}
} // namespace

namespace detail {
void copy_padded_rows(const float* x, float* padded, const PaddedCopy& c, int64_t plane, int64_t h0, int64_t h1) {
  const float* src = x + plane * c.H * c.W;
  float* dst = padded + (plane * c.plane_rows + c.pad_top) * c.pitch;
  for (int64_t h = h0; h < h1; ++h) {
    if (c.SW == 1) std::memcpy(dst + h * c.pitch + c.pad_left, src + h * c.W, static_cast<std::size_t>(c.W) * sizeof(float));
    else deinterleave_row(src + h * c.W, dst + h * c.pitch, c.W, c.pad_left, c.SW, c.phase);
  }
}

void copy_padded(const float* x, float* padded, const PaddedCopy& c, int64_t planes, ThreadPool* pool) {
  const int64_t threads = pool ? static_cast<int64_t>(pool->workers()) + 1 : 1;
  const int64_t strips = std::clamp<int64_t>(pool ? 8 * threads / planes : 1, 1, c.H);
  const int64_t strip_rows = (c.H + strips - 1) / strips;
  parallel_for(pool, planes * strips, [&](int64_t i) {
    const int64_t h0 = (i % strips) * strip_rows;
    copy_padded_rows(x, padded, c, i / strips, h0, std::min(c.H, h0 + strip_rows));
  });
}
} // namespace detail

Expected<Conv2dPlanSpec> resolve_padding(const Conv2dPlanSpec& spec) {
  Conv2dPlanSpec s = spec;
  if (s.padding == Padding::Explicit) return s;
  for (const bool rows : {true, false}) {
    AxisSpec a;
    a.input = rows ? s.H : s.W;
    a.kernel = rows ? s.KH : s.KW;
    a.stride = rows ? s.SH : s.SW;
    a.padding = s.padding;
    const AxisResult r = conv_axis(a);
    if (r.error != ShapeError::None) return Error{std::string(rows ? "height: " : "width: ") + describe(a, r)};
    (rows ? s.pad_top : s.pad_left) = r.pad_before;
    (rows ? s.pad_bottom : s.pad_right) = r.pad_after;
  }
  s.padding = Padding::Explicit;
  return s;
}

Conv2dPlan::Conv2dPlan(const Conv2dPlanSpec& given, const float* weights, const float* bias) : spec_(given) {
  if (auto resolved = resolve_padding(given); resolved.ok()) {
    spec_ = resolved.value();
  } else {
    error_ = resolved.error();
    return;
  }
  const Conv2dPlanSpec& s = spec_;
  if (s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.M < 1 || s.KH < 1 || s.KW < 1) {
    error_ = "every size must be at least 1";
    return;
  }
  if (s.SH < 1 || s.SW < 1) {
    error_ = "stride must be at least 1";
    return;
  }
  if (s.groups < 1 || s.C % s.groups != 0 || s.M % s.groups != 0) {
    error_ = "groups (" + std::to_string(s.groups) + ") must be at least 1 and divide C (" + std::to_string(s.C) +
             ") and M (" + std::to_string(s.M) + ")";
    return;
  }
  if (s.pad_top < 0 || s.pad_bottom < 0 || s.pad_left < 0 || s.pad_right < 0) {
    error_ = "padding must not be negative";
    return;
  }
  int64_t hp = 0, wp = 0;
  if (__builtin_add_overflow(s.H, s.pad_top, &hp) || __builtin_add_overflow(hp, s.pad_bottom, &hp) ||
      __builtin_add_overflow(s.W, s.pad_left, &wp) || __builtin_add_overflow(wp, s.pad_right, &wp)) {
    error_ = "the layer is too large";
    return;
  }
  if (hp < s.KH || wp < s.KW) {
    error_ = "kernel " + std::to_string(s.KH) + "×" + std::to_string(s.KW) + " is larger than the padded input " +
             std::to_string(hp) + "×" + std::to_string(wp);
    return;
  }
  const PlanGeometry geo = plan_geometry(s);
  const int64_t cg = s.C / s.groups, mg = s.M / s.groups;
  int64_t taps = 0, tmp = 0, padded = 0;
  int64_t kk = 0, nc = 0, rows = 0, nm = 0, plane = 0, groups16 = 0, mpad = 0;
  if (!mul_ok(s.KH, s.KW, kk) || !mul_ok(cg, kk, taps) || !mul_ok(16, s.groups, groups16) ||
      __builtin_add_overflow(s.M, groups16, &mpad) || !mul_ok(taps, mpad, tmp) || !mul_ok(s.N, s.C, nc) ||
      !mul_ok(geo.hp, geo.pitch, rows) || !mul_ok(nc, rows, padded) || !mul_ok(s.N, s.M, nm) ||
      !mul_ok(geo.oh, geo.ow, plane) || !mul_ok(nm, plane, tmp) || padded > std::numeric_limits<int32_t>::max()) {
    error_ = "the layer is too large";
    return;
  }
  oh_ = geo.oh;
  ow_ = geo.ow;
  hp_ = geo.hp;
  wp_ = geo.pitch;
  const int r = detail::winograd_tile(s);
  if (r > 0 && !detail::winograd_applies(s)) {
    error_ = "Winograd needs a 3×3 kernel, stride 1 and one group";
    return;
  }
  if (r > 0) {
    int64_t u = 0;
    if (!mul_ok(36 * s.C, mpad, u)) {
      error_ = "the layer is too large";
      return;
    }
    const kernels::Conv2dDirectTile* tile = winograd_product_tile(s, r);
    if (!tile) {
      error_ = "no kernels for instruction set '" + s.isa + "' on this machine";
      return;
    }
    winograd_ = std::make_unique<detail::Conv2dWinograd>(s, r, weights, bias, oh_, ow_, *tile, s.isa);
    mb_ = tile->mb;
    kernel_name_ = std::string(winograd_->transform_name()) + " + " + tile->name;
    return;
  }
  depthwise_ = depthwise_kernel(s, kernel_name_);
  if (s.tiling == Conv2dTiling::Depthwise && !depthwise_) {
    error_ = s.groups != s.C || s.SW > 2 ? "the depthwise kernels need groups = C and a column stride of 1 or 2"
                                         : "no depthwise kernels for instruction set '" + s.isa + "'";
    return;
  }
  if (depthwise_) {
    packed_w_.resize(static_cast<size_t>(s.M * s.KH * s.KW)); // one block of one filter per output channel
    packed_bias_.resize(static_cast<size_t>(s.M));
    pack_weights(weights, bias);
    return;
  }
  const IsaKernels* ks = kernels_for(s.isa, ow_, s.tiling);
  if (!ks) {
    error_ = "no kernels for instruction set '" + s.isa + "' on this machine";
    return;
  }
  const KernelChoice choice = choose_kernel(*ks, mg, oh_, ow_, s.tiling);
  const int width = kernels::kernel_width_index(s.KW);
  if (const kernels::Conv2dDirectTile* rt = choice.row_tile) {
    row_ = (s.SW == 1 ? rt->rows : rt->strided_rows)[width];
    kernel_name_ = s.SW == 1 ? rt->name : rt->strided_name;
  } else if (const kernels::Conv2dPixelTile* pt = choice.pixel_tile) {
    pixels_ = (s.SW == 1 ? pt->pixels : pt->strided_pixels)[width];
    px_ = pt->p;
    kernel_name_ = s.SW == 1 ? pt->name : pt->strided_name;
  } else {
    error_ = std::string("no channel-vectorised kernels for instruction set '") + ks->isa + "'";
    return;
  }
  mb_ = choice.mb();
  const int64_t blocks = (mg + mb_ - 1) / mb_;
  packed_w_.assign(static_cast<size_t>(s.groups * blocks * taps * mb_), 0.0f);
  packed_bias_.assign(static_cast<size_t>(s.groups * blocks * mb_), 0.0f);
  pack_weights(weights, bias);
  kw_offset_.resize(static_cast<size_t>(s.KW));
  for (int64_t kw = 0; kw < s.KW; ++kw) kw_offset_[static_cast<size_t>(kw)] = kw % s.SW * geo.phase + kw / s.SW;
  if (geo.copy) padded_.assign(static_cast<size_t>(padded), 0.0f); // borders stay zero
}

// Weights per group as blocks × taps × MB (channel fastest), zero past the group's filters (the
// buffers were zero-filled at planning; these lanes are never written), so one tile reads them in order.
void Conv2dPlan::pack_weights(const float* weights, const float* bias) {
  const Conv2dPlanSpec& s = spec_;
  const int64_t mg = s.M / s.groups, taps = s.C / s.groups * s.KH * s.KW, blocks = (mg + mb_ - 1) / mb_;
  for (int64_t m = 0; m < s.M; ++m) {
    const int64_t block = m / mg * blocks + m % mg / mb_, lane = m % mg % mb_; // block of all groups' blocks
    for (int64_t t = 0; t < taps; ++t) packed_w_[static_cast<size_t>((block * taps + t) * mb_ + lane)] = weights[m * taps + t];
    packed_bias_[static_cast<size_t>(block * mb_ + lane)] = bias ? bias[m] : 0.0f;
  }
}

void Conv2dPlan::set_weights(const float* weights, const float* bias) {
  if (!ok()) return;
  if (winograd_) {
    const kernels::Conv2dDirectTile* tile = winograd_product_tile(spec_, winograd_->tile());
    winograd_ = std::make_unique<detail::Conv2dWinograd>(spec_, winograd_->tile(), weights, bias, oh_, ow_, *tile, spec_.isa);
    return;
  }
  pack_weights(weights, bias);
}

Conv2dPlan::~Conv2dPlan() = default;
Conv2dPlan::Conv2dPlan(Conv2dPlan&&) noexcept = default;
Conv2dPlan& Conv2dPlan::operator=(Conv2dPlan&&) noexcept = default;

Conv2dAlgorithm Conv2dPlan::algorithm() const {
  return !winograd_ ? Conv2dAlgorithm::Direct : winograd_->tile() == 2 ? Conv2dAlgorithm::WinogradF2 : Conv2dAlgorithm::WinogradF4;
}

int64_t Conv2dPlan::workspace_bytes_for(const Conv2dPlanSpec& given) {
  const auto resolved = resolve_padding(given);
  if (!resolved.ok()) return 0;
  const Conv2dPlanSpec& s = resolved.value();
  if (s.SH < 1 || s.SW < 1 || s.groups < 1) return 0; // not a valid spec (and no division by zero)
  if (const int r = detail::winograd_tile(s); r > 0 && detail::winograd_applies(s)) {
    const kernels::Conv2dDirectTile* tile = winograd_product_tile(s, r);
    return detail::Conv2dWinograd::workspace_bytes_for(s, r, tile ? tile->mb : 1);
  }
  if (std::string name; depthwise_kernel(s, name)) { // packed weights and bias only
    int64_t w = 0;
    return mul_ok(s.KH, s.KW, w) && mul_ok(s.M, w + 1, w) && mul_ok(w, static_cast<int64_t>(sizeof(float)), w)
               ? w : std::numeric_limits<int64_t>::max();
  }
  const PlanGeometry geo = plan_geometry(s);
  const int64_t mg = s.M / s.groups;
  const IsaKernels* ks = kernels_for(s.isa, geo.ow, s.tiling);
  const KernelChoice choice = ks ? choose_kernel(*ks, mg, geo.oh, geo.ow, s.tiling) : KernelChoice{};
  const int64_t mb = choice.row_tile || choice.pixel_tile ? choice.mb() : 1;
  // Saturates instead of overflowing: a layer too large to count is too large to run.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t blocks = 0, w = 0, padded = 0, t = 0, total = 0;
  if (!mul_ok(s.groups, (mg + mb - 1) / mb, blocks) || !mul_ok(blocks, s.C / s.groups, w) || !mul_ok(w, s.KH, w) ||
      !mul_ok(w, s.KW, w) || !mul_ok(w, mb, w))
    return kMax;
  if (geo.copy && (!mul_ok(s.N, s.C, padded) || !mul_ok(padded, geo.hp, padded) || !mul_ok(padded, geo.pitch, padded)))
    return kMax;
  if (!geo.copy) padded = 0;
  if (!mul_ok(blocks, mb, t) || __builtin_add_overflow(w, t, &total) || __builtin_add_overflow(total, padded, &total) ||
      !mul_ok(total, static_cast<int64_t>(sizeof(float)), total) || !mul_ok(s.KW, static_cast<int64_t>(sizeof(int64_t)), t) ||
      __builtin_add_overflow(total, t, &total))
    return kMax;
  return total;
}

std::vector<std::string> Conv2dPlan::instruction_sets() {
  std::vector<std::string> v;
  for (const IsaKernels& k : available_kernels()) v.emplace_back(k.isa);
  return v;
}

int64_t Conv2dPlan::workspace_bytes() const {
  if (winograd_) return winograd_->workspace_bytes();
  return static_cast<int64_t>((packed_w_.size() + packed_bias_.size() + padded_.size()) * sizeof(float) +
                              kw_offset_.size() * sizeof(int64_t));
}

void Conv2dPlan::run(const float* x, float* y, ThreadPool* pool) {
  if (!ok()) return;
  const Conv2dPlanSpec& s = spec_;
  const int64_t G = s.groups, cg = s.C / G, mg = s.M / G;
  const int64_t macs = s.N * s.M * oh_ * ow_ * cg * s.KH * s.KW;
  ThreadPool* p = macs >= kParallelMacs && pool && pool->workers() > 0 ? pool : nullptr;
  if (winograd_) {
    winograd_->run(x, y, p);
    return;
  }
  if (depthwise_) {
    const kernels::Dwconv2dArgs a{x, packed_w_.data(), packed_bias_.data(), y, s.C, s.H, s.W, s.M, oh_, ow_,
                                  s.KH, s.KW, s.SH, s.SW, s.pad_top, s.pad_left};
    run_depthwise(depthwise_, a, s.N * s.M, macs, p);
    return;
  }
  const int64_t threads = p ? static_cast<int64_t>(p->workers()) + 1 : 1;
  // The input inside the zero border of the padded buffer (zeroed once, at planning), each row split
  // into its SW phases.
  const detail::PaddedCopy pc{s.H, s.W, s.pad_top, s.pad_left, s.SW, plan_geometry(s).phase, hp_, wp_};
  const bool copy = !padded_.empty();
  // Fused: when there are many small (image, group) slices (depthwise layers, batches of small
  // images), a task owns one slice: it copies the slice's input and computes all of its outputs while
  // the copy is still in cache, instead of a separate copy pass through memory.
  const bool fused = copy && cg * hp_ * wp_ * static_cast<int64_t>(sizeof(float)) <= kFusedSliceBytes &&
                     s.N * G >= (p ? 4 * threads : 1);
  if (copy && !fused) detail::copy_padded(x, padded_.data(), pc, s.N * s.C, p);
  const int64_t blocks = (mg + mb_ - 1) / mb_, taps = cg * s.KH * s.KW;
  Conv2dDirectArgs a;
  a.x = copy ? padded_.data() : x;
  a.w = packed_w_.data();
  a.bias = packed_bias_.data();
  a.y = y;
  a.kw_offset = kw_offset_.data();
  a.C = cg; a.Hp = hp_; a.Wp = wp_; a.M = mg; a.KH = s.KH; a.KW = s.KW; a.OH = oh_; a.OW = ow_;
  a.SH = s.SH;
  a.x_image = s.C * hp_ * wp_;
  a.y_image = s.M * oh_ * ow_;
  a.prefetch_output = s.N * a.y_image * static_cast<int64_t>(sizeof(float)) >= kPrefetchOutputBytes;
  const Conv2dRowKernel kernel = row_;
  const kernels::Conv2dPixelKernel pixel_kernel = pixels_;
  // Work is split in units: output rows for the row kernels, output pixels (oh·OW + ow) for the
  // channel-vectorised ones.
  const int64_t units = pixel_kernel ? oh_ * ow_ : oh_;
  // Units [u0, u1) of one image, one group and one channel block.
  auto compute = [&](int64_t n, int64_t g, int64_t block, int64_t u0, int64_t u1) {
    Conv2dDirectArgs ag = a;
    ag.x += g * cg * hp_ * wp_;
    ag.w += g * blocks * taps * mb_;
    ag.bias += g * blocks * mb_;
    ag.y += g * mg * oh_ * ow_;
    if (pixel_kernel) pixel_kernel(ag, n, block, u0, u1);
    else
      for (int64_t r = u0; r < u1; ++r) kernel(ag, n, block, r);
  };
  // A chunk of output rows: its input rows (at most kTaskInputBytes) stay in cache while every
  // channel block of the group passes over them.
  const int64_t row_bytes = cg * wp_ * static_cast<int64_t>(sizeof(float));
  int64_t rows = std::clamp<int64_t>((kTaskInputBytes / std::max<int64_t>(row_bytes, 1) - s.KH) / s.SH + 1, 1, oh_);
  // Enough tasks for the threads to finish together: at least 16 per thread when rows allow.
  const int64_t want_chunks = (16 * threads + s.N * G * blocks - 1) / (s.N * G * blocks);
  int64_t chunk = rows;
  if (pixel_kernel) {
    chunk = rows * ow_;
    if (p && !fused) {
      // Few large tasks, each a whole channel block where there are enough (measured in WebAssembly
      // with 2 threads: CIFAR 3->64 in 8 tasks of one channel block 0.117 ms, in 32 tasks 0.123;
      // LeNet conv2 in 2 tasks 0.0086 ms, in 4 0.0095). The pixels are split only into as many chunks
      // as make the number of tasks a multiple of the threads (or at least 8 per thread).
      const int64_t slices = s.N * G * blocks;
      int64_t split = 1;
      while (split < units && (slices * split) % threads != 0 && slices * split < 8 * threads) ++split;
      chunk = std::min(chunk, (units + split - 1) / split);
    }
    chunk = std::min(units, (chunk + px_ - 1) / px_ * px_); // whole tiles
  } else if (p && !fused) {
    rows = std::min(rows, std::max<int64_t>(1, oh_ / std::max<int64_t>(want_chunks, 1)));
    // ...but a chunk's output rows span at least four cache lines per channel: narrow rows (LeNet's
    // 10 columns) split one per task would put two threads' rows in the same cache lines.
    chunk = std::clamp<int64_t>((256 / static_cast<int64_t>(sizeof(float)) + ow_ - 1) / ow_, rows, oh_);
  }
  int64_t chunks = (units + chunk - 1) / chunk;
  // A last chunk shorter than a pixel tile joins the one before (it would store pixel by pixel).
  if (pixel_kernel && chunks > 1 && units - (chunks - 1) * chunk < px_) --chunks;
  auto chunk_end = [&](int64_t k) { return k == chunks - 1 ? units : (k + 1) * chunk; };
  // An output far past the caches (prefetch_output) whose channel blocks divide among the threads:
  // each thread owns blocks/threads consecutive blocks over every image and chunk, so it streams its
  // own output planes while the input stays shared. VGG conv1_1 at two threads on the Xeon, load 1-2.4,
  // min of 5-6 × 41 runs alternated, two sessions: 0.609 → 0.582 and 0.617 → 0.604 ms, into a
  // 64-byte-aligned output 0.593 → 0.577 and 0.583 → 0.565 (medians 0-4 % lower): a small gain.
  const bool own_blocks = p && !fused && !pixel_kernel && a.prefetch_output && blocks % threads == 0;
  // Fused: a task is one (image, group) slice, copied then computed chunk by chunk, block fastest.
  // Own blocks: a task is one chunk of one image, group and block, ordered by thread, then image and
  // group, chunk, block. Else a task is one chunk of one image, group and block, block fastest.
  const int64_t tasks = fused ? s.N * G : s.N * G * chunks * blocks;
  const int64_t thread_blocks = blocks / threads;
  auto task = [&](int64_t t) {
    if (own_blocks) {
      const int64_t b = t % thread_blocks, rest = t / thread_blocks;
      const int64_t k = rest % chunks, image_group = rest / chunks % (s.N * G), owner = rest / chunks / (s.N * G);
      compute(image_group / G, image_group % G, owner * thread_blocks + b, k * chunk, chunk_end(k));
      return;
    }
    if (fused) {
      const int64_t n = t / G, g = t % G;
      for (int64_t c = 0; c < cg; ++c) detail::copy_padded_rows(x, padded_.data(), pc, n * s.C + g * cg + c, 0, s.H);
      for (int64_t k = 0; k < chunks; ++k)
        for (int64_t block = 0; block < blocks; ++block) compute(n, g, block, k * chunk, chunk_end(k));
      return;
    }
    const int64_t block = t % blocks, rest = t / blocks;
    const int64_t image_group = rest / chunks, k = rest % chunks;
    compute(image_group / G, image_group % G, block, k * chunk, chunk_end(k));
  };
  if (!p) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
    return;
  }
  // Consecutive tasks are grouped into items of at least kItemMacs (fewer hand-overs for tiny tasks);
  // which thread runs an item does not change any result.
  // The channel-vectorised kernels' few tasks go in one item per thread, consecutive tasks together:
  // the caller, first at the counter, takes the first item, so each thread writes the same outputs on
  // every run and their cache lines stay in its cache (CIFAR 3->64 with 2 threads: 0.116 ms; its 8
  // tasks taken one by one 0.120, two by two 0.117). The price: a thread that starts late (woken from
  // sleep) is not made up for by the others.
  const int64_t items = pixel_kernel || own_blocks ? std::min(tasks, threads) : std::min(tasks, std::max(macs / kItemMacs, threads));
  parallel_for(p, items, [&](int64_t i) {
    for (int64_t t = i * tasks / items; t < (i + 1) * tasks / items; ++t) task(t);
  });
}

} // namespace convplay
