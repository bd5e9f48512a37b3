// Pooling operators: shape checks (PyTorch's rules and messages) around the reference kernels.
#include <convplay/pool.h>

#include <algorithm>

#include "reference/reference.h"

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }

std::vector<int64_t> out_shape(const std::vector<int64_t>& xs, int64_t OH, int64_t OW) {
  std::vector<int64_t> s = xs;
  s[s.size() - 2] = OH;
  s.back() = OW;
  return s;
}
} // namespace

Expected<Pool2dGeometry> pool2d_geometry(const std::vector<int64_t>& xs, const Pool2dParams& p, PoolOp op) {
  if (xs.size() < 2 || xs.size() > 4)
    return Error{"pooling input must be (N, C, H, W), (C, H, W) or (H, W), got shape " + shape_string(xs)};
  for (int64_t d : xs)
    if (d < 1) return Error{"input has shape " + shape_string(xs) + ": every size must be at least 1"};
  Pool2dGeometry g;
  g.N = xs.size() == 4 ? xs[0] : 1;
  g.C = xs.size() >= 3 ? xs[xs.size() - 3] : 1;
  g.H = xs[xs.size() - 2];
  g.W = xs.back();
  if (op == PoolOp::Avg && (p.dilation_h != 1 || p.dilation_w != 1))
    return Error{"average pooling has no dilation (got " + num(p.dilation_h) + ", " + num(p.dilation_w) + ")"};
  PoolAxisSpec ah{g.H, p.kernel_h, p.stride_h, p.pad_h, p.dilation_h, p.ceil_mode};
  PoolAxisSpec aw{g.W, p.kernel_w, p.stride_w, p.pad_w, p.dilation_w, p.ceil_mode};
  const AxisResult rh = pool_axis(ah), rw = pool_axis(aw);
  if (rh.error != ShapeError::None) return Error{"height: " + describe(ah, rh)};
  if (rw.error != ShapeError::None) return Error{"width: " + describe(aw, rw)};
  g.KH = p.kernel_h; g.KW = p.kernel_w;
  g.SH = p.stride_h == 0 ? p.kernel_h : p.stride_h;
  g.SW = p.stride_w == 0 ? p.kernel_w : p.stride_w;
  g.PH = p.pad_h; g.PW = p.pad_w; g.DH = p.dilation_h; g.DW = p.dilation_w;
  g.OH = rh.output; g.OW = rw.output;
  g.count_include_pad = p.count_include_pad;
  int64_t n = 0;
  if (!checked_numel({g.N, g.C, g.OH, g.OW}, n) || n > kMaxTensorElements)
    return Error{"the pooled output would exceed the limit of " + num(kMaxTensorElements) + " elements"};
  return g;
}

int64_t avg_pool_divisor(const Pool2dGeometry& g, int64_t out_row, int64_t out_col) {
  // Along one axis: the window [o·S − P, o·S − P + K) clipped to the padded input or to the input.
  auto taps = [&](int64_t o, int64_t s, int64_t p, int64_t k, int64_t n) {
    const int64_t start = o * s - p, end = start + k;
    return g.count_include_pad ? std::min(end, n + p) - start : std::min(end, n) - std::max<int64_t>(start, 0);
  };
  return taps(out_row, g.SH, g.PH, g.KH, g.H) * taps(out_col, g.SW, g.PW, g.KW, g.W);
}

namespace {
Expected<Pool2dGeometry> checked(const Tensor& x, const Pool2dParams& p, PoolOp op) {
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel()) return Error{"input data does not match its shape"};
  return pool2d_geometry(x.shape, p, op);
}
std::string check_grad(const Tensor& gy, const std::vector<int64_t>& ys) {
  int64_t n = 0;
  if (gy.shape != ys || !checked_numel(ys, n) || n != gy.numel())
    return "grad_output has shape " + shape_string(gy.shape) + " but the output has shape " + shape_string(ys);
  return {};
}
} // namespace

Expected<MaxPool2dResult> max_pool2d(const Tensor& x, const Pool2dParams& p) {
  auto g = checked(x, p, PoolOp::Max);
  if (!g) return Error{g.error()};
  MaxPool2dResult r;
  r.output = zeros(out_shape(x.shape, g->OH, g->OW));
  r.indices.shape = r.output.shape;
  r.indices.data.assign(r.output.data.size(), 0);
  reference::max_pool2d_reference(*g, x.data.data(), r.output.data.data(), r.indices.data.data());
  return r;
}

Expected<Tensor> max_pool2d_backward(const Tensor& x, const IndexTensor& indices, const Tensor& gy, const Pool2dParams& p) {
  auto g = checked(x, p, PoolOp::Max);
  if (!g) return Error{g.error()};
  const auto ys = out_shape(x.shape, g->OH, g->OW);
  if (auto e = check_grad(gy, ys); !e.empty()) return Error{e};
  if (indices.shape != ys || indices.numel() != gy.numel())
    return Error{"indices have shape " + shape_string(indices.shape) + " but the output has shape " + shape_string(ys)};
  for (int64_t k = 0; k < indices.numel(); ++k) {
    const int64_t i = indices[k], o = k % (g->OH * g->OW);
    if ((i < 0 || i >= g->H * g->W) && !reference::max_pool2d_window_empty(*g, o / g->OW, o % g->OW))
      return Error{"index " + num(i) + " is outside the " + num(g->H) + "×" + num(g->W) + " input plane"};
  }
  Tensor gx = zeros(x.shape);
  reference::max_pool2d_backward_reference(*g, indices.data.data(), gy.data.data(), gx.data.data());
  return gx;
}

Expected<Tensor> avg_pool2d(const Tensor& x, const Pool2dParams& p) {
  auto g = checked(x, p, PoolOp::Avg);
  if (!g) return Error{g.error()};
  Tensor y = zeros(out_shape(x.shape, g->OH, g->OW));
  reference::avg_pool2d_reference(*g, x.data.data(), y.data.data());
  return y;
}

Expected<Tensor> avg_pool2d_backward(const Tensor& x, const Tensor& gy, const Pool2dParams& p) {
  auto g = checked(x, p, PoolOp::Avg);
  if (!g) return Error{g.error()};
  if (auto e = check_grad(gy, out_shape(x.shape, g->OH, g->OW)); !e.empty()) return Error{e};
  Tensor gx = zeros(x.shape);
  reference::avg_pool2d_backward_reference(*g, gy.data.data(), gx.data.data());
  return gx;
}

Expected<Tensor> global_avg_pool2d(const Tensor& x) {
  // Average pooling with one window the size of the input.
  if (x.rank() < 2 || x.rank() > 4)
    return Error{"pooling input must be (N, C, H, W), (C, H, W) or (H, W), got shape " + shape_string(x.shape)};
  Pool2dParams p;
  p.kernel_h = x.shape[x.shape.size() - 2];
  p.kernel_w = x.shape.back();
  return avg_pool2d(x, p);
}

Expected<Tensor> global_avg_pool2d_backward(const Tensor& x, const Tensor& gy) {
  if (x.rank() < 2 || x.rank() > 4)
    return Error{"pooling input must be (N, C, H, W), (C, H, W) or (H, W), got shape " + shape_string(x.shape)};
  Pool2dParams p;
  p.kernel_h = x.shape[x.shape.size() - 2];
  p.kernel_w = x.shape.back();
  return avg_pool2d_backward(x, gy, p);
}

} // namespace convplay
