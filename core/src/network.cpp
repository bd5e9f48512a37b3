// A stack of layers: shapes, counts, text form and PyTorch code (see convplay/network.h).
#include <convplay/network.h>

#include <algorithm>
#include <cctype>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }

const char* activation_text(Activation a) noexcept {
  switch (a) {
  case Activation::ReLU: return "relu";
  case Activation::LeakyReLU: return "leakyrelu";
  case Activation::Sigmoid: return "sigmoid";
  case Activation::Tanh: return "tanh";
  }
  return "?";
}

// One layer on its input: fills `r` (output shape and counts) or returns the reason it cannot fit.
std::string analyze_layer(const NetLayer& L, const NetShape& in, Count in_values, NetLayerReport& r,
                          double& params_d, double& dense_params_d) {
  r.input = in;
  params_d = dense_params_d = 0.0;
  const std::string image = net_shape_text(in);
  switch (L.kind) {
  case LayerKind::Conv: {
    if (in.flat)
      return "a conv layer needs an image (C×H×W) as input, but its input is " + image +
             " flat values: put it before flatten";
    if (L.padding == Padding::Full) return "conv padding must be valid, same or explicit";
    if (L.filters < 1) return "filters " + num(L.filters) + " must be at least 1";
    ConvLayerSpec s;
    s.channels = in.c; s.height = in.h; s.width = in.w;
    s.out_channels = L.filters;
    s.kernel_h = s.kernel_w = L.kernel;
    s.stride_h = s.stride_w = L.stride;
    s.padding = L.padding;
    s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = L.pad;
    auto c = count_layer(s);
    if (!c) return c.error();
    const AxisResult rh = conv_axis({in.h, L.kernel, L.stride, 1, L.padding, L.pad, L.pad, false});
    const AxisResult rw = conv_axis({in.w, L.kernel, L.stride, 1, L.padding, L.pad, L.pad, false});
    r.pad_top = rh.pad_before; r.pad_bottom = rh.pad_after;
    r.pad_left = rw.pad_before; r.pad_right = rw.pad_after;
    r.output = {false, L.filters, c->out_h, c->out_w};
    r.weights = c->conv_weights;
    r.biases = c->conv_biases;
    r.parameters = c->conv_parameters;
    r.macs = c->conv_macs;
    r.activations = c->output_elements;
    r.dense_weights = c->dense_weights;
    r.dense_parameters = c->dense_parameters;
    const double in_d = static_cast<double>(in.c) * static_cast<double>(in.h) * static_cast<double>(in.w);
    const double out_d = static_cast<double>(L.filters) * static_cast<double>(c->out_h) * static_cast<double>(c->out_w);
    params_d = static_cast<double>(L.filters) * (static_cast<double>(in.c) * static_cast<double>(L.kernel) *
                                                 static_cast<double>(L.kernel) + 1.0);
    dense_params_d = in_d * out_d + out_d;
    return {};
  }
  case LayerKind::Pool: {
    if (in.flat)
      return "a pooling layer needs an image (C×H×W) as input, but its input is " + image +
             " flat values: put it before flatten";
    const PoolAxisSpec ah{in.h, L.kernel, L.stride, 0, 1, false}, aw{in.w, L.kernel, L.stride, 0, 1, false};
    const AxisResult rh = pool_axis(ah), rw = pool_axis(aw);
    if (rh.error != ShapeError::None) return "height: " + describe(ah, rh);
    if (rw.error != ShapeError::None) return "width: " + describe(aw, rw);
    r.output = {false, in.c, rh.output, rw.output};
    r.activations = count_mul(count_of(in.c), count_mul(count_of(rh.output), count_of(rw.output)));
    return {};
  }
  case LayerKind::Activation:
    r.output = in;
    r.activations = in_values;
    return {};
  case LayerKind::Flatten:
    if (in_values.overflow) return "C·H·W of " + image + " overflows 64-bit integers";
    r.output = {true, in_values.value, 1, 1};
    r.activations = in_values;
    return {};
  case LayerKind::Dense: {
    if (!in.flat)
      return "a dense layer needs flat input values, but its input is the image " + image +
             ": put flatten before it";
    if (L.units < 1) return "units " + num(L.units) + " must be at least 1";
    ConvLayerSpec s; // a dense layer is a 1×1 convolution on a 1×1 image with `in` channels
    s.channels = in.c;
    s.out_channels = L.units;
    auto c = count_layer(s);
    if (!c) return c.error();
    r.output = {true, L.units, 1, 1};
    r.weights = c->conv_weights;
    r.biases = c->conv_biases;
    r.parameters = c->conv_parameters;
    r.macs = c->conv_macs;
    r.activations = c->output_elements;
    r.dense_weights = c->conv_weights;
    r.dense_parameters = c->conv_parameters;
    params_d = dense_params_d = static_cast<double>(L.units) * (static_cast<double>(in.c) + 1.0);
    return {};
  }
  }
  return "unknown layer kind";
}
} // namespace

const char* layer_kind_name(LayerKind k) noexcept {
  switch (k) {
  case LayerKind::Conv: return "conv";
  case LayerKind::Pool: return "pool";
  case LayerKind::Activation: return "activation";
  case LayerKind::Flatten: return "flatten";
  case LayerKind::Dense: return "dense";
  }
  return "?";
}

std::string net_shape_text(const NetShape& s) {
  if (s.flat) return num(s.c);
  return num(s.h) + "×" + num(s.w) + "×" + num(s.c);
}

std::string net_shape_torch(const NetShape& s) {
  if (s.flat) return "(N, " + num(s.c) + ")";
  return "(N, " + num(s.c) + ", " + num(s.h) + ", " + num(s.w) + ")";
}

bool NetworkReport::any_overflow() const noexcept {
  for (const Count* c : {&weights, &biases, &parameters, &macs, &activations, &dense_weights, &dense_parameters})
    if (c->overflow) return true;
  for (const auto& l : layers)
    for (const Count* c : {&l.weights, &l.parameters, &l.macs, &l.activations, &l.dense_weights, &l.dense_parameters})
      if (c->overflow) return true;
  return false;
}

NetworkReport analyze_network(const NetShape& input, const std::vector<NetLayer>& layers) {
  NetworkReport rep;
  rep.input = rep.output = input;
  rep.layers.resize(layers.size());
  if (input.c < 1 || input.h < 1 || input.w < 1 || (input.flat && (input.h != 1 || input.w != 1))) {
    rep.error = input.flat ? "input size " + num(input.c) + " must be at least 1"
                           : "input C×H×W = " + num(input.c) + "×" + num(input.h) + "×" + num(input.w) +
                                 ": every size must be at least 1";
    return rep;
  }
  NetShape shape = input;
  Count values = count_mul(count_of(input.c), count_mul(count_of(input.h), count_of(input.w)));
  double params_d = 0.0, dense_params_d = 0.0;
  for (size_t i = 0; i < layers.size(); ++i) {
    NetLayerReport& r = rep.layers[i];
    double p = 0.0, dp = 0.0;
    r.computed = true;
    r.error = analyze_layer(layers[i], shape, values, r, p, dp);
    if (!r.error.empty()) {
      rep.error_layer = static_cast<int>(i);
      rep.error = "layer " + num(static_cast<int64_t>(i) + 1) + " (" + layer_text(layers[i]) + "): " + r.error;
      return rep;
    }
    shape = r.output;
    values = r.activations;
    params_d += p;
    dense_params_d += dp;
    rep.weights = count_add(rep.weights, r.weights);
    rep.biases = count_add(rep.biases, r.biases);
    rep.parameters = count_add(rep.parameters, r.parameters);
    rep.macs = count_add(rep.macs, r.macs);
    rep.activations = count_add(rep.activations, r.activations);
    rep.dense_weights = count_add(rep.dense_weights, r.dense_weights);
    rep.dense_parameters = count_add(rep.dense_parameters, r.dense_parameters);
  }
  rep.output = shape;
  rep.dense_ratio = params_d > 0.0 ? dense_params_d / params_d : 0.0;
  return rep;
}

std::string layer_text(const NetLayer& L) {
  switch (L.kind) {
  case LayerKind::Conv: {
    std::string s = "conv" + num(L.filters) + "k" + num(L.kernel);
    if (L.stride != 1) s += "s" + num(L.stride);
    if (L.padding == Padding::Same) s += "same";
    else if (L.padding == Padding::Explicit) s += "p" + num(L.pad);
    else if (L.padding == Padding::Full) s += "full"; // refused by analyze_network and parse_network
    return s;
  }
  case LayerKind::Pool: {
    std::string s = (L.pool == PoolOp::Max ? "pool" : "avgpool") + num(L.kernel);
    if (L.stride != 0 && L.stride != L.kernel) s += "s" + num(L.stride);
    return s;
  }
  case LayerKind::Activation: return activation_text(L.activation);
  case LayerKind::Flatten: return "flatten";
  case LayerKind::Dense: return "dense" + num(L.units);
  }
  return "?";
}

std::string network_text(const std::vector<NetLayer>& layers) {
  std::string s;
  for (const auto& l : layers) s += (s.empty() ? "" : ",") + layer_text(l);
  return s;
}

namespace {
// Reads one item; "" or the message (without the "item N 'text': " prefix).
std::string parse_item(const std::string& t, NetLayer& L) {
  size_t i = 0;
  auto letters = [&] {
    const size_t b = i;
    while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
    return t.substr(b, i - b);
  };
  // Digits at i into v, as `what`, at least `lo`; "" or a message.
  auto number = [&](const std::string& what, int64_t lo, int64_t& v, const std::string& example) -> std::string {
    const size_t b = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i == b) return what + " is missing after '" + t.substr(0, b) + "' (e.g. " + example + ")";
    const std::string d = t.substr(b, i - b);
    if (d.size() > 7 || std::stoll(d) > kMaxNetworkNumber)
      return what + " " + d + " is larger than " + format_count(count_of(kMaxNetworkNumber));
    v = std::stoll(d);
    if (v < lo) return what + " must be at least " + num(lo) + " (got " + d + ")";
    return {};
  };
  const std::string word = letters();
  if (word.empty()) return "an item starts with a layer name (conv, pool, relu, flatten, dense, …)";
  auto no_more = [&](const char* what) -> std::string {
    if (i == t.size()) return {};
    return std::string(what) + " takes nothing after it (got '" + t.substr(i) + "')";
  };
  if (word == "relu" || word == "sigmoid" || word == "tanh" || word == "leakyrelu") {
    L = NetLayer{};
    L.kind = LayerKind::Activation;
    L.activation = word == "relu" ? Activation::ReLU : word == "sigmoid" ? Activation::Sigmoid
                   : word == "tanh" ? Activation::Tanh : Activation::LeakyReLU;
    return no_more(word.c_str());
  }
  if (word == "flatten") {
    L = NetLayer{};
    L.kind = LayerKind::Flatten;
    return no_more("flatten");
  }
  if (word == "dense") {
    L = NetLayer{};
    L.kind = LayerKind::Dense;
    if (auto e = number("the number of units", 1, L.units, "dense120"); !e.empty()) return e;
    return no_more("dense<units>");
  }
  if (word == "conv") {
    L = NetLayer{};
    L.kind = LayerKind::Conv;
    if (auto e = number("the number of filters", 1, L.filters, "conv6k5"); !e.empty()) return e;
    bool k = false, s = false, p = false;
    while (i < t.size()) {
      const size_t at = i;
      // Options run together ("k5s2same", "k3samep1"): the words first, then one-letter options.
      std::string opt;
      for (const char* w : {"same", "valid"})
        if (opt.empty() && t.compare(i, std::string(w).size(), w) == 0) opt = w;
      if (opt.empty() && (t[i] == 'k' || t[i] == 's' || t[i] == 'p')) opt = t.substr(i, 1);
      if (opt.empty()) opt = letters();
      else i += opt.size();
      auto twice = [&](bool& seen) -> std::string {
        if (seen && &seen == &p) return std::string("the padding is given twice (p<padding>, same or valid)");
        if (seen) return "'" + opt + "' is given twice";
        seen = true;
        return {};
      };
      std::string e;
      if (opt == "k") {
        if (e = twice(k); e.empty()) e = number("the kernel size", 1, L.kernel, "conv6k5");
      } else if (opt == "s") {
        if (e = twice(s); e.empty()) e = number("the stride", 1, L.stride, "conv64k11s4");
      } else if (opt == "p") {
        if (e = twice(p); e.empty()) e = number("the padding", 0, L.pad, "conv6k5p2");
        L.padding = Padding::Explicit;
      } else if (opt == "same" || opt == "valid") {
        e = twice(p);
        L.padding = opt == "same" ? Padding::Same : Padding::Valid;
      } else {
        size_t end = i;
        while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
        e = "unknown option '" + t.substr(at, std::max(end, at + 1) - at) +
            "' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)";
      }
      if (!e.empty()) return e;
    }
    if (!k) return "the kernel size is missing (e.g. conv" + num(L.filters) + "k5)";
    return {};
  }
  if (word == "pool" || word == "maxpool" || word == "avgpool") {
    L = NetLayer{};
    L.kind = LayerKind::Pool;
    L.pool = word == "avgpool" ? PoolOp::Avg : PoolOp::Max;
    L.stride = 0;
    if (auto e = number("the pooling size", 1, L.kernel, "pool2"); !e.empty()) return e;
    if (i < t.size()) {
      const size_t at = i;
      const std::string opt = letters();
      if (opt != "s") {
        size_t end = i;
        while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
        return "unknown option '" + t.substr(at, std::max(end, at + 1) - at) + "' (pooling takes s<stride>)";
      }
      if (auto e = number("the stride", 1, L.stride, "maxpool3s2"); !e.empty()) return e;
      if (auto e = no_more("the pooling stride"); !e.empty()) return e;
      if (L.stride == L.kernel) L.stride = 0; // the default spelled out: one layer, one NetLayer (and one text)
    }
    return {};
  }
  return "unknown layer '" + word +
         "' (known: conv, pool, maxpool, avgpool, relu, sigmoid, tanh, leakyrelu, flatten, dense)";
}
} // namespace

Expected<std::vector<NetLayer>> parse_network(std::string_view text) {
  if (text.size() > kMaxNetworkText)
    return Error{"the layer text has " + num(static_cast<int64_t>(text.size())) + " characters, more than " +
                 num(static_cast<int64_t>(kMaxNetworkText))};
  std::string clean;
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isspace(u)) continue;
    clean += static_cast<char>(std::tolower(u));
  }
  std::vector<NetLayer> layers;
  if (clean.empty()) return layers;
  size_t start = 0;
  for (int item = 1;; ++item) {
    const size_t comma = clean.find(',', start);
    const std::string t = clean.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (t.empty()) return Error{"item " + num(item) + " is empty (two commas in a row, or one at an end)"};
    if (t.size() > kMaxNetworkItem) { // messages quote the item: keep them short
      size_t cut = 24;
      while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut; // not inside a UTF-8 character
      return Error{"item " + num(item) + " '" + t.substr(0, cut) + "…' has " + num(static_cast<int64_t>(t.size())) +
                   " characters, more than " + num(static_cast<int64_t>(kMaxNetworkItem))};
    }
    if (layers.size() >= kMaxNetworkLayers)
      return Error{"at most " + num(static_cast<int64_t>(kMaxNetworkLayers)) + " layers"};
    NetLayer L;
    if (auto e = parse_item(t, L); !e.empty()) return Error{"item " + num(item) + " '" + t + "': " + e};
    layers.push_back(L);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return layers;
}

Expected<std::string> pytorch_code(const NetShape& input, const std::vector<NetLayer>& layers) {
  const NetworkReport rep = analyze_network(input, layers);
  if (!rep.ok()) return Error{rep.error};
  std::string s = "import torch\nfrom torch import nn\n\n";
  s += "# input " + net_shape_torch(input) + "; " + format_count(rep.parameters) + " parameters\n";
  s += "model = nn.Sequential(\n";
  for (size_t i = 0; i < layers.size(); ++i) {
    const NetLayer& L = layers[i];
    const NetLayerReport& r = rep.layers[i];
    std::string line;
    switch (L.kind) {
    case LayerKind::Conv: {
      std::string pad;
      if (L.padding == Padding::Same && L.stride == 1) {
        pad = "'same'";
      } else if (r.pad_top == r.pad_bottom && r.pad_left == r.pad_right) {
        pad = r.pad_top == r.pad_left ? num(r.pad_top) : "(" + num(r.pad_top) + ", " + num(r.pad_left) + ")";
      } else { // 'same' at stride > 1 with an odd total: PyTorch pads both sides alike, so pad first
        s += "    nn.ZeroPad2d((" + num(r.pad_left) + ", " + num(r.pad_right) + ", " + num(r.pad_top) + ", " +
             num(r.pad_bottom) + ")),  # 'same' at stride " + num(L.stride) + " pads unevenly\n";
        pad = "0";
      }
      line = "nn.Conv2d(" + num(r.input.c) + ", " + num(L.filters) + ", kernel_size=" + num(L.kernel) +
             ", stride=" + num(L.stride) + ", padding=" + pad + ")";
      break;
    }
    case LayerKind::Pool:
      line = std::string(L.pool == PoolOp::Max ? "nn.MaxPool2d" : "nn.AvgPool2d") + "(kernel_size=" + num(L.kernel) +
             ", stride=" + num(L.stride == 0 ? L.kernel : L.stride) + ")";
      break;
    case LayerKind::Activation:
      line = L.activation == Activation::ReLU      ? "nn.ReLU()"
             : L.activation == Activation::Sigmoid ? "nn.Sigmoid()"
             : L.activation == Activation::Tanh    ? "nn.Tanh()"
                                                   : "nn.LeakyReLU(0.01)";
      break;
    case LayerKind::Flatten: line = "nn.Flatten()"; break;
    case LayerKind::Dense: line = "nn.Linear(" + num(r.input.c) + ", " + num(L.units) + ")"; break;
    }
    s += "    " + line + ",  # " + net_shape_torch(r.output) + "\n";
  }
  s += ")\n\n";
  std::string in_args = input.flat ? num(input.c)
                                   : num(input.c) + ", " + num(input.h) + ", " + num(input.w);
  std::string out = "(1";
  if (rep.output.flat) out += ", " + num(rep.output.c) + ")";
  else out += ", " + num(rep.output.c) + ", " + num(rep.output.h) + ", " + num(rep.output.w) + ")";
  s += "x = torch.zeros(1, " + in_args + ")\n";
  s += "print(tuple(model(x).shape))  # " + out + "\n";
  s += "print(sum(p.numel() for p in model.parameters()))  # " +
       (rep.parameters.overflow ? format_count(rep.parameters) : num(rep.parameters.value)) + "\n";
  return s;
}

} // namespace convplay
