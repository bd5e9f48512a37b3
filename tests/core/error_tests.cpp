// Impossible configurations are values with messages that name the parameter and the numbers.
#include "test_support.h"

#include <convplay/conv.h>
#include <convplay/layers.h>
#include <convplay/pool.h>

using namespace convplay;

namespace {
Tensor ones(std::vector<int64_t> shape) {
  Tensor t = zeros(std::move(shape));
  for (float& v : t.data) v = 1.0f;
  return t;
}
std::string conv_error(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor* b = nullptr) {
  auto y = conv2d(x, w, b, p);
  return y.ok() ? "(no error)" : y.error();
}
} // namespace

TEST_CASE("conv2d errors name the parameter and the numbers", "[errors][conv2d]") {
  Conv2dParams p;
  p.dilation_h = p.dilation_w = 2;
  CHECK(conv_error(ones({5, 5}), ones({7, 7}), p) ==
        "height: kernel 7 (13 with dilation 2) is larger than the padded input 5 in 'valid' mode");
  p = {};
  p.groups = 3;
  CHECK(conv_error(ones({1, 4, 5, 5}), ones({3, 1, 3, 3}), p) == "groups 3 does not divide the 4 input channels");
  CHECK(conv_error(ones({1, 3, 5, 5}), ones({4, 1, 3, 3}), p) == "groups 3 does not divide the 4 output channels (filters)");
  p.groups = 1;
  CHECK(conv_error(ones({1, 3, 5, 5}), ones({4, 2, 3, 3}), p) ==
        "weight (4, 2, 3, 3) has 2 input channels per filter, but the input has 3 channels / 1 groups = 3");
  p.groups = 0;
  CHECK(conv_error(ones({1, 3, 5, 5}), ones({4, 3, 3, 3}), p) == "groups 0 must be at least 1");
  p = {};
  p.stride_w = 0;
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), p) == "width: stride 0 must be at least 1");
  p = {};
  p.padding = Padding::Explicit;
  p.pad_left = -1;
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), p) == "width: padding -1, 0 must not be negative");
  p.pad_left = 5;
  p.padding_mode = PaddingMode::Reflect;
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), p) == "reflect padding 5 must be smaller than the input width 5");
  p.pad_left = 6;
  p.padding_mode = PaddingMode::Circular;
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), p) == "circular padding 6 must be at most the input width 5");
  p = {};
  const Tensor b = ones({2});
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({3, 1, 3, 3}), p, &b) ==
        "bias must have one value per output channel, shape (3,), got (2,)");
  CHECK(conv_error(ones({5}), ones({3, 3}), p) == "input must be (N, C, H, W), (C, H, W) or (H, W), got shape (5,)");
  CHECK(conv_error(ones({5, 5}), ones({1, 1, 3, 3}), p) ==
        "a 2-D input (H, W) needs a 2-D weight (KH, KW), got weight shape (1, 1, 3, 3)");
  CHECK(conv_error(Tensor{{1, 0, 5, 5}, {}}, ones({1, 0, 3, 3}), p) == "input has shape (1, 0, 5, 5): every size must be at least 1");
  CHECK(conv_error(Tensor{{5, 5}, {1, 2}}, ones({3, 3}), p) == "input data does not match its shape");
  // Sizes that would need terabytes are refused before allocating.
  p.padding = Padding::Explicit;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = int64_t{1} << 20;
  CHECK(conv_error(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), p).find("would exceed the limit") != std::string::npos);
}

TEST_CASE("transposed convolution, pooling and layer errors", "[errors]") {
  ConvTranspose2dParams t;
  t.output_padding_h = 1;
  auto y = conv_transpose2d(ones({1, 2, 3, 3}), ones({2, 1, 3, 3}), nullptr, t);
  CHECK(y.error() == "height: output padding 1 must be smaller than the stride 1 or the dilation 1");
  t = {};
  t.pad_h = 3;
  CHECK(conv_transpose2d(ones({1, 2, 1, 1}), ones({2, 1, 3, 3}), nullptr, t).error() ==
        "height: padding 3 on both sides removes the whole transposed output of length 3 (output would be -3)");
  CHECK(conv_transpose2d(ones({1, 2, 3, 3}), ones({3, 1, 3, 3}), nullptr, {}).error() ==
        "transposed weight (3, 1, 3, 3) has 3 input channels (first axis), but the input has 2");

  Pool2dParams p;
  p.kernel_h = p.kernel_w = 3;
  p.pad_h = 2;
  CHECK(max_pool2d(ones({1, 5, 5}), p).error() == "height: pooling padding 2 is more than half the kernel 3 (at most 1, as in PyTorch)");
  p.pad_h = 0;
  p.kernel_w = 7;
  CHECK(avg_pool2d(ones({1, 5, 5}), p).error() == "width: pooling kernel 7 is larger than the padded input 5");
  p.kernel_w = 3;
  p.dilation_h = 2;
  CHECK(avg_pool2d(ones({1, 5, 5}), p).error() == "average pooling has no dilation (got 2, 1)");
  CHECK(max_pool2d(ones({5}), p).error() == "pooling input must be (N, C, H, W), (C, H, W) or (H, W), got shape (5,)");

  CHECK(dense(ones({2, 3}), ones({4, 5}), nullptr).error() == "dense weight (4, 5) expects 5 inputs, but the input has 3");
  CHECK(softmax_cross_entropy(ones({2, 3}), IndexTensor{{2}, {0, 3}}).error() == "label 3 is not a class in [0, 3)");
  CHECK(activation_backward(ones({2}), ones({3}), Activation::ReLU).error() ==
        "grad_output has shape (3,) but the input has shape (2,)");
  CHECK(conv2d_backward(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), false, ones({1, 1, 2, 2}), {}).error() ==
        "grad_output has shape (1, 1, 2, 2) but the output has shape (1, 1, 3, 3)");
}

TEST_CASE("max pooling windows with no input tap give -inf and PyTorch's index, and no gradient", "[pool2d]") {
  // PyTorch: max_pool2d(arange(3).reshape(1,1,3,1), (1,2), 1, (0,1), (1,2), return_indices=True)
  //   → values [-inf, -inf, -inf], indices [1, 2, 3]
  const Tensor x{{1, 1, 3, 1}, {0, 1, 2}};
  Pool2dParams p;
  p.kernel_h = 1; p.kernel_w = 2; p.stride_h = p.stride_w = 1; p.pad_w = 1; p.dilation_w = 2;
  auto r = max_pool2d(x, p);
  REQUIRE(r.ok());
  for (float v : r->output.data) CHECK(std::isinf(v));
  CHECK(r->indices.data == std::vector<int64_t>{1, 2, 3});
  auto g = max_pool2d_backward(x, r->indices, ones({1, 1, 3, 1}), p);
  REQUIRE(g.ok());
  CHECK(g->data == std::vector<float>{0, 0, 0});
  IndexTensor bad = r->indices;
  p.dilation_w = 1; // now every window holds a tap, so index 3 is outside the 3×1 plane
  p.pad_w = 0;
  p.kernel_w = 1;
  CHECK(max_pool2d_backward(x, bad, ones({1, 1, 3, 1}), p).error() == "index 3 is outside the 3×1 input plane");
}
