#include <convplay/conv2d_plan.h>
#include <convplay/feature_map.h>

#include <algorithm>
#include <string>

namespace convplay {

Expected<Tensor> stack_filters(const std::vector<Tensor>& filters) {
  if (filters.empty()) return Error{"a filter bank needs at least one filter"};
  const std::vector<int64_t>& first = filters.front().shape;
  if (first.size() != 3) return Error{"filter 1 must be (C1, KH, KW), got shape " + shape_string(first)};
  Tensor w;
  w.shape = {static_cast<int64_t>(filters.size()), first[0], first[1], first[2]};
  w.data.reserve(filters.size() * filters.front().data.size());
  for (size_t m = 0; m < filters.size(); ++m) {
    if (filters[m].shape != first)
      return Error{"filter " + std::to_string(m + 1) + " has shape " + shape_string(filters[m].shape) + ", filter 1 " +
                   shape_string(first) + ": a bank's filters have one shape"};
    w.data.insert(w.data.end(), filters[m].data.begin(), filters[m].data.end());
  }
  return w;
}

namespace {
// The layer's plan spec (padding resolved to its four sides), or why the operands do not make a layer.
Expected<Conv2dPlanSpec> layer_spec(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding) {
  if (x.rank() != 3) return Error{"the layer's input must be (C1, H, W), got shape " + shape_string(x.shape)};
  if (w.rank() != 4) return Error{"the layer's weights must be (C2, C1, KH, KW), got shape " + shape_string(w.shape)};
  if (w.dim(1) != x.dim(0))
    return Error{"the filters have " + std::to_string(w.dim(1)) + " channels, the input " + std::to_string(x.dim(0))};
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != w.dim(0))
    return Error{std::to_string(bias.size()) + " biases for " + std::to_string(w.dim(0)) + " filters"};
  if (padding == Padding::Explicit) return Error{"the layer's padding is valid, same or full"};
  Conv2dPlanSpec spec;
  spec.C = x.dim(0); spec.H = x.dim(1); spec.W = x.dim(2);
  spec.M = w.dim(0); spec.KH = w.dim(2); spec.KW = w.dim(3);
  spec.padding = padding;
  return resolve_padding(spec);
}

// pre (and y) of the plan's layer on `x` (C1, H, W).
Expected<FeatureMaps> run_layer(const Conv2dPlanSpec& spec, const float* x, const Tensor& w, std::span<const float> bias,
                                std::optional<Activation> act) {
  Conv2dPlan plan(spec, w.data.data(), bias.empty() ? nullptr : bias.data());
  if (!plan.ok()) return Error{plan.error()};
  FeatureMaps out;
  out.pre = zeros({spec.M, plan.out_h(), plan.out_w()});
  plan.run(x, out.pre.data.data(), nullptr);
  out.y = act ? activation(out.pre, *act) : out.pre;
  return out;
}
} // namespace

Expected<FeatureMaps> feature_maps(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding,
                                   std::optional<Activation> act) {
  auto spec = layer_spec(x, w, bias, padding);
  if (!spec) return Error{spec.error()};
  auto out = run_layer(*spec, x.data.data(), w, bias, act);
  if (out) {
    out->pad_top = spec->pad_top;
    out->pad_left = spec->pad_left;
  }
  return out;
}

Expected<FeatureMaps> feature_map_rows(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding,
                                       std::optional<Activation> act, int64_t row_begin, int64_t row_end) {
  auto spec = layer_spec(x, w, bias, padding);
  if (!spec) return Error{spec.error()};
  Conv2dPlanSpec band = *spec;
  const int64_t out_h = spec->H + spec->pad_top + spec->pad_bottom - spec->KH + 1;
  if (row_begin < 0 || row_end > out_h || row_begin >= row_end)
    return Error{"rows " + std::to_string(row_begin) + " to " + std::to_string(row_end) + " of a layer with " +
                 std::to_string(out_h) + " output rows"};
  // The input rows the band's windows read (shape.h), those inside the picture copied, the rest padding.
  const WindowAxis rows{1, 1, spec->KH, spec->pad_top, out_h};
  const int64_t first = window_tap(rows, row_begin, 0), last = window_tap(rows, row_end - 1, spec->KH - 1);
  const int64_t top = std::max<int64_t>(first, 0), bottom = std::min(last, spec->H - 1);
  if (top > bottom) return Error{"the rows " + std::to_string(row_begin) + " to " + std::to_string(row_end) + " read only padding"};
  band.H = bottom - top + 1;
  band.pad_top = top - first;
  band.pad_bottom = last - bottom;
  band.padding = Padding::Explicit;
  std::vector<float> xs(static_cast<size_t>(spec->C * band.H * spec->W));
  for (int64_t c = 0; c < spec->C; ++c)
    std::copy_n(x.data.begin() + (c * spec->H + top) * spec->W, band.H * spec->W, xs.begin() + c * band.H * spec->W);
  auto out = run_layer(band, xs.data(), w, bias, act);
  if (out) {
    out->pad_top = spec->pad_top;
    out->pad_left = spec->pad_left;
  }
  return out;
}

} // namespace convplay
