// The fast dense layer and backward passes (see convplay/train_ops.h). Shapes the fast paths do not
// take, bad ones included, go to the references of layers.cpp and conv.cpp, which name the problem.
#include <convplay/train_ops.h>

#include <convplay/gemm.h>

#include "kernels/config.h"

#include <algorithm>
#include <array>
#include <memory>
#include <type_traits>

namespace convplay {
namespace {
// A conv backward pass with fewer multiply-adds runs on the calling thread.
constexpr int64_t kParallelMacs = 1 << 17;
// The weight gradient sums images in at most this many chunks (fixed by the shapes, not the threads):
// enough to share among threads, few enough that their partial sums stay small.
constexpr int64_t kMaxWeightChunks = 16;
// ... and each chunk has at least about this many multiply-adds.
constexpr int64_t kChunkMacs = 1 << 18;

inline size_t at(int64_t i) { return static_cast<size_t>(i); }

bool data_matches(const Tensor& t) {
  int64_t n = 0;
  return checked_numel(t.shape, n) && n == t.numel();
}

// (N, IN, OUT) of a dense layer the fast path takes; false sends the call to the reference.
bool dense_sizes(const Tensor& x, const Tensor& w, int64_t& N, int64_t& IN, int64_t& OUT) {
  if ((x.rank() != 1 && x.rank() != 2) || w.rank() != 2 || !data_matches(x) || !data_matches(w)) return false;
  N = x.rank() == 2 ? x.dim(0) : 1;
  IN = x.shape.back();
  OUT = w.dim(0);
  int64_t n = 0;
  return N >= 1 && IN >= 1 && OUT >= 1 && w.dim(1) == IN && checked_numel({N, OUT}, n) && n <= kMaxTensorElements;
}

std::vector<int64_t> dense_output_shape(const Tensor& x, int64_t N, int64_t OUT) {
  return x.rank() == 2 ? std::vector<int64_t>{N, OUT} : std::vector<int64_t>{OUT};
}

// ---- conv2d backward ----------------------------------------------------------------------------

struct ConvDims {
  int64_t N, C, H, W, M, KH, KW, pt, pl, OH, OW;
  int64_t P() const { return OH * OW; }     // output pixels per channel
  int64_t CKK() const { return C * KH * KW; } // taps per filter
  // Output columns ow whose tap kw falls inside the input row: [ow_lo, ow_hi).
  int64_t ow_lo(int64_t kw) const { return std::clamp<int64_t>(pl - kw, 0, OW); }
  int64_t ow_hi(int64_t kw) const { return std::clamp<int64_t>(W + pl - kw, ow_lo(kw), OW); }
};

// Buffers every element of which is written before it is read (no zeroing first), one per slot and
// thread, kept between calls and grown when a call needs more: a training loop allocates (and takes
// page faults on) its workspaces once, not at every step. A function's slots differ from those of the
// work it hands the pool, on which the calling thread takes part.
enum class Slot { Partials, PackedA, PackedB, Image, WeightsT, GroupGradients, InputRow, Ones, Sums, Count };
float* scratch(Slot slot, int64_t floats) {
  thread_local std::array<std::vector<float>, static_cast<size_t>(Slot::Count)> buffers;
  std::vector<float>& b = buffers[static_cast<size_t>(slot)];
  if (b.size() < at(floats)) b.resize(at(floats));
  return b.data();
}

// t with this shape, its storage reused (grown where needed); zeroed when `zero`.
void reshape(Tensor& t, const std::vector<int64_t>& shape, bool zero) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  t.shape = shape;
  if (zero) t.data.assign(at(n), 0.0f);
  else t.data.resize(at(n));
}

// im2col(x_n) (CKK × P) packed in groups of `width` taps, the layout of both GEMM operands (A: row
// blocks of MR, B: column panels of NR) with an inner dimension of k_total ≥ P of which this image
// fills the first P: dst[group][p][i] (group stride width·k_total) = x_n[c][oh + kh − pt][ow + kw − pl]
// for tap j = group·width + i = (c, kh, kw) and p = (oh, ow); zero outside the image and past CKK.
// Tap by tap, so each input row is read front to back (faster than gathering a group per pixel).
// f(std::integral_constant<int64_t, width>) for the tile widths of the GEMM kernels
// (kernels/gemm_f32__*.cpp), f(…<int64_t, 0>) for any other.
template <class F>
void with_tile_width(int64_t width, F&& f) {
  switch (width) {
  case 5: return f(std::integral_constant<int64_t, 5>{});
  case 6: return f(std::integral_constant<int64_t, 6>{});
  case 8: return f(std::integral_constant<int64_t, 8>{});
  case 16: return f(std::integral_constant<int64_t, 16>{});
  case 48: return f(std::integral_constant<int64_t, 48>{});
  default: return f(std::integral_constant<int64_t, 0>{});
  }
}

// Width > 0 fixes the group width at compile time (constant store strides the compiler unrolls);
// 0 takes it from `runtime_width`.
template <int64_t Width>
void pack_im2col_as(const ConvDims& d, int64_t runtime_width, const float* xn, float* dst, int64_t k_total,
                    ThreadPool* pool) {
  const int64_t width = Width > 0 ? Width : runtime_width;
  const int64_t CKK = d.CKK(), P = d.P();
  parallel_for(pool, (CKK + width - 1) / width, [&](int64_t group) {
    for (int64_t i = 0; i < width; ++i) {
      float* col = dst + group * width * k_total + i; // pixel p at col[p·width]
      const int64_t j = group * width + i;
      if (j >= CKK) {
        for (int64_t p = 0; p < P; ++p) col[p * width] = 0.0f;
        continue;
      }
      const int64_t c = j / (d.KH * d.KW), kh = j / d.KW % d.KH, kw = j % d.KW;
      const int64_t lo = d.ow_lo(kw), hi = d.ow_hi(kw);
      for (int64_t oh = 0; oh < d.OH; ++oh) {
        float* out = col + oh * d.OW * width;
        const int64_t ih = oh + kh - d.pt;
        if (ih < 0 || ih >= d.H) {
          for (int64_t ow = 0; ow < d.OW; ++ow) out[ow * width] = 0.0f;
          continue;
        }
        const float* row = xn + (c * d.H + ih) * d.W;
        for (int64_t ow = 0; ow < lo; ++ow) out[ow * width] = 0.0f;
        for (int64_t ow = lo; ow < hi; ++ow) out[ow * width] = row[ow + kw - d.pl];
        for (int64_t ow = hi; ow < d.OW; ++ow) out[ow * width] = 0.0f;
      }
    }
  });
}

void pack_im2col(const ConvDims& d, int64_t width, const float* xn, float* dst, int64_t k_total, ThreadPool* pool) {
  with_tile_width(width, [&](auto w) { pack_im2col_as<decltype(w)::value>(d, width, xn, dst, k_total, pool); });
}

// GY_n (M × P) packed in groups of `width` channels with an inner dimension of k_total ≥ P of which
// this image fills the first P: dst[group][p][i] (group stride width·k_total) = GY_n[group·width + i][p],
// zero past M. The layout of A (GY_n) or of B (GY_nᵀ).
// Width as for pack_im2col_as.
template <int64_t Width>
void pack_planes_as(const float* gyn, int64_t M, int64_t P, int64_t runtime_width, float* dst, int64_t k_total) {
  const int64_t width = Width > 0 ? Width : runtime_width;
  for (int64_t group = 0; group < (M + width - 1) / width; ++group) {
    float* g = dst + group * width * k_total;
    for (int64_t i = 0; i < width; ++i) {
      const int64_t m = group * width + i;
      if (m >= M) {
        for (int64_t p = 0; p < P; ++p) g[p * width + i] = 0.0f;
        continue;
      }
      const float* plane = gyn + m * P;
      for (int64_t p = 0; p < P; ++p) g[p * width + i] = plane[p];
    }
  }
}

void pack_planes(const float* gyn, int64_t M, int64_t P, int64_t width, float* dst, int64_t k_total) {
  with_tile_width(width, [&](auto w) { pack_planes_as<decltype(w)::value>(gyn, M, P, width, dst, k_total); });
}

// The images of one weight-gradient GEMM pack at most this many floats of im2col (a larger chunk runs
// several GEMMs and adds them in order).
constexpr int64_t kGemmImageFloats = int64_t{1} << 18;

// Layers with at most this many filters take the direct weight gradient (kernels/conv2d_wgrad_f32.h):
// packing im2col (C·K² floats per output pixel) costs more than the GEMM's reuse of it saves when
// few filters read it. LeNet-5 (6 and 16 filters), callgrind on its training step (AVX2): the two
// weight gradients from ~28 M instructions per batch of 64 (im2col + GEMM) to ~12 M.
constexpr int64_t kDirectMaxFilters = 32;

// Floats per gradient row of the row form and per pixel of the filter form, in vectors of L floats.
int64_t wgrad_row_floats(const ConvDims& d, int64_t L) { return (d.OH * (d.OW + d.KW - 1) + L - 1) / L * L; }
int64_t wgrad_pixel_floats(const ConvDims& d, int64_t L) { return (d.M + L - 1) / L * L; }

// The direct weight gradient's tile: per chunk of images (fixed by the shapes, as below), each image
// padded into a buffer of rows of Wp floats (where the layer pads) and its output gradient copied at
// that pitch (row form) or transposed to pixels of MP floats (filter-vectorised form), then the kernel
// adds the image's products to per-lane sums. The tile (of either form) is the one that does the
// least work per image: each tile's vector steps (multiply-adds plus loads, a load or splat costing
// the instruction set's load_cost multiply-adds; ragged edges included) and its accumulators loaded
// and stored. With few steps per tile (LeNet-5's conv2 in 16 lanes: 9 steps of 144 floats for 100
// pixels) the latter decide; in WebAssembly, where a splat is dear, the tiles along a kernel row
// (one splat per pixel for 5 taps) take both LeNet-5 layers. A tile `name` instead: that one, if
// the instruction set has it and it fits the kernel's width (else neither).
struct WgradTile {
  const kernels::Conv2dWgradTile* row = nullptr;
  const kernels::Conv2dWgradFilterTile* filter = nullptr;
};
WgradTile choose_wgrad_tile(const ConvDims& d, const kernels::IsaKernels<kernels::Conv2dWgradKernels>& ks,
                            const std::string& name) {
  const int64_t L = ks.lanes, CKK = d.CKK(), P = d.P(), lc = ks.kernels.load_cost;
  const int64_t Q = wgrad_row_floats(d, L), MP = wgrad_pixel_floats(d, L);
  WgradTile choice;
  int64_t best = 0;
  for (int i = 0; i < ks.kernels.count; ++i) {
    const kernels::Conv2dWgradTile& t = ks.kernels.tiles[i];
    const int64_t tiles = (d.M + t.mb - 1) / t.mb * ((CKK + t.jb - 1) / t.jb);
    const int64_t work = tiles * ((Q / L) * (t.mb * t.jb + lc * (t.mb + t.jb)) + lc * 2 * t.mb * t.jb);
    if (name.empty() ? !choice.row || work < best : name == t.name) { best = work; choice.row = &t; }
  }
  for (int i = 0; i < ks.kernels.filter_count; ++i) {
    const kernels::Conv2dWgradFilterTile& t = ks.kernels.filter_tiles[i];
    if (t.window && d.KW % t.jb != 0) continue;
    const int64_t tiles = (MP / L + t.mv - 1) / t.mv * ((CKK + t.jb - 1) / t.jb);
    const int64_t loads = t.mv + (t.window ? 1 : t.jb);
    const int64_t work = tiles * (P * (t.mv * t.jb + lc * loads) + lc * 2 * t.mv * t.jb);
    if (name.empty() ? work < best : name == t.name) { best = work; choice = {nullptr, &t}; }
  }
  return choice;
}

// The direct weight gradient (see choose_wgrad_tile) of a chunk: the chunk's gradient is the lanes of
// the per-lane sums added in order (row form) or the sums themselves (filter form).
void conv_weight_gradient_direct(const ConvDims& d, const std::string& isa, const std::string& tile_name,
                                 const float* x, const float* gy, float* partial, int64_t chunks, int64_t per_chunk,
                                 ThreadPool* pool) {
  const auto& ks = kernels::isa_or_best(kernels::conv2d_wgrad_config(), isa);
  const int64_t L = ks.lanes, CKK = d.CKK(), MC = d.M * CKK, P = d.P();
  const int64_t Hp = d.OH + d.KH - 1, Wp = d.OW + d.KW - 1, plane = Hp * Wp; // the padded extent read
  const int64_t Q = wgrad_row_floats(d, L), MP = wgrad_pixel_floats(d, L);
  const WgradTile chosen = choose_wgrad_tile(d, ks, tile_name);
  const kernels::Conv2dWgradTile* tile = chosen.row;
  const kernels::Conv2dWgradFilterTile* filter_tile = chosen.filter;
  std::vector<int64_t> off(at(CKK));
  for (int64_t j = 0; j < CKK; ++j) off[at(j)] = j / (d.KH * d.KW) * plane + j / d.KW % d.KH * Wp + j % d.KW;
  const bool padded = Hp != d.H || Wp != d.W;
  // Image n into xp at the padded pitch (its border stays zero from the first fill).
  const auto pad_image = [&](int64_t n, float* xp) {
    const float* xn = x + n * d.C * d.H * d.W;
    for (int64_t c = 0; c < d.C; ++c)
      for (int64_t h = 0; h < d.H; ++h)
        std::copy(xn + (c * d.H + h) * d.W, xn + (c * d.H + h + 1) * d.W, xp + c * plane + (h + d.pt) * Wp + d.pl);
  };
  parallel_for(pool, chunks, [&](int64_t ch) {
    const int64_t end = std::min(d.N, (ch + 1) * per_chunk);
    float* out = partial + ch * MC;
    if (filter_tile) {
      float* xp = padded ? scratch(Slot::PackedB, d.C * plane) : nullptr;
      float* gt = scratch(Slot::PackedA, P * MP);
      float* sums = scratch(Slot::Image, CKK * MP);
      if (padded) std::fill(xp, xp + d.C * plane, 0.0f);
      std::fill(sums, sums + CKK * MP, 0.0f);
      kernels::Conv2dWgradFilterArgs args{gt, xp, off.data(), sums, MP, CKK, d.OH, d.OW, Wp};
      for (int64_t n = ch * per_chunk; n < end; ++n) {
        if (padded) pad_image(n, xp);
        else args.x = x + n * d.C * d.H * d.W;
        ks.kernels.transpose(gy + n * d.M * P, d.M, P, MP, gt);
        filter_tile->run(args);
      }
      for (int64_t m = 0; m < d.M; ++m)
        for (int64_t j = 0; j < CKK; ++j) out[m * CKK + j] = sums[j * MP + m];
      return;
    }
    const int64_t x_floats = d.C * plane + d.KW + L; // the last tap's run ends KW + L − 3 floats past the planes
    float* xp = scratch(Slot::PackedB, x_floats);
    float* gp = scratch(Slot::PackedA, d.M * Q);
    float* sums = scratch(Slot::Image, MC * L);
    std::fill(xp, xp + x_floats, 0.0f); // borders and tail: zero for every image
    std::fill(gp, gp + d.M * Q, 0.0f);
    std::fill(sums, sums + MC * L, 0.0f);
    const kernels::Conv2dWgradArgs args{gp, xp, off.data(), sums, d.M, CKK, Q};
    for (int64_t n = ch * per_chunk; n < end; ++n) {
      pad_image(n, xp);
      const float* gyn = gy + n * d.M * P;
      for (int64_t m = 0; m < d.M; ++m)
        for (int64_t oh = 0; oh < d.OH; ++oh)
          std::copy(gyn + (m * d.OH + oh) * d.OW, gyn + (m * d.OH + oh + 1) * d.OW, gp + m * Q + oh * Wp);
      tile->run(args);
    }
    for (int64_t i = 0; i < MC; ++i) {
      float acc = sums[i * L];
      for (int64_t l = 1; l < L; ++l) acc += sums[i * L + l];
      out[i] = acc;
    }
  });
}

// grad_w (M × CKK) = Σ_n GY_n (M × P) · im2col(x_n)ᵀ (P × CKK), or its transpose im2col(x_n) · GY_nᵀ
// when the tiles waste less that way (few filters on a wide tile). The images are split into chunks
// by the shapes alone (one chunk with one_part); a chunk's images are one GEMM whose inner dimension
// runs over their pixels in order (several GEMMs added in order where their im2col would pass
// kGemmImageFloats), then the chunks are added in order.
void conv_weight_gradient(const ConvDims& d, const GemmKernel& k, const TrainOpsOptions& o, const float* x,
                          const float* gy, float* gw) {
  ThreadPool* pool = o.pool;
  const bool one_part = o.one_part;
  const int64_t P = d.P(), CKK = d.CKK(), MC = d.M * CKK, macs = d.N * MC * P;
  // Work per output pixel: the padded tiles' multiply-adds plus the gathered im2col values (~8 each).
  const int64_t cost = k.blocks(d.M) * k.mr() * k.panels(CKK) * k.nr() + 8 * k.panels(CKK) * k.nr();
  const int64_t cost_t = k.blocks(CKK) * k.mr() * k.panels(d.M) * k.nr() + 8 * k.blocks(CKK) * k.mr();
  const bool direct = d.M <= kDirectMaxFilters;
  const bool transposed = !direct && cost_t < cost;
  const int64_t rows = transposed ? CKK : d.M, cols = transposed ? d.M : CKK; // of the GEMM's C
  const int64_t wanted = one_part ? 1 : std::clamp(macs / kChunkMacs, int64_t{1}, std::min(d.N, kMaxWeightChunks));
  const int64_t per_chunk = (d.N + wanted - 1) / wanted, chunks = (d.N + per_chunk - 1) / per_chunk;
  const int64_t image_floats = transposed ? k.packed_a_size(CKK, P) : k.packed_b_size(P, CKK);
  const int64_t per_gemm = std::clamp(kGemmImageFloats / image_floats, int64_t{1}, per_chunk);
  if (macs < kParallelMacs) pool = nullptr;
  ThreadPool* outer = chunks > 1 ? pool : nullptr;
  ThreadPool* inner = chunks == 1 ? pool : nullptr; // one chunk: the pool works inside it
  float* partial = scratch(Slot::Partials, chunks * MC);
  if (direct) conv_weight_gradient_direct(d, o.isa, o.wgrad_tile, x, gy, partial, chunks, per_chunk, outer);
  else parallel_for(outer, chunks, [&](int64_t ch) {
    const int64_t KT = per_gemm * P; // the inner dimension of a full GEMM
    float* pa = scratch(Slot::PackedA, k.packed_a_size(rows, KT));
    float* pb = scratch(Slot::PackedB, k.packed_b_size(KT, cols));
    float* image = nullptr;
    float* sum = partial + ch * MC;
    const int64_t end = std::min(d.N, (ch + 1) * per_chunk);
    for (int64_t n0 = ch * per_chunk; n0 < end; n0 += per_gemm) {
      const int64_t count = std::min(per_gemm, end - n0), kt = count * P;
      for (int64_t i = 0; i < count; ++i) {
        const float* xn = x + (n0 + i) * d.C * d.H * d.W;
        const float* gyn = gy + (n0 + i) * d.M * P;
        if (transposed) {
          pack_im2col(d, k.mr(), xn, pa + i * P * k.mr(), kt, inner);
          pack_planes(gyn, d.M, P, k.nr(), pb + i * P * k.nr(), kt);
        } else {
          pack_planes(gyn, d.M, P, k.mr(), pa + i * P * k.mr(), kt);
          pack_im2col(d, k.nr(), xn, pb + i * P * k.nr(), kt, inner);
        }
      }
      const bool first = n0 == ch * per_chunk;
      if (!first && !image) image = scratch(Slot::Image, MC);
      k.run_tiles(pa, pb, nullptr, first ? sum : image, cols, rows, cols, kt, inner);
      if (!first)
        for (int64_t i = 0; i < MC; ++i) sum[i] += image[i];
    }
  });
  for (int64_t m = 0; m < d.M; ++m)
    for (int64_t j = 0; j < CKK; ++j) {
      const int64_t i = transposed ? j * d.M + m : m * CKK + j;
      float acc = partial[i];
      for (int64_t ch = 1; ch < chunks; ++ch) acc += partial[ch * MC + i];
      gw[m * CKK + j] = acc;
    }
}

// grad_x by the direct transposed convolution (kernels/conv2d_dgrad_f32.h): the images in groups of
// kDgradImages (zero lanes past N), the channels in blocks of at most the kernels' widest, balanced
// (LeNet-5's 6 channels: one block where 6 fit). Each group's output gradient is rearranged once
// (pixels of a row right to left, then filters, then the group's images), each block's weights once
// (taps, then filters, then the block's channels); then a parallel version of the serial loop
//   for group, block, input row: kernel into the row's buffer, scattered to the group's images.
void conv_input_gradient(const ConvDims& d, const std::string& isa, const float* w, const float* gy, float* gx,
                         ThreadPool* pool) {
  const auto& dk = kernels::isa_or_best(kernels::conv2d_dgrad_config(), isa);
  constexpr int64_t G = kernels::kDgradImages;
  const int64_t P = d.P(), CKK = d.CKK(), macs = d.N * d.M * CKK * P, KK = d.KH * d.KW;
  if (macs < kParallelMacs) pool = nullptr;
  const int64_t groups = (d.N + G - 1) / G, blocks = (d.C + dk.kernels.max_channels - 1) / dk.kernels.max_channels;
  const int64_t CB = (d.C + blocks - 1) / blocks; // every block but the last has CB channels
  const int64_t group_floats = P * d.M * G;
  float* gt = scratch(Slot::GroupGradients, groups * group_floats);
  parallel_for(pool, groups, [&](int64_t g) {
    float* dst = gt + g * group_floats;
    for (int64_t i = 0; i < G; ++i) {
      const int64_t n = g * G + i;
      for (int64_t oh = 0; oh < d.OH; ++oh)
        for (int64_t r = 0; r < d.OW; ++r) { // r: the pixel's place in its reversed row
          float* px = dst + (oh * d.OW + r) * d.M * G + i;
          if (n >= d.N) {
            for (int64_t m = 0; m < d.M; ++m) px[m * G] = 0.0f;
            continue;
          }
          const float* src = gy + n * d.M * P + oh * d.OW + d.OW - 1 - r;
          for (int64_t m = 0; m < d.M; ++m) px[m * G] = src[m * P];
        }
    }
  });
  float* wt = scratch(Slot::WeightsT, blocks * KK * d.M * CB);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t c0 = b * CB, cb = std::min(CB, d.C - c0);
    float* dst = wt + b * KK * d.M * CB;
    for (int64_t t = 0; t < KK; ++t)
      for (int64_t m = 0; m < d.M; ++m)
        for (int64_t c = 0; c < cb; ++c) dst[(t * d.M + m) * cb + c] = w[(m * d.C + c0 + c) * KK + t];
  }
  parallel_for(pool, groups * blocks * d.H, [&](int64_t item) {
    const int64_t g = item / (blocks * d.H), b = item / d.H % blocks, ih = item % d.H;
    const int64_t c0 = b * CB, cb = std::min(CB, d.C - c0);
    float* row = scratch(Slot::InputRow, d.W * cb * G);
    const kernels::Conv2dDgradArgs args{gt + g * group_floats, wt + b * KK * d.M * CB, row,
                                        ih, d.W, d.OH, d.OW, d.KH, d.KW, d.M, d.pt, d.pl};
    dk.kernels.run[cb - 1](args);
    for (int64_t i = 0; i < G && g * G + i < d.N; ++i)
      for (int64_t c = 0; c < cb; ++c) {
        float* out = gx + ((g * G + i) * d.C + c0 + c) * d.H * d.W + ih * d.W;
        for (int64_t iw = 0; iw < d.W; ++iw) out[iw] = row[(iw * cb + c) * G + i];
      }
  });
}

// grad_b[m] = Σ_n Σ_p grad_y[n][m][p]: each plane by the GEMV kernel (times a vector of ones), the
// planes of a channel in double.
void conv_bias_gradient(const ConvDims& d, const GemmKernel& k, const float* gy, float* gb, ThreadPool* pool) {
  const int64_t P = d.P(), planes = d.N * d.M;
  constexpr int64_t kRows = 64;
  float* ones = scratch(Slot::Ones, P);
  std::fill(ones, ones + P, 1.0f);
  float* sums = scratch(Slot::Sums, planes);
  parallel_for(planes * P >= kParallelMacs ? pool : nullptr, (planes + kRows - 1) / kRows, [&](int64_t i) {
    k.gemv(gy, P, ones, nullptr, 1, sums, P, i * kRows, std::min(planes, (i + 1) * kRows));
  });
  for (int64_t m = 0; m < d.M; ++m) {
    double acc = 0.0;
    for (int64_t n = 0; n < d.N; ++n) acc += sums[n * d.M + m];
    gb[m] = static_cast<float>(acc);
  }
}
} // namespace

std::string dense_fast_into(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y, const TrainOpsOptions& o) {
  int64_t N = 0, IN = 0, OUT = 0;
  if (!dense_sizes(x, w, N, IN, OUT) || (bias && (bias->rank() != 1 || bias->numel() != OUT || bias->dim(0) != OUT))) {
    auto r = dense(x, w, bias); // the reference names the problem
    if (!r) return r.error();
    y = std::move(*r);
    return {};
  }
  reshape(y, dense_output_shape(x, N, OUT), false);
  GemmSpec s{N, OUT, IN, false, true, bias ? GemmBias::PerColumn : GemmBias::None, o.isa};
  return gemm(s, x.data.data(), IN, w.data.data(), IN, bias ? bias->data.data() : nullptr, y.data.data(), OUT, o.pool);
}

Expected<Tensor> dense_fast(const Tensor& x, const Tensor& w, const Tensor* bias, const TrainOpsOptions& o) {
  Tensor y;
  if (auto e = dense_fast_into(x, w, bias, y, o); !e.empty()) return Error{e};
  return y;
}

std::string dense_backward_fast_into(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                                     DenseGradients& g, const TrainOpsOptions& o) {
  int64_t N = 0, IN = 0, OUT = 0;
  if (!dense_sizes(x, w, N, IN, OUT) || gy.shape != dense_output_shape(x, N, OUT) || !data_matches(gy)) {
    auto r = dense_backward(x, w, with_bias, gy); // the reference names the problem
    if (!r) return r.error();
    if (!o.input_gradient) r->input = Tensor{};
    g = std::move(*r);
    return {};
  }
  // grad_x (N × IN) = grad_y (N × OUT) · w (OUT × IN); grad_w (OUT × IN) = grad_yᵀ · x (N × IN).
  reshape(g.weight, w.shape, false);
  std::string e = gemm({OUT, IN, N, true, false, GemmBias::None, o.isa}, gy.data.data(), OUT, x.data.data(), IN,
                       nullptr, g.weight.data.data(), IN, o.pool);
  if (o.input_gradient && e.empty()) {
    reshape(g.input, x.shape, false);
    e = gemm({N, IN, OUT, false, false, GemmBias::None, o.isa}, gy.data.data(), OUT, w.data.data(), IN, nullptr,
             g.input.data.data(), IN, o.pool);
  } else {
    g.input = Tensor{};
  }
  if (!e.empty()) return e;
  if (with_bias) {
    reshape(g.bias, {OUT}, false);
    for (int64_t out = 0; out < OUT; ++out) {
      double acc = 0.0;
      for (int64_t n = 0; n < N; ++n) acc += gy[n * OUT + out];
      g.bias[out] = static_cast<float>(acc);
    }
  } else {
    g.bias = Tensor{};
  }
  return {};
}

Expected<DenseGradients> dense_backward_fast(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                                             const TrainOpsOptions& o) {
  DenseGradients g;
  if (auto e = dense_backward_fast_into(x, w, with_bias, gy, g, o); !e.empty()) return Error{e};
  return g;
}

bool conv2d_backward_fast_covers(const std::vector<int64_t>& x_shape, const Conv2dParams& p) {
  return x_shape.size() == 4 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 &&
         p.groups == 1 && p.padding_mode == PaddingMode::Zeros && !p.flip;
}

std::string conv2d_backward_fast_into(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                                      const Conv2dParams& p, ConvGradients& out, const TrainOpsOptions& o) {
  auto reference = [&]() -> std::string {
    auto r = conv2d_backward(x, w, with_bias, gy, p);
    if (!r) return r.error();
    if (!o.input_gradient) r->input = Tensor{};
    out = std::move(*r);
    return {};
  };
  if (!conv2d_backward_fast_covers(x.shape, p) || !data_matches(x) || !data_matches(w) || !data_matches(gy))
    return reference();
  auto g = conv2d_geometry(x.shape, w.shape, p);
  if (!g || gy.shape != std::vector<int64_t>{g->N, g->M, g->OH, g->OW}) return reference();
  auto kernel = GemmKernel::for_isa(o.isa);
  if (!kernel) return kernel.error();
  const ConvDims d{g->N, g->C, g->H, g->W, g->M, g->KH, g->KW, g->pad_top, g->pad_left, g->OH, g->OW};
  // The fast path's buffers (one image's im2col matrix, packed, and the per-chunk weight gradients) grow
  // with taps × output positions, which small tensors can make huge (a 64×64 kernel on a 128×128 image):
  // past 2^26 floats (256 MiB) per buffer, or where the product overflows, the reference runs instead.
  constexpr int64_t kMaxFloats = int64_t{1} << 26;
  int64_t cols = 0, grads = 0;
  if (__builtin_mul_overflow(d.CKK() + 64, d.P() + 64, &cols) || __builtin_mul_overflow(d.M + 64, d.CKK() + 64, &grads) ||
      cols > kMaxFloats || grads > kMaxFloats)
    return reference();
  reshape(out.weight, w.shape, false);
  if (!o.wgrad_tile.empty()) {
    const auto tiles = conv2d_weight_gradient_tiles(o.isa, d.KW);
    if (d.M > kDirectMaxFilters || std::find(tiles.begin(), tiles.end(), o.wgrad_tile) == tiles.end())
      return "conv2d_backward_fast: no direct weight-gradient tile '" + o.wgrad_tile + "' for " +
             std::to_string(d.M) + " filters of width " + std::to_string(d.KW) + " (isa '" + o.isa + "')";
  }
  conv_weight_gradient(d, *kernel, o, x.data.data(), gy.data.data(), out.weight.data.data());
  if (o.input_gradient) {
    reshape(out.input, x.shape, false);
    conv_input_gradient(d, o.isa, w.data.data(), gy.data.data(), out.input.data.data(), o.pool);
  } else {
    out.input = Tensor{};
  }
  if (with_bias) {
    reshape(out.bias, {g->M}, false);
    conv_bias_gradient(d, *kernel, gy.data.data(), out.bias.data.data(), o.pool);
  } else {
    out.bias = Tensor{};
  }
  return {};
}

std::vector<std::string> conv2d_weight_gradient_tiles(const std::string& isa, int64_t kernel_width) {
  const auto& ks = kernels::isa_or_best(kernels::conv2d_wgrad_config(), isa);
  std::vector<std::string> names;
  for (int i = 0; i < ks.kernels.count; ++i) names.push_back(ks.kernels.tiles[i].name);
  for (int i = 0; i < ks.kernels.filter_count; ++i) {
    const kernels::Conv2dWgradFilterTile& t = ks.kernels.filter_tiles[i];
    if (!t.window || (kernel_width > 0 && kernel_width % t.jb == 0)) names.push_back(t.name);
  }
  return names;
}

Expected<ConvGradients> conv2d_backward_fast(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                                             const Conv2dParams& p, const TrainOpsOptions& o) {
  ConvGradients out;
  if (auto e = conv2d_backward_fast_into(x, w, with_bias, gy, p, out, o); !e.empty()) return Error{e};
  return out;
}

} // namespace convplay
