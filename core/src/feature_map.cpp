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

Expected<FeatureMaps> feature_maps(const Tensor& x, const Tensor& w, std::span<const float> bias, Padding padding,
                                   std::optional<Activation> act) {
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
  Conv2dPlan plan(spec, w.data.data(), bias.empty() ? nullptr : bias.data());
  if (!plan.ok()) return Error{plan.error()};
  FeatureMaps out;
  out.pad_top = plan.spec().pad_top;
  out.pad_left = plan.spec().pad_left;
  out.pre = zeros({spec.M, plan.out_h(), plan.out_w()});
  plan.run(x.data.data(), out.pre.data.data(), nullptr);
  out.y = act ? activation(out.pre, *act) : out.pre;
  return out;
}

} // namespace convplay
