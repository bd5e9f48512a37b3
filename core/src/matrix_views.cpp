// Convolution as a matrix product: Toeplitz (1-D), doubly-blocked Toeplitz (2-D) and im2col (see
// convplay/matrix_views.h). Built entry by entry from the same index rule as the reference kernels.
#include <convplay/matrix_views.h>

#include <algorithm>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }

std::string check_matrix(const char* what, int64_t rows, int64_t cols) {
  int64_t n = 0;
  if (__builtin_mul_overflow(rows, cols, &n) || n > kMaxMatrixElements)
    return std::string(what) + " would be " + num(rows) + " × " + num(cols) + ", more than the limit of " +
           num(kMaxMatrixElements) + " entries";
  return {};
}

// Elements [begin, end) of v (64-bit offsets, also on wasm32).
AlignedVector<float> slice(const AlignedVector<float>& v, int64_t begin, int64_t end) {
  return AlignedVector<float>(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end));
}

// The kernel as seen by cross-correlation: reversed for true convolution.
AlignedVector<float> oriented(const Tensor& k, bool flip) {
  AlignedVector<float> v = k.data;
  if (flip) std::reverse(v.begin(), v.end());
  return v;
}
} // namespace

Expected<Tensor> toeplitz_matrix_1d(const Tensor& kernel, const AxisSpec& axis_in) {
  if (kernel.rank() != 1 || kernel.numel() < 1) return Error{"Toeplitz kernel must be 1-D (K), got shape " + shape_string(kernel.shape)};
  AxisSpec a = axis_in;
  a.kernel = kernel.shape[0];
  const AxisResult r = conv_axis(a);
  if (r.error != ShapeError::None) return Error{describe(a, r)};
  if (auto e = check_matrix("the Toeplitz matrix", r.output, a.input); !e.empty()) return Error{e};
  const AlignedVector<float> k = oriented(kernel, a.flip);
  Tensor t = zeros({r.output, a.input});
  for (int64_t o = 0; o < r.output; ++o)
    for (int64_t j = 0; j < a.kernel; ++j) {
      const int64_t i = o * a.stride - r.pad_before + j * a.dilation; // input index under tap j
      if (i >= 0 && i < a.input) t[o * a.input + i] = k[static_cast<size_t>(j)];
    }
  return t;
}

Expected<Tensor> doubly_blocked_toeplitz_2d(const Tensor& kernel, const AxisSpec& rows_in, const AxisSpec& cols_in) {
  if (kernel.rank() != 2 || kernel.numel() < 1)
    return Error{"doubly-blocked Toeplitz kernel must be 2-D (KH, KW), got shape " + shape_string(kernel.shape)};
  AxisSpec rs = rows_in, cs = cols_in;
  rs.kernel = kernel.shape[0];
  cs.kernel = kernel.shape[1];
  const AxisResult rr = conv_axis(rs), rc = conv_axis(cs);
  if (rr.error != ShapeError::None) return Error{"height: " + describe(rs, rr)};
  if (rc.error != ShapeError::None) return Error{"width: " + describe(cs, rc)};
  int64_t rows = 0, cols = 0;
  if (__builtin_mul_overflow(rr.output, rc.output, &rows) || __builtin_mul_overflow(rs.input, cs.input, &cols))
    return Error{"sizes this large overflow 64-bit arithmetic"};
  if (auto e = check_matrix("the doubly-blocked Toeplitz matrix", rows, cols); !e.empty()) return Error{e};
  const bool flip = rs.flip || cs.flip;
  const Tensor k = flip ? flip_kernel2d(kernel) : kernel;
  // Each block row kh of the filter is a 1-D Toeplitz block over the width, with the padding resolved.
  AxisSpec block = cs;
  block.padding = Padding::Explicit;
  block.pad_before = rc.pad_before;
  block.pad_after = rc.pad_after;
  block.flip = false;
  const int64_t W = cs.input, OW = rc.output;
  Tensor t = zeros({rows, cols});
  for (int64_t kh = 0; kh < rs.kernel; ++kh) {
    Tensor row{{cs.kernel}, slice(k.data, kh * cs.kernel, (kh + 1) * cs.kernel)};
    auto b = toeplitz_matrix_1d(row, block); // (OW × W)
    if (!b) return Error{b.error()};
    for (int64_t oh = 0; oh < rr.output; ++oh) {
      const int64_t ih = oh * rs.stride - rr.pad_before + kh * rs.dilation; // block column
      if (ih < 0 || ih >= rs.input) continue;
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t iw = 0; iw < W; ++iw) t[(oh * OW + ow) * cols + ih * W + iw] += (*b)[ow * W + iw];
    }
  }
  return t;
}

Expected<Tensor> im2col_matrix(const Tensor& x, int64_t KH, int64_t KW, const Conv2dParams& p_in) {
  if (x.rank() != 2 && x.rank() != 3) return Error{"im2col input must be (C, H, W) or (H, W), got shape " + shape_string(x.shape)};
  const int64_t C = x.rank() == 3 ? x.shape[0] : 1;
  std::vector<int64_t> x4 = {1, C, x.shape[x.shape.size() - 2], x.shape.back()};
  Conv2dParams p = p_in;
  p.groups = 1;
  auto g = conv2d_geometry(x4, {1, C, KH, KW}, p);
  if (!g) return Error{g.error()};
  if (x.numel() != C * g->H * g->W) return Error{"input data does not match its shape"};
  const int64_t rows = C * KH * KW, cols = g->OH * g->OW;
  if (auto e = check_matrix("the im2col matrix", rows, cols); !e.empty()) return Error{e};
  auto xp = pad2d(Tensor{x4, x.data}, g->pad_top, g->pad_bottom, g->pad_left, g->pad_right, p.padding_mode);
  if (!xp) return Error{xp.error()};
  const int64_t HP = xp->shape[2], WP = xp->shape[3];
  Tensor m = zeros({rows, cols});
  for (int64_t c = 0; c < C; ++c)
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw)
        for (int64_t oh = 0; oh < g->OH; ++oh)
          for (int64_t ow = 0; ow < g->OW; ++ow)
            m[((c * KH + kh) * KW + kw) * cols + oh * g->OW + ow] =
                (*xp)[(c * HP + oh * g->stride_h + kh * g->dilation_h) * WP + ow * g->stride_w + kw * g->dilation_w];
  return m;
}

Expected<Tensor> matmul(const Tensor& a, const Tensor& b) {
  if (a.rank() != 2) return Error{"matmul: the left operand must be a matrix, got shape " + shape_string(a.shape)};
  if (b.rank() != 1 && b.rank() != 2) return Error{"matmul: the right operand must be a matrix or vector, got shape " + shape_string(b.shape)};
  const int64_t R = a.shape[0], K = a.shape[1], Cn = b.rank() == 2 ? b.shape[1] : 1;
  if (b.shape[0] != K)
    return Error{"matmul: " + shape_string(a.shape) + " · " + shape_string(b.shape) + ": inner sizes " + num(K) + " and " +
                 num(b.shape[0]) + " differ"};
  if (a.numel() != R * K || b.numel() != K * Cn) return Error{"matmul: data do not match the shapes"};
  if (auto e = check_matrix("the product", R, Cn); !e.empty()) return Error{e};
  Tensor c = zeros(b.rank() == 2 ? std::vector<int64_t>{R, Cn} : std::vector<int64_t>{R});
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < Cn; ++j) {
      double acc = 0.0;
      for (int64_t k = 0; k < K; ++k) acc += static_cast<double>(a[i * K + k]) * static_cast<double>(b[k * Cn + j]);
      c[i * Cn + j] = static_cast<float>(acc);
    }
  return c;
}

Expected<Tensor> conv2d_im2col(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& p) {
  std::vector<int64_t> x4, w4;
  if (x.rank() == 2 && w.rank() == 2) {
    x4 = {1, 1, x.shape[0], x.shape[1]};
    w4 = {1, 1, w.shape[0], w.shape[1]};
  } else if ((x.rank() == 3 || x.rank() == 4) && w.rank() == 4) {
    x4 = x.rank() == 4 ? x.shape : std::vector<int64_t>{1, x.shape[0], x.shape[1], x.shape[2]};
    w4 = w.shape;
  } else {
    return conv2d(x, w, bias, p); // returns the shape error
  }
  auto g = conv2d_geometry(x4, w4, p);
  if (!g) return Error{g.error()};
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel() || !checked_numel(w.shape, n) || n != w.numel())
    return Error{"operand data do not match their shapes"};
  if (bias && (bias->rank() != 1 || bias->numel() != g->M)) return conv2d(x, w, bias, p);
  const int64_t Cg = g->C / g->groups, Mg = g->M / g->groups, KK = g->KH * g->KW, P = g->OH * g->OW;
  const Tensor wk = p.flip ? flip_kernel2d(Tensor{w4, w.data}) : Tensor{w4, w.data};
  Tensor y = zeros({g->N, g->M, g->OH, g->OW});
  for (int64_t in = 0; in < g->N; ++in) {
    const int64_t image_size = g->C * g->H * g->W;
    Tensor image{{g->C, g->H, g->W}, slice(x.data, in * image_size, (in + 1) * image_size)};
    auto cols = im2col_matrix(image, g->KH, g->KW, p); // (C·KH·KW) × (OH·OW)
    if (!cols) return Error{cols.error()};
    for (int64_t gi = 0; gi < g->groups; ++gi) {
      // The group's filters as a matrix (Mg × Cg·KH·KW) times its rows of the im2col matrix.
      Tensor wg{{Mg, Cg * KK}, slice(wk.data, gi * Mg * Cg * KK, (gi + 1) * Mg * Cg * KK)};
      Tensor cg{{Cg * KK, P}, slice(cols->data, gi * Cg * KK * P, (gi + 1) * Cg * KK * P)};
      auto prod = matmul(wg, cg);
      if (!prod) return Error{prod.error()};
      for (int64_t m = 0; m < Mg; ++m)
        for (int64_t i = 0; i < P; ++i)
          y[(in * g->M + gi * Mg + m) * P + i] = (*prod)[m * P + i] + (bias ? (*bias)[gi * Mg + m] : 0.0f);
    }
  }
  if (x.rank() == 2) y.shape = {g->OH, g->OW}; // conv2d's output rank
  if (x.rank() == 3) y.shape = {g->M, g->OH, g->OW};
  return y;
}

} // namespace convplay
