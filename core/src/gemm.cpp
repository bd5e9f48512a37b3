// The threaded packed matrix product (see convplay/gemm.h): pack op(A) and op(B) in the tile layout
// of src/kernels/gemm_f32.h, then one MR × NR tile per call, each tile on one thread.
#include <convplay/gemm.h>

#include "kernels/config.h"
#include "kernels/simd.h"

#include <algorithm>
#include <type_traits>

namespace convplay {
namespace {
// Products with fewer multiply-adds run on the calling thread (handing work over costs microseconds).
constexpr int64_t kParallelMacs = 1 << 17;
// Packing of fewer floats runs on the calling thread.
constexpr int64_t kParallelFloats = 1 << 14;
// Rows per parallel item of the GEMV path.
constexpr int64_t kGemvRows = 32;
// Packed operands up to this many floats stay allocated per thread between calls.
constexpr int64_t kKeptFloats = int64_t{1} << 20;

// The GEMM kernels of each instruction set, best first (kernels/config.h).
using IsaSet = kernels::IsaKernels<kernels::GemmKernels>;
const std::vector<IsaSet>& available_sets() { return kernels::gemm_config(); }

std::string num(int64_t v) { return std::to_string(v); }

bool fits(std::initializer_list<int64_t> factors) {
  int64_t r = 1;
  for (int64_t f : factors)
    if (__builtin_mul_overflow(r, f, &r) || r > kMaxTensorElements) return false;
  return true;
}

// The 4 × 4 transposes of the packing below run in the build's baseline SIMD (SSE2 on x86-64,
// SIMD128 in WebAssembly): a packing is copies only, so any instruction set gives the same floats.
#if defined(__wasm_simd128__)
using PackSimd = kernels::SimdWasm;
#elif defined(__SSE2__)
using PackSimd = kernels::SimdSse2;
#endif

// One group of Z read along x: d[k][i] = Z[x0 + i][k] = row i of src (stride ld) for i < n, zero for
// n ≤ i < width. Four rows at a time, 4 × 4 blocks transposed in registers; the rest one by one.
template <int64_t Width>
void pack_group_transposed(const float* __restrict src, int64_t ld, int64_t n, int64_t K, int64_t runtime_width,
                           float* __restrict d) {
  const int64_t width = Width > 0 ? Width : runtime_width;
  int64_t i = 0;
#if defined(__wasm_simd128__) || defined(__SSE2__)
  using S = PackSimd;
  for (; i + 4 <= n; i += 4) {
    const float *s0 = src + i * ld, *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld;
    int64_t k = 0;
    for (; k + 4 <= K; k += 4) {
      typename S::V a = S::load(s0 + k), b = S::load(s1 + k), c = S::load(s2 + k), e = S::load(s3 + k);
      S::transpose4(a, b, c, e);
      float* o = d + k * width + i;
      S::store(o, a);
      S::store(o + width, b);
      S::store(o + 2 * width, c);
      S::store(o + 3 * width, e);
    }
    for (; k < K; ++k) {
      float* o = d + k * width + i;
      o[0] = s0[k], o[1] = s1[k], o[2] = s2[k], o[3] = s3[k];
    }
  }
#endif
  if (i == width) return;
  for (int64_t k = 0; k < K; ++k) {
    float* o = d + k * width;
    for (int64_t r = i; r < n; ++r) o[r] = src[r * ld + k];
    for (int64_t r = std::max(i, n); r < width; ++r) o[r] = 0.0f;
  }
}

// One group of Z read along k: d[k][i] = src[k·ld + i] for i < n, zero for n ≤ i < width.
template <int64_t Width>
void pack_group_copied(const float* __restrict src, int64_t ld, int64_t n, int64_t K, int64_t runtime_width,
                       float* __restrict d) {
  const int64_t width = Width > 0 ? Width : runtime_width;
  for (int64_t k = 0; k < K; ++k, d += width, src += ld) {
    if (n == width) {
      for (int64_t i = 0; i < width; ++i) d[i] = src[i];
      continue;
    }
    for (int64_t i = 0; i < n; ++i) d[i] = src[i];
    for (int64_t i = n; i < width; ++i) d[i] = 0.0f;
  }
}

// f(std::integral_constant<int64_t, width>) when width is one of Widths (the MR and NR of the kernel
// sets, kernels/gemm_f32__*.cpp: the copies above then unroll), else f(…<int64_t, 0>).
template <int64_t... Widths, class F>
void with_width_of(int64_t width, F&& f) {
  if (!((width == Widths && (f(std::integral_constant<int64_t, Widths>{}), true)) || ...))
    f(std::integral_constant<int64_t, 0>{});
}

// Both packings: Z (X × K) in groups of `width` along X, dst[g][k][i] = Z[g·width + i][k] (zero past X),
// where Z[x][k] is src[k·ld + x] when k_major, else src[x·ld + k]. A is Z = op(A) with groups of MR
// rows; B is Z = op(B)ᵀ with groups of NR columns.
void pack_groups(const float* src, int64_t ld, bool k_major, int64_t X, int64_t K, int64_t width, float* dst,
                 ThreadPool* pool) {
  with_width_of<4, 5, 6, 8, 16, 48>(width, [&](auto w) {
    constexpr int64_t W = decltype(w)::value;
    parallel_for(pool, (X + width - 1) / width, [&](int64_t g) {
      const int64_t x0 = g * width, n = std::min(width, X - x0);
      float* d = dst + g * width * K;
      if (k_major) pack_group_copied<W>(src + x0, ld, n, K, width, d); // a group's values of one k are contiguous
      else pack_group_transposed<W>(src + x0 * ld, ld, n, K, width, d);
    });
  });
}
} // namespace

std::vector<std::string> GemmKernel::instruction_sets() {
  std::vector<std::string> names;
  for (const IsaSet& s : available_sets()) names.emplace_back(s.isa);
  return names;
}

Expected<GemmKernel> GemmKernel::for_isa(const std::string& isa) {
  std::string known;
  for (const IsaSet& s : available_sets()) {
    if (isa.empty() || isa == s.isa) {
      GemmKernel g;
      g.set_ = &s.kernels;
      g.mr_ = s.kernels.mr;
      g.nr_ = s.kernels.nr;
      g.name_ = s.kernels.gemm_name;
      g.gemv_name_ = s.kernels.gemv_name;
      g.isa_ = s.isa;
      return g;
    }
    known += (known.empty() ? "" : ", ") + std::string(s.isa);
  }
  return Error{"no GEMM kernels for instruction set '" + isa + "' here (there are: " + known + ")"};
}

void GemmKernel::pack_a(const float* a, int64_t lda, bool transposed, int64_t M, int64_t K, float* dst,
                        ThreadPool* pool) const {
  pack_groups(a, lda, transposed, M, K, mr_, dst, M * K >= kParallelFloats ? pool : nullptr);
}

void GemmKernel::pack_b(const float* b, int64_t ldb, bool transposed, int64_t K, int64_t N, float* dst,
                        ThreadPool* pool) const {
  pack_groups(b, ldb, !transposed, N, K, nr_, dst, N * K >= kParallelFloats ? pool : nullptr);
}

void GemmKernel::run_tiles(const float* packed_a, const float* packed_b, const float* row_bias, float* c, int64_t ldc,
                           int64_t M, int64_t N, int64_t K, ThreadPool* pool) const {
  const kernels::GemmArgs args{packed_a, packed_b, row_bias, c, ldc, M, N, K};
  ThreadPool* p = M * N * K >= kParallelMacs ? pool : nullptr;
  // Items are a panel × a range of blocks, panel-major (a panel stays in cache while the A blocks
  // pass over it); with few panels the blocks are split so every thread gets work.
  const int64_t bl = blocks(M), pn = panels(N), threads = p ? static_cast<int64_t>(p->workers()) + 1 : 1;
  const int64_t splits = std::min(bl, std::max<int64_t>(1, (4 * threads + pn - 1) / pn));
  const int64_t per_item = (bl + splits - 1) / splits;
  parallel_for(p, pn * splits, [&](int64_t item) {
    const int64_t q = item / splits, b0 = (item % splits) * per_item;
    for (int64_t blk = b0; blk < std::min(bl, b0 + per_item); ++blk) set_->tile(args, blk, q);
  });
}

void GemmKernel::gemv(const float* a, int64_t lda, const float* x, const float* bias, int64_t bias_div, float* y,
                      int64_t K, int64_t r0, int64_t r1) const {
  const kernels::GemvArgs args{a, x, bias, y, lda, K, bias_div};
  set_->gemv(args, r0, r1);
}

std::string gemm(const GemmSpec& s, const float* a, int64_t lda, const float* b, int64_t ldb, const float* bias,
                 float* c, int64_t ldc, ThreadPool* pool) {
  if (s.M < 1 || s.N < 1 || s.K < 1)
    return "gemm sizes M " + num(s.M) + ", N " + num(s.N) + ", K " + num(s.K) + " must be at least 1";
  if (!a || !b || !c) return "gemm operands must not be null";
  if ((s.bias == GemmBias::None) != (bias == nullptr))
    return s.bias == GemmBias::None ? "gemm got a bias but the spec says none" : "gemm bias is missing";
  const int64_t a_row = s.transpose_a ? s.M : s.K, b_row = s.transpose_b ? s.K : s.N;
  if (lda < a_row) return "lda " + num(lda) + " is shorter than a row of A (" + num(a_row) + ")";
  if (ldb < b_row) return "ldb " + num(ldb) + " is shorter than a row of B (" + num(b_row) + ")";
  if (ldc < s.N) return "ldc " + num(ldc) + " is shorter than a row of C (" + num(s.N) + ")";
  if (!fits({s.M + 16, s.K}) || !fits({s.K, s.N + 64}) || !fits({s.M, ldc}) ||
      !fits({s.transpose_a ? s.K : s.M, lda}) || !fits({s.transpose_b ? s.N : s.K, ldb}))
    return "gemm operands this large exceed the limit of " + num(kMaxTensorElements) + " elements";
  auto kernel = GemmKernel::for_isa(s.isa);
  if (!kernel) return kernel.error();
  const GemmKernel& k = *kernel;
  int64_t macs = 0;
  if (__builtin_mul_overflow(s.M * s.N, s.K, &macs)) macs = kMaxTensorElements;
  ThreadPool* p = macs >= kParallelMacs ? pool : nullptr;

  // One row of C with B stored N × K, or one column with A stored M × K: rows of a stored matrix
  // times a vector, which the GEMV kernel reads as they are (no packing, no padded tile).
  if ((s.M == 1 && !s.transpose_a && s.transpose_b) || (s.N == 1 && !s.transpose_a)) {
    const bool row = s.M == 1 && s.transpose_b;
    const int64_t rows = row ? s.N : s.M;
    std::vector<float> x;
    const float* xv = row ? a : b;
    if (!row && !s.transpose_b && s.K > 1) { // the column of B, gathered
      x.resize(static_cast<size_t>(s.K));
      for (int64_t kk = 0; kk < s.K; ++kk) x[static_cast<size_t>(kk)] = b[kk * ldb];
      xv = x.data();
    }
    // The GEMV writes y contiguously: a column of C is strided unless ldc = 1.
    std::vector<float> y;
    float* yv = c;
    if (!row && ldc != 1) {
      y.resize(static_cast<size_t>(rows));
      yv = y.data();
    }
    const bool per_output = row ? s.bias == GemmBias::PerColumn : s.bias == GemmBias::PerRow;
    const int64_t bias_div = per_output ? 1 : rows; // else a single bias value serves every output
    parallel_for(p, (rows + kGemvRows - 1) / kGemvRows, [&](int64_t i) {
      k.gemv(row ? b : a, row ? ldb : lda, xv, bias, bias_div, yv, s.K, i * kGemvRows, std::min(rows, (i + 1) * kGemvRows));
    });
    if (yv != c)
      for (int64_t m = 0; m < rows; ++m) c[m * ldc] = y[static_cast<size_t>(m)];
    return {};
  }

  // The packed operands, in buffers of the calling thread kept between calls up to kKeptFloats each
  // (repeated products of the same sizes, a training loop, allocate once), larger ones for this call.
  thread_local std::vector<float> kept_a, kept_b;
  std::vector<float> own_a, own_b;
  auto buffer = [](std::vector<float>& kept, std::vector<float>& own, int64_t floats) {
    std::vector<float>& v = floats <= kKeptFloats ? kept : own;
    if (v.size() < static_cast<size_t>(floats)) v.resize(static_cast<size_t>(floats));
    return v.data();
  };
  float* pa = buffer(kept_a, own_a, k.packed_a_size(s.M, s.K));
  float* pb = buffer(kept_b, own_b, k.packed_b_size(s.K, s.N));
  k.pack_a(a, lda, s.transpose_a, s.M, s.K, pa, p);
  k.pack_b(b, ldb, s.transpose_b, s.K, s.N, pb, p);
  k.run_tiles(pa, pb, s.bias == GemmBias::PerRow ? bias : nullptr, c, ldc, s.M, s.N, s.K, p);
  if (s.bias == GemmBias::PerColumn)
    for (int64_t m = 0; m < s.M; ++m)
      for (int64_t n = 0; n < s.N; ++n) c[m * ldc + n] += bias[n];
  return {};
}

} // namespace convplay
