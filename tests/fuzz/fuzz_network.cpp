// The network text form ("conv6k5,relu,pool2,flatten,dense10"), then shapes, counts and the PyTorch code.
// Properties: what parses prints back (network_text) to a text that parses to the same layers and prints the
// same; every shape and count agrees with the textbook formula computed here in 128-bit integers (overflow
// flagged exactly when the value does not fit in 64 bits); a layer that cannot fit has a message and the
// layers after it are not computed; pytorch_code() answers exactly when the network fits.
#include "fuzz_support.h"

#include <convplay/network.h>

#include <cstdint>
#include <limits>

using namespace convplay;

namespace {
using Wide = __int128;

bool count_is(Count c, Wide v) {
  if (v > std::numeric_limits<int64_t>::max()) return c.overflow;
  return !c.overflow && c.value == static_cast<int64_t>(v);
}

Wide values_of(const NetShape& s) { return static_cast<Wide>(s.c) * s.h * s.w; }

// Output side of a valid window sweep: floor((n - k) / s) + 1, or 0 when the window does not fit.
int64_t sweep(int64_t n, int64_t k, int64_t s) { return n < k ? 0 : (n - k) / s + 1; }

void check_layer(const NetLayer& L, const NetLayerReport& r) {
  const NetShape& in = r.input;
  const NetShape& out = r.output;
  FUZZ_REQUIRE(count_is(r.activations, values_of(out)));
  switch (L.kind) {
  case LayerKind::Conv: {
    FUZZ_REQUIRE(!in.flat && !out.flat && out.c == L.filters);
    if (L.padding == Padding::Valid) FUZZ_REQUIRE(r.pad_top == 0 && r.pad_bottom == 0 && r.pad_left == 0 && r.pad_right == 0);
    if (L.padding == Padding::Explicit)
      FUZZ_REQUIRE(r.pad_top == L.pad && r.pad_bottom == L.pad && r.pad_left == L.pad && r.pad_right == L.pad);
    if (L.padding == Padding::Same) // the output of 'same' is ceil(n / s), the padding split as evenly as it goes
      FUZZ_REQUIRE(out.h == (in.h + L.stride - 1) / L.stride && out.w == (in.w + L.stride - 1) / L.stride &&
                   r.pad_bottom - r.pad_top >= 0 && r.pad_bottom - r.pad_top <= 1 && r.pad_right - r.pad_left >= 0 &&
                   r.pad_right - r.pad_left <= 1);
    FUZZ_REQUIRE(out.h == sweep(in.h + r.pad_top + r.pad_bottom, L.kernel, L.stride) && out.h >= 1);
    FUZZ_REQUIRE(out.w == sweep(in.w + r.pad_left + r.pad_right, L.kernel, L.stride) && out.w >= 1);
    const Wide weights = static_cast<Wide>(L.filters) * in.c * L.kernel * L.kernel;
    FUZZ_REQUIRE(count_is(r.weights, weights) && count_is(r.biases, L.filters) && count_is(r.parameters, weights + L.filters));
    FUZZ_REQUIRE(count_is(r.macs, weights * out.h * out.w));
    FUZZ_REQUIRE(count_is(r.dense_weights, values_of(in) * values_of(out)));
    break;
  }
  case LayerKind::Pool: {
    const int64_t stride = L.stride == 0 ? L.kernel : L.stride;
    FUZZ_REQUIRE(!out.flat && out.c == in.c && out.h == sweep(in.h, L.kernel, stride) &&
                 out.w == sweep(in.w, L.kernel, stride) && out.h >= 1 && out.w >= 1);
    FUZZ_REQUIRE(count_is(r.parameters, 0) && count_is(r.macs, 0));
    break;
  }
  case LayerKind::Activation: FUZZ_REQUIRE(out == in && count_is(r.parameters, 0)); break;
  case LayerKind::Flatten: FUZZ_REQUIRE(out.flat && out.h == 1 && out.w == 1 && out.c == values_of(in)); break;
  case LayerKind::Dense: {
    FUZZ_REQUIRE(in.flat && out.flat && out.c == L.units);
    const Wide weights = static_cast<Wide>(in.c) * L.units;
    FUZZ_REQUIRE(count_is(r.weights, weights) && count_is(r.parameters, weights + L.units) && count_is(r.macs, weights));
    break;
  }
  }
}

void check_network(const NetShape& input, const std::vector<NetLayer>& layers) {
  const NetworkReport rep = analyze_network(input, layers);
  FUZZ_REQUIRE(rep.layers.size() == layers.size());
  FUZZ_REQUIRE(rep.ok() == (rep.error_layer < 0 && rep.error.empty()));
  NetShape shape = input;
  bool stopped = false;
  for (size_t i = 0; i < layers.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    if (stopped) {
      FUZZ_REQUIRE(!r.computed);
      continue;
    }
    FUZZ_REQUIRE(r.computed && r.input == shape);
    if (!r.error.empty()) {
      FUZZ_REQUIRE(rep.error_layer == static_cast<int>(i) && good_refusal(rep.error));
      stopped = true;
      continue;
    }
    check_layer(layers[i], r);
    shape = r.output;
  }
  if (rep.ok()) FUZZ_REQUIRE(rep.output == shape);
  const Expected<std::string> code = pytorch_code(input, layers);
  FUZZ_REQUIRE(code.ok() == rep.ok());
  if (code.ok()) FUZZ_REQUIRE(code->find("model = nn.Sequential(") != std::string::npos);
  else FUZZ_REQUIRE(code.error() == rep.error);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Expected<std::vector<NetLayer>> parsed = parse_network(text);
  if (!parsed.ok()) {
    FUZZ_REQUIRE(good_refusal(parsed.error()));
    return 0;
  }
  const std::vector<NetLayer>& layers = parsed.value();
  FUZZ_REQUIRE(text.size() <= kMaxNetworkText && layers.size() <= kMaxNetworkLayers);
  const std::string printed = network_text(layers);
  const Expected<std::vector<NetLayer>> again = parse_network(printed);
  FUZZ_REQUIRE(again.ok() && again.value() == layers);
  FUZZ_REQUIRE(network_text(again.value()) == printed);
  for (const NetLayer& L : layers) {
    const Expected<std::vector<NetLayer>> one = parse_network(layer_text(L));
    FUZZ_REQUIRE(one.ok() && one->size() == 1 && one->front() == L);
  }
  // The lecture's inputs, a flat one, the smallest, and one whose counts overflow 64 bits.
  for (const NetShape& input : {NetShape{false, 1, 32, 32}, NetShape{false, 3, 224, 224}, NetShape{true, 784, 1, 1},
                                NetShape{false, 1, 1, 1}, NetShape{false, 1000000, 1000000, 1000000}})
    check_network(input, layers);
  return 0;
}
