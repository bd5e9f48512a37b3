// convplay/network.h — a stack of layers (conv, pool, activation, flatten, dense) on one input shape:
// per-layer output shape, weights, biases, multiply-accumulates and activations, like Keras'
// model.summary(); the same network with every conv layer replaced by the dense layer that maps the same
// input to the same output; a compact text form of the stack; and the equivalent torch.nn.Sequential code.
//
// Every number comes from the shared arithmetic: conv layers from count_layer() (counts.h), dense layers as
// a 1×1 convolution on a 1×1 input through the same count_layer(), pooling from pool_axis() (shape.h, the
// check pool2d_geometry() makes, without its limit on tensor sizes: this only counts). Counts are 64-bit
// with overflow detected (Count). LeNet-5 on 1×32×32: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706 parameters.
//
// Text form (URL-safe: lowercase letters, digits and commas), items separated by commas, spaces ignored:
//   conv<F>k<K>[s<S>][p<P>|same|valid]  convolution: F filters K×K, stride S (1), padding: valid (default),
//                                       same, or P zeros on every side.   conv6k5, conv64k11s4p2, conv32k3same
//   pool<K>[s<S>], maxpool<K>[s<S>]     max pooling K×K, stride S (default K).          pool2, maxpool3s2
//   avgpool<K>[s<S>]                    average pooling.                                avgpool2
//   relu, sigmoid, tanh                 element-wise activation
//   flatten                             C×H×W → C·H·W values (PyTorch's order)
//   dense<U>                            fully connected to U units (needs a flat input)  dense120
// Numbers are decimal, at most kMaxNetworkNumber; upper case is accepted. LeNet-5:
//   conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10
#pragma once
#include <convplay/counts.h>
#include <convplay/layers.h>
#include <convplay/pool.h>
#include <convplay/shape.h>
#include <convplay/tensor.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace convplay {

enum class LayerKind { Conv, Pool, Activation, Flatten, Dense };
const char* layer_kind_name(LayerKind k) noexcept; // "conv", "pool", "activation", "flatten", "dense"

struct NetLayer {
  LayerKind kind = LayerKind::Conv;
  int64_t filters = 1;              // conv: output channels
  int64_t kernel = 3;               // conv, pool: square kernel side
  int64_t stride = 1;               // conv: stride; pool: stride, 0 = the kernel size (PyTorch's default)
  Padding padding = Padding::Valid; // conv: Valid, Same or Explicit (Full is refused)
  int64_t pad = 0;                  // conv, Explicit: zeros on every side
  PoolOp pool = PoolOp::Max;        // pool
  Activation activation = Activation::ReLU; // activation: ReLU, Sigmoid or Tanh
  int64_t units = 1;                // dense: output values
  bool operator==(const NetLayer&) const = default;
};

// The shape of one image's activations: C×H×W, or a flat vector of `c` values (after flatten or dense).
struct NetShape {
  bool flat = false;
  int64_t c = 1, h = 1, w = 1; // flat: c values, h = w = 1
  bool operator==(const NetShape&) const = default;
};
// The lecture's order, height × width × channels: "28×28×6"; flat: "400".
std::string net_shape_text(const NetShape& s);
// PyTorch's order with the batch: "(N, 6, 28, 28)", flat "(N, 400)".
std::string net_shape_torch(const NetShape& s);

struct NetLayerReport {
  bool computed = false;  // false after an earlier layer that cannot fit (nothing is known)
  std::string error;      // the core's reason this layer cannot fit its input; "" when it fits
  NetShape input, output;
  Count weights, biases, parameters; // parameters = weights + biases
  Count macs;                        // multiply-accumulates per image (conv, dense; 0 otherwise)
  Count activations;                 // output values per image
  // The dense layer from the same input size to the same output size: for conv and dense layers (its
  // weights in·out, biases out); zero for the layers without weights.
  Count dense_weights, dense_parameters;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0; // conv: the padding used
};

struct NetworkReport {
  NetShape input, output;            // output: of the last layer (the input when there is none)
  std::vector<NetLayerReport> layers; // one per layer
  int error_layer = -1;               // index of the first layer that cannot fit; -1 when none
  std::string error;                  // "" or "layer 4 (conv16k9): height: kernel 9 is larger than …"
  // Totals over all layers; valid only when error is "".
  Count weights, biases, parameters, macs;
  Count activations;                  // Σ layer outputs per image (what a forward pass keeps for backward)
  Count dense_weights, dense_parameters; // the network with every conv layer made dense, same sizes
  double dense_ratio = 0.0;              // dense_parameters / parameters (doubles, also on overflow)
  bool ok() const noexcept { return error.empty(); }
  bool any_overflow() const noexcept;
};

inline constexpr int64_t kMaxNetworkNumber = 1000000; // largest number in the text form
inline constexpr size_t kMaxNetworkLayers = 64;
inline constexpr size_t kMaxNetworkText = 4096;      // characters
inline constexpr size_t kMaxNetworkItem = 64;        // characters of one item (the longest sensible: 35)

// Shapes and counts layer by layer. A layer that cannot fit its input (kernel larger than the input, conv
// or pool after flatten, dense before flatten, a zero size) gets its error and the layers after it stay
// uncomputed; the layers before keep their numbers. A bad input shape is reported in `error` with
// error_layer = -1.
NetworkReport analyze_network(const NetShape& input, const std::vector<NetLayer>& layers);

// One item of the text form ("conv6k5", "pool2", "dense120"); the inverse of parse_network().
std::string layer_text(const NetLayer& layer);
std::string network_text(const std::vector<NetLayer>& layers);
// Parses the text form; an error names the item by position and text, e.g.
// "item 3 'conv16x5': unknown option 'x5' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)".
// An empty text is the empty stack.
Expected<std::vector<NetLayer>> parse_network(std::string_view text);

// "import torch…model = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=0), …)" with each
// layer's output shape as a comment, and lines that run it once and print the output shape and parameter
// count. 'same' padding is padding='same' at stride 1; at a larger stride it is the numbers, with an
// nn.ZeroPad2d first when the two sides differ (PyTorch refuses 'same' there). An error when a layer
// cannot fit.
Expected<std::string> pytorch_code(const NetShape& input, const std::vector<NetLayer>& layers);

} // namespace convplay
