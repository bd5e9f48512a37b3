// Convolution operators: check every shape and parameter (errors as values), pad, then run the
// reference kernels of reference/. See convplay/conv.h for the semantics.
#include <convplay/conv.h>

#include "reference/reference.h"

#include <string>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }

// An output of this shape may be allocated (positive sizes, at most kMaxTensorElements elements).
std::string check_allocation(const char* what, const std::vector<int64_t>& shape) {
  int64_t n = 0;
  if (!checked_numel(shape, n) || n > kMaxTensorElements)
    return std::string(what) + " of shape " + shape_string(shape) + " would exceed the limit of " +
           num(kMaxTensorElements) + " elements";
  return {};
}

std::string check_positive(const std::vector<int64_t>& shape, const char* what) {
  for (int64_t d : shape)
    if (d < 1) return std::string(what) + " has shape " + shape_string(shape) + ": every size must be at least 1";
  return {};
}

// Padding-mode limits (PyTorch's F.pad): reflect needs pad < size, circular pad ≤ size.
std::string check_pad_mode(PaddingMode mode, int64_t before, int64_t after, int64_t size, const char* axis) {
  const int64_t p = before > after ? before : after;
  if (mode == PaddingMode::Reflect && p >= size)
    return std::string("reflect padding ") + num(p) + " must be smaller than the input " + axis + " " + num(size);
  if (mode == PaddingMode::Circular && p > size)
    return std::string("circular padding ") + num(p) + " must be at most the input " + axis + " " + num(size);
  return {};
}

Expected<Conv2dGeometry> geometry_named(const std::vector<int64_t>& xs, const std::vector<int64_t>& ws,
                                        const Conv2dParams& p, const char* hname, const char* wname) {
  if (xs.size() != 4) return Error{"input must be 4-D (N, C, H, W), got shape " + shape_string(xs)};
  if (ws.size() != 4) return Error{"weight must be 4-D (M, C/groups, KH, KW), got shape " + shape_string(ws)};
  if (auto e = check_positive(xs, "input"); !e.empty()) return Error{e};
  if (auto e = check_positive(ws, "weight"); !e.empty()) return Error{e};
  Conv2dGeometry g;
  g.N = xs[0]; g.C = xs[1]; g.H = xs[2]; g.W = xs[3];
  g.M = ws[0]; g.KH = ws[2]; g.KW = ws[3];
  if (p.groups < 1) return Error{"groups " + num(p.groups) + " must be at least 1"};
  if (g.C % p.groups != 0) return Error{"groups " + num(p.groups) + " does not divide the " + num(g.C) + " input channels"};
  if (g.M % p.groups != 0)
    return Error{"groups " + num(p.groups) + " does not divide the " + num(g.M) + " output channels (filters)"};
  if (ws[1] != g.C / p.groups)
    return Error{"weight " + shape_string(ws) + " has " + num(ws[1]) + " input channels per filter, but the input has " +
                 num(g.C) + " channels / " + num(p.groups) + " groups = " + num(g.C / p.groups)};
  g.groups = p.groups;
  AxisSpec ah{g.H, g.KH, p.stride_h, p.dilation_h, p.padding, p.pad_top, p.pad_bottom, p.flip};
  AxisSpec aw{g.W, g.KW, p.stride_w, p.dilation_w, p.padding, p.pad_left, p.pad_right, p.flip};
  const AxisResult rh = conv_axis(ah), rw = conv_axis(aw);
  if (rh.error != ShapeError::None) return Error{std::string(hname) + ": " + describe(ah, rh)};
  if (rw.error != ShapeError::None) return Error{std::string(wname) + ": " + describe(aw, rw)};
  if (auto e = check_pad_mode(p.padding_mode, rh.pad_before, rh.pad_after, g.H, hname); !e.empty()) return Error{e};
  if (auto e = check_pad_mode(p.padding_mode, rw.pad_before, rw.pad_after, g.W, wname); !e.empty()) return Error{e};
  g.pad_top = rh.pad_before; g.pad_bottom = rh.pad_after; g.pad_left = rw.pad_before; g.pad_right = rw.pad_after;
  g.stride_h = p.stride_h; g.stride_w = p.stride_w; g.dilation_h = p.dilation_h; g.dilation_w = p.dilation_w;
  g.OH = rh.output; g.OW = rw.output;
  if (auto e = check_allocation("the padded input", {g.N, g.C, rh.padded_input, rw.padded_input}); !e.empty())
    return Error{e};
  if (auto e = check_allocation("the output", {g.N, g.M, g.OH, g.OW}); !e.empty()) return Error{e};
  return g;
}

// The 4-D views of x and w, and how to shape the output back.
struct Views {
  std::vector<int64_t> x4, w4;
  int out_rank = 4; // 2: (OH, OW); 3: (M, OH, OW); 4: (N, M, OH, OW)
};

Expected<Views> views_2d(const Tensor& x, const Tensor& w) {
  Views v;
  if (x.rank() == 2) {
    if (w.rank() != 2)
      return Error{"a 2-D input (H, W) needs a 2-D weight (KH, KW), got weight shape " + shape_string(w.shape)};
    v.x4 = {1, 1, x.shape[0], x.shape[1]};
    v.w4 = {1, 1, w.shape[0], w.shape[1]};
    v.out_rank = 2;
  } else if (x.rank() == 3 || x.rank() == 4) {
    if (w.rank() != 4) return Error{"weight must be 4-D (M, C/groups, KH, KW), got shape " + shape_string(w.shape)};
    v.x4 = x.rank() == 4 ? x.shape : std::vector<int64_t>{1, x.shape[0], x.shape[1], x.shape[2]};
    v.w4 = w.shape;
    v.out_rank = static_cast<int>(x.rank());
  } else {
    return Error{"input must be (N, C, H, W), (C, H, W) or (H, W), got shape " + shape_string(x.shape)};
  }
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel()) return Error{"input data does not match its shape"};
  if (!checked_numel(w.shape, n) || n != w.numel()) return Error{"weight data does not match its shape"};
  return v;
}

Expected<Views> views_1d(const Tensor& x, const Tensor& w) {
  Views v;
  if (x.rank() == 1) {
    if (w.rank() != 1) return Error{"a 1-D input (L) needs a 1-D weight (K), got weight shape " + shape_string(w.shape)};
    v.x4 = {1, 1, 1, x.shape[0]};
    v.w4 = {1, 1, 1, w.shape[0]};
    v.out_rank = 1;
  } else if (x.rank() == 2 || x.rank() == 3) {
    if (w.rank() != 3) return Error{"weight must be 3-D (M, C/groups, K), got shape " + shape_string(w.shape)};
    v.x4 = x.rank() == 3 ? std::vector<int64_t>{x.shape[0], x.shape[1], 1, x.shape[2]}
                         : std::vector<int64_t>{1, x.shape[0], 1, x.shape[1]};
    v.w4 = {w.shape[0], w.shape[1], 1, w.shape[2]};
    v.out_rank = static_cast<int>(x.rank());
  } else {
    return Error{"input must be (N, C, L), (C, L) or (L), got shape " + shape_string(x.shape)};
  }
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel()) return Error{"input data does not match its shape"};
  if (!checked_numel(w.shape, n) || n != w.numel()) return Error{"weight data does not match its shape"};
  return v;
}

std::vector<int64_t> output_shape(const Views& v, int64_t N, int64_t M, int64_t OH, int64_t OW, bool one_d) {
  if (one_d) {
    if (v.out_rank == 1) return {OW};
    if (v.out_rank == 2) return {M, OW};
    return {N, M, OW};
  }
  if (v.out_rank == 2) return {OH, OW};
  if (v.out_rank == 3) return {M, OH, OW};
  return {N, M, OH, OW};
}

std::string check_bias(const Tensor* bias, int64_t M) {
  if (!bias) return {};
  if (bias->rank() != 1 || bias->shape[0] != M || bias->numel() != M)
    return "bias must have one value per output channel, shape (" + num(M) + ",), got " + shape_string(bias->shape);
  return {};
}

Conv2dParams params_2d(const Conv1dParams& p) {
  Conv2dParams q;
  q.stride_w = p.stride; q.dilation_w = p.dilation; q.groups = p.groups; q.padding = p.padding;
  q.pad_left = p.pad_left; q.pad_right = p.pad_right; q.padding_mode = p.padding_mode; q.flip = p.flip;
  return q; // the height axis has kernel 1: no padding, stride or dilation effect
}

Expected<Tensor> conv_forward(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& p, bool one_d) {
  auto v = one_d ? views_1d(x, w) : views_2d(x, w);
  if (!v) return Error{v.error()};
  auto g = geometry_named(v->x4, v->w4, p, "height", one_d ? "length" : "width");
  if (!g) return Error{g.error()};
  if (auto e = check_bias(bias, g->M); !e.empty()) return Error{e};
  Tensor x4{v->x4, x.data};
  auto xp = pad2d(x4, g->pad_top, g->pad_bottom, g->pad_left, g->pad_right, p.padding_mode);
  if (!xp) return Error{xp.error()};
  Tensor wk{v->w4, w.data};
  if (p.flip) wk = flip_kernel2d(wk);
  Tensor y = zeros({g->N, g->M, g->OH, g->OW});
  reference::conv2d_nchw_reference(*g, xp->data.data(), wk.data.data(), bias ? bias->data.data() : nullptr, y.data.data());
  y.shape = output_shape(*v, g->N, g->M, g->OH, g->OW, one_d);
  return y;
}

Expected<ConvGradients> conv_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy,
                                      const Conv2dParams& p, bool one_d) {
  auto v = one_d ? views_1d(x, w) : views_2d(x, w);
  if (!v) return Error{v.error()};
  auto g = geometry_named(v->x4, v->w4, p, "height", one_d ? "length" : "width");
  if (!g) return Error{g.error()};
  const auto ys = output_shape(*v, g->N, g->M, g->OH, g->OW, one_d);
  if (gy.shape != ys || gy.numel() != g->N * g->M * g->OH * g->OW)
    return Error{"grad_output has shape " + shape_string(gy.shape) + " but the output has shape " + shape_string(ys)};
  Tensor x4{v->x4, x.data};
  auto xp = pad2d(x4, g->pad_top, g->pad_bottom, g->pad_left, g->pad_right, p.padding_mode);
  if (!xp) return Error{xp.error()};
  Tensor wk{v->w4, w.data};
  if (p.flip) wk = flip_kernel2d(wk);
  Tensor gxp = zeros(xp->shape), gw = zeros(v->w4);
  ConvGradients out;
  if (with_bias) out.bias = zeros({g->M});
  reference::conv2d_nchw_backward_reference(*g, xp->data.data(), wk.data.data(), gy.data.data(), gxp.data.data(),
                                            gw.data.data(), with_bias ? out.bias.data.data() : nullptr);
  auto gx = pad2d_backward(gxp, g->H, g->W, g->pad_top, g->pad_bottom, g->pad_left, g->pad_right, p.padding_mode);
  if (!gx) return Error{gx.error()};
  out.input = std::move(gx).value();
  out.input.shape = x.shape;
  out.weight = p.flip ? flip_kernel2d(gw) : std::move(gw);
  out.weight.shape = w.shape;
  return out;
}
} // namespace

const char* padding_mode_name(PaddingMode mode) noexcept {
  switch (mode) {
  case PaddingMode::Zeros: return "zeros";
  case PaddingMode::Reflect: return "reflect";
  case PaddingMode::Replicate: return "replicate";
  case PaddingMode::Circular: return "circular";
  }
  return "?";
}

Expected<Conv2dGeometry> conv2d_geometry(const std::vector<int64_t>& x_shape, const std::vector<int64_t>& w_shape,
                                         const Conv2dParams& params) {
  return geometry_named(x_shape, w_shape, params, "height", "width");
}

Expected<Tensor> conv2d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& params) {
  return conv_forward(x, w, bias, params, false);
}

Expected<ConvGradients> conv2d_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                        const Conv2dParams& params) {
  return conv_backward(x, w, with_bias, grad_output, params, false);
}

Expected<Tensor> conv1d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv1dParams& params) {
  return conv_forward(x, w, bias, params_2d(params), true);
}

Expected<ConvGradients> conv1d_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output,
                                        const Conv1dParams& params) {
  return conv_backward(x, w, with_bias, grad_output, params_2d(params), true);
}

Tensor flip_kernel2d(const Tensor& w) {
  Tensor r = w;
  if (w.rank() < 2) {
    for (int64_t i = 0; i < w.numel(); ++i) r[i] = w[w.numel() - 1 - i];
    return r;
  }
  const int64_t KH = w.shape[w.shape.size() - 2], KW = w.shape.back();
  const int64_t plane = KH * KW;
  for (int64_t p = 0; plane > 0 && p < w.numel() / plane; ++p)
    for (int64_t i = 0; i < plane; ++i) r[p * plane + i] = w[p * plane + plane - 1 - i];
  return r;
}

Expected<Tensor> pad2d(const Tensor& x, int64_t top, int64_t bottom, int64_t left, int64_t right, PaddingMode mode) {
  if (x.rank() < 2) return Error{"pad2d needs at least 2 axes, got shape " + shape_string(x.shape)};
  if (top < 0 || bottom < 0 || left < 0 || right < 0)
    return Error{"padding " + num(top) + ", " + num(bottom) + ", " + num(left) + ", " + num(right) + " must not be negative"};
  const int64_t H = x.shape[x.shape.size() - 2], W = x.shape.back();
  if (H < 1 || W < 1) return Error{"cannot pad an empty input of shape " + shape_string(x.shape)};
  if (auto e = check_pad_mode(mode, top, bottom, H, "height"); !e.empty()) return Error{e};
  if (auto e = check_pad_mode(mode, left, right, W, "width"); !e.empty()) return Error{e};
  std::vector<int64_t> shape = x.shape;
  shape[shape.size() - 2] = H + top + bottom;
  shape.back() = W + left + right;
  if (auto e = check_allocation("the padded input", shape); !e.empty()) return Error{e};
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
  Tensor y = zeros(shape);
  reference::pad2d_reference(x.numel() / (H * W), H, W, top, bottom, left, right, mode, x.data.data(), y.data.data());
  return y;
}

Expected<Tensor> pad2d_backward(const Tensor& gy, int64_t H, int64_t W, int64_t top, int64_t bottom, int64_t left,
                                int64_t right, PaddingMode mode) {
  if (gy.rank() < 2 || H < 1 || W < 1 || top < 0 || bottom < 0 || left < 0 || right < 0 ||
      gy.shape[gy.shape.size() - 2] != H + top + bottom || gy.shape.back() != W + left + right)
    return Error{"pad2d_backward: gradient shape " + shape_string(gy.shape) + " does not match the padding"};
  if (auto e = check_pad_mode(mode, top, bottom, H, "height"); !e.empty()) return Error{e};
  if (auto e = check_pad_mode(mode, left, right, W, "width"); !e.empty()) return Error{e};
  std::vector<int64_t> shape = gy.shape;
  shape[shape.size() - 2] = H;
  shape.back() = W;
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return Tensor{shape, gy.data};
  Tensor gx = zeros(shape);
  const int64_t planes = gy.numel() / ((H + top + bottom) * (W + left + right));
  reference::pad2d_backward_reference(planes, H, W, top, bottom, left, right, mode, gy.data.data(), gx.data.data());
  return gx;
}

// ---- transposed convolution ----

namespace {
Expected<ConvTranspose2dGeometry> transposed_geometry(const std::vector<int64_t>& xs, const std::vector<int64_t>& ws,
                                                      const ConvTranspose2dParams& p) {
  if (xs.size() != 4) return Error{"input must be 4-D (N, C, H, W), got shape " + shape_string(xs)};
  if (ws.size() != 4) return Error{"transposed weight must be 4-D (C, M/groups, KH, KW), got shape " + shape_string(ws)};
  if (auto e = check_positive(xs, "input"); !e.empty()) return Error{e};
  if (auto e = check_positive(ws, "weight"); !e.empty()) return Error{e};
  ConvTranspose2dGeometry g;
  g.N = xs[0]; g.C = xs[1]; g.H = xs[2]; g.W = xs[3];
  g.KH = ws[2]; g.KW = ws[3];
  if (p.groups < 1) return Error{"groups " + num(p.groups) + " must be at least 1"};
  if (g.C % p.groups != 0) return Error{"groups " + num(p.groups) + " does not divide the " + num(g.C) + " input channels"};
  if (ws[0] != g.C)
    return Error{"transposed weight " + shape_string(ws) + " has " + num(ws[0]) +
                 " input channels (first axis), but the input has " + num(g.C)};
  if (ws[1] > kMaxTensorElements / p.groups) return Error{"sizes this large overflow 64-bit arithmetic"};
  g.groups = p.groups;
  g.M = ws[1] * p.groups;
  TransposedAxisSpec ah{g.H, g.KH, p.stride_h, p.pad_h, p.output_padding_h, p.dilation_h};
  TransposedAxisSpec aw{g.W, g.KW, p.stride_w, p.pad_w, p.output_padding_w, p.dilation_w};
  const AxisResult rh = conv_transpose_axis(ah), rw = conv_transpose_axis(aw);
  if (rh.error != ShapeError::None) return Error{"height: " + describe(ah, rh)};
  if (rw.error != ShapeError::None) return Error{"width: " + describe(aw, rw)};
  g.stride_h = p.stride_h; g.stride_w = p.stride_w; g.pad_h = p.pad_h; g.pad_w = p.pad_w;
  g.dilation_h = p.dilation_h; g.dilation_w = p.dilation_w;
  g.OH = rh.output; g.OW = rw.output;
  if (auto e = check_allocation("the output", {g.N, g.M, g.OH, g.OW}); !e.empty()) return Error{e};
  return g;
}

Expected<Views> views_transposed(const Tensor& x, const Tensor& w) {
  Views v;
  if (x.rank() != 3 && x.rank() != 4)
    return Error{"input must be (N, C, H, W) or (C, H, W), got shape " + shape_string(x.shape)};
  v.x4 = x.rank() == 4 ? x.shape : std::vector<int64_t>{1, x.shape[0], x.shape[1], x.shape[2]};
  v.w4 = w.shape;
  v.out_rank = static_cast<int>(x.rank());
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel()) return Error{"input data does not match its shape"};
  if (!checked_numel(w.shape, n) || n != w.numel()) return Error{"weight data does not match its shape"};
  return v;
}
} // namespace

Expected<ConvTranspose2dGeometry> conv_transpose2d_geometry(const std::vector<int64_t>& x_shape,
                                                            const std::vector<int64_t>& w_shape,
                                                            const ConvTranspose2dParams& params) {
  return transposed_geometry(x_shape, w_shape, params);
}

Expected<Tensor> conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor* bias, const ConvTranspose2dParams& p) {
  auto v = views_transposed(x, w);
  if (!v) return Error{v.error()};
  auto g = transposed_geometry(v->x4, v->w4, p);
  if (!g) return Error{g.error()};
  if (auto e = check_bias(bias, g->M); !e.empty()) return Error{e};
  Tensor y = zeros({g->N, g->M, g->OH, g->OW});
  reference::conv_transpose2d_nchw_reference(*g, x.data.data(), w.data.data(), bias ? bias->data.data() : nullptr,
                                             y.data.data());
  y.shape = output_shape(*v, g->N, g->M, g->OH, g->OW, false);
  return y;
}

Expected<ConvGradients> conv_transpose2d_backward(const Tensor& x, const Tensor& w, bool with_bias,
                                                  const Tensor& gy, const ConvTranspose2dParams& p) {
  auto v = views_transposed(x, w);
  if (!v) return Error{v.error()};
  auto g = transposed_geometry(v->x4, v->w4, p);
  if (!g) return Error{g.error()};
  const auto ys = output_shape(*v, g->N, g->M, g->OH, g->OW, false);
  if (gy.shape != ys || gy.numel() != g->N * g->M * g->OH * g->OW)
    return Error{"grad_output has shape " + shape_string(gy.shape) + " but the output has shape " + shape_string(ys)};
  ConvGradients out;
  out.input = zeros(x.shape);
  out.weight = zeros(w.shape);
  if (with_bias) out.bias = zeros({g->M});
  reference::conv_transpose2d_nchw_backward_reference(*g, x.data.data(), w.data.data(), gy.data.data(),
                                                      out.input.data.data(), out.weight.data.data(),
                                                      with_bias ? out.bias.data.data() : nullptr);
  return out;
}

} // namespace convplay
