// Layer stacks (convplay/network.h): LeNet-5's numbers from the paper's arithmetic, the text form and its
// errors, layers that cannot fit, overflow, and the PyTorch code.
#include "test_support.h"

#include <convplay/network.h>

using namespace convplay;

namespace {
const char* kLeNet = "conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10";

std::vector<NetLayer> parsed(const char* text) {
  auto r = parse_network(text);
  INFO(r.error());
  REQUIRE(r.ok());
  return r.value();
}
std::string parse_error(const char* text) { return parse_network(text).error(); }
} // namespace

TEST_CASE("LeNet-5 on 1x32x32: shapes, 61,706 parameters, multiply-accumulates", "[network]") {
  const auto layers = parsed(kLeNet);
  REQUIRE(layers.size() == 12);
  const NetworkReport r = analyze_network({false, 1, 32, 32}, layers);
  REQUIRE(r.ok());
  CHECK(r.error_layer == -1);
  const auto& L = r.layers;
  // Output shapes (H×W×C): 28×28×6, 14×14×6, 10×10×16, 5×5×16, then 400 → 120 → 84 → 10.
  CHECK(net_shape_text(L[0].output) == "28×28×6");
  CHECK(net_shape_text(L[1].output) == "28×28×6");
  CHECK(net_shape_text(L[2].output) == "14×14×6");
  CHECK(net_shape_text(L[3].output) == "10×10×16");
  CHECK(net_shape_text(L[5].output) == "5×5×16");
  CHECK(net_shape_text(L[6].output) == "400");
  CHECK(net_shape_text(L[7].output) == "120");
  CHECK(net_shape_text(L[9].output) == "84");
  CHECK(net_shape_text(r.output) == "10");
  CHECK(net_shape_torch(L[3].output) == "(N, 16, 10, 10)");
  // Parameters: 6·(5·5·1) + 6, 16·(5·5·6) + 16, 400·120 + 120, 120·84 + 84, 84·10 + 10.
  CHECK(L[0].weights.value == 150);
  CHECK(L[0].biases.value == 6);
  CHECK(L[0].parameters.value == 156);
  CHECK(L[3].parameters.value == 2416);
  CHECK(L[7].parameters.value == 48120);
  CHECK(L[9].parameters.value == 10164);
  CHECK(L[11].parameters.value == 850);
  for (size_t i : {1, 2, 4, 5, 6, 8, 10}) {
    CHECK(L[i].parameters.value == 0);
    CHECK(L[i].macs.value == 0);
  }
  CHECK(r.parameters.value == 61706);
  CHECK(r.weights.value == 150 + 2400 + 48000 + 10080 + 840);
  CHECK(r.biases.value == 6 + 16 + 120 + 84 + 10);
  // MACs: each output value of a conv takes C·K·K products; a dense output one per input.
  CHECK(L[0].macs.value == 28 * 28 * 6 * 25);      // 117,600
  CHECK(L[3].macs.value == 10 * 10 * 16 * 5 * 5 * 6); // 240,000
  CHECK(L[7].macs.value == 400 * 120);
  CHECK(L[9].macs.value == 120 * 84);
  CHECK(L[11].macs.value == 84 * 10);
  CHECK(r.macs.value == 117600 + 240000 + 48000 + 10080 + 840);
  CHECK(r.activations.value == 2 * 4704 + 1176 + 2 * 1600 + 2 * 400 + 2 * 120 + 2 * 84 + 10);
  // Dense layers instead of the convs: 1,024 → 4,704 and 1,176 → 1,600 values.
  CHECK(L[0].dense_weights.value == 1024LL * 4704);
  CHECK(L[3].dense_parameters.value == 1176LL * 1600 + 1600);
  const int64_t dense = 1024LL * 4704 + 4704 + 1176LL * 1600 + 1600 + 48120 + 10164 + 850;
  CHECK(r.dense_parameters.value == dense); // 6,763,934
  CHECK(r.dense_ratio == Approx(static_cast<double>(dense) / 61706.0));
  CHECK_FALSE(r.any_overflow());
}

TEST_CASE("LeNet-5 on MNIST's 28x28 with padding 2 has the same numbers", "[network]") {
  auto layers = parsed(kLeNet);
  layers[0].padding = Padding::Explicit;
  layers[0].pad = 2;
  CHECK(layer_text(layers[0]) == "conv6k5p2");
  const NetworkReport r = analyze_network({false, 1, 28, 28}, layers);
  REQUIRE(r.ok());
  CHECK(net_shape_text(r.layers[0].output) == "28×28×6");
  CHECK(r.layers[0].pad_top == 2);
  CHECK(r.parameters.value == 61706);
}

TEST_CASE("'same' padding and strides follow the shared shape arithmetic", "[network]") {
  // CIFAR-style: 3×32×32, two 3×3 'same' convs keep 32×32.
  const auto net = parsed("conv32k3same,relu,conv32k3same,relu,maxpool2,conv64k3s2same,flatten,dense10");
  const NetworkReport r = analyze_network({false, 3, 32, 32}, net);
  REQUIRE(r.ok());
  CHECK(net_shape_text(r.layers[0].output) == "32×32×32");
  CHECK(r.layers[0].parameters.value == 32 * 27 + 32);
  CHECK(r.layers[2].parameters.value == 32 * 288 + 32);
  CHECK(net_shape_text(r.layers[4].output) == "16×16×32");
  CHECK(net_shape_text(r.layers[5].output) == "8×8×64"); // ceil(16/2) at stride 2
  CHECK(r.layers[5].pad_top == 0);                       // total padding 1: after (PyTorch's side)
  CHECK(r.layers[5].pad_bottom == 1);
  CHECK(r.layers[7].parameters.value == 4096 * 10 + 10);
  // AlexNet's first layer: 96 filters 11×11 stride 4 on 3×227×227 → 55×55×96, 34,944 parameters.
  const NetworkReport a = analyze_network({false, 3, 227, 227}, parsed("conv96k11s4,relu,maxpool3s2"));
  REQUIRE(a.ok());
  CHECK(net_shape_text(a.layers[0].output) == "55×55×96");
  CHECK(a.layers[0].parameters.value == 34944);
  CHECK(a.layers[0].macs.value == 55LL * 55 * 96 * 363); // 105,415,200
  CHECK(net_shape_text(a.output) == "27×27×96");
}

TEST_CASE("a layer that cannot fit is named with the core's reason, the layers before keep their numbers", "[network]") {
  auto net = parsed(kLeNet);
  net[3].kernel = 9; // 14×14 → 6×6 after conv2 is fine; make the second pool fail instead below
  NetworkReport r = analyze_network({false, 1, 32, 32}, net);
  REQUIRE(r.ok());
  CHECK(net_shape_text(r.layers[5].output) == "3×3×16");
  net[3].kernel = 15;
  r = analyze_network({false, 1, 32, 32}, net);
  CHECK_FALSE(r.ok());
  CHECK(r.error_layer == 3);
  CHECK(r.error == "layer 4 (conv16k15): height: kernel 15 is larger than the padded input 14 in 'valid' mode");
  CHECK(r.layers[3].error == "height: kernel 15 is larger than the padded input 14 in 'valid' mode");
  CHECK(r.layers[0].parameters.value == 156);
  CHECK(net_shape_text(r.layers[2].output) == "14×14×6");
  CHECK(r.layers[2].computed);
  CHECK_FALSE(r.layers[4].computed);
  // A pooling window larger than its input: pool_axis' words.
  r = analyze_network({false, 1, 4, 4}, parsed("conv2k3,pool3"));
  CHECK(r.error == "layer 2 (pool3): height: pooling kernel 3 is larger than the padded input 2");
  // Order mistakes.
  r = analyze_network({false, 1, 8, 8}, parsed("conv2k3,dense10"));
  CHECK(r.error == "layer 2 (dense10): a dense layer needs flat input values, but its input is the image 6×6×2: put flatten before it");
  r = analyze_network({false, 1, 8, 8}, parsed("flatten,conv2k3"));
  CHECK(r.error_layer == 1);
  CHECK(r.error.find("needs an image (C×H×W) as input, but its input is 64 flat values") != std::string::npos);
  r = analyze_network({false, 0, 8, 8}, parsed("relu"));
  CHECK(r.error == "input C×H×W = 0×8×8: every size must be at least 1");
  CHECK(r.error_layer == -1);
  NetLayer zero;
  zero.filters = 0;
  CHECK(analyze_network({false, 1, 8, 8}, {zero}).error == "layer 1 (conv0k3): filters 0 must be at least 1");
}

TEST_CASE("counts past 2^63 are flagged, not wrapped", "[network]") {
  // An input of 10^7 × 10^7 × 10^7 = 10^21 values: flagged in the counts, refused by flatten.
  NetworkReport r = analyze_network({false, 10000000, 10000000, 10000000}, parsed("relu"));
  REQUIRE(r.ok());
  CHECK(r.layers[0].activations.overflow);
  CHECK(r.any_overflow());
  r = analyze_network({false, 10000000, 10000000, 10000000}, parsed("flatten,dense10"));
  CHECK(r.error_layer == 0);
  CHECK(r.error.find("overflows 64-bit") != std::string::npos);
  // A conv whose dense equivalent overflows: (C·H·W)² > 2^63 while the conv itself is small.
  r = analyze_network({false, 64, 100000, 100000}, parsed("conv64k3same"));
  REQUIRE(r.ok());
  CHECK(r.layers[0].parameters.value == 64 * 64 * 9 + 64);
  CHECK(r.layers[0].dense_weights.overflow);
  CHECK(r.dense_parameters.overflow);
  CHECK(r.dense_ratio > 1e12);
}

TEST_CASE("the text form round-trips and accepts spaces and upper case", "[network]") {
  const auto a = parsed(kLeNet);
  CHECK(network_text(a) == kLeNet);
  const auto b = parsed(" Conv6K5 , ReLU, POOL2,conv16k5,relu , pool2, flatten,dense120,relu,dense84,relu,dense10 ");
  CHECK(a == b);
  const auto c = parsed("conv64k11s4p2,avgpool3s2,maxpool2s2,sigmoid,tanh,leakyrelu,conv8k3same,conv8k3valid");
  CHECK(c[0].filters == 64);
  CHECK(c[0].kernel == 11);
  CHECK(c[0].stride == 4);
  CHECK(c[0].padding == Padding::Explicit);
  CHECK(c[0].pad == 2);
  CHECK(c[1].pool == PoolOp::Avg);
  CHECK(c[1].stride == 2);
  CHECK(c[2].pool == PoolOp::Max);
  CHECK(c[3].activation == Activation::Sigmoid);
  CHECK(c[5].activation == Activation::LeakyReLU);
  CHECK(c[6].padding == Padding::Same);
  CHECK(network_text(c) == "conv64k11s4p2,avgpool3s2,pool2,sigmoid,tanh,leakyrelu,conv8k3same,conv8k3");
  CHECK(network_text(parsed(network_text(c).c_str())) == network_text(c));
  CHECK(parsed("conv8k3p1s2") == parsed("conv8k3s2p1"));
  CHECK(parsed("maxpool2s2") == parsed("maxpool2")); // stride 0: the kernel size, PyTorch's default
  CHECK(parsed("maxpool2s3")[0].stride == 3);
  CHECK(parsed("").empty());
  CHECK(parsed("   ").empty());
}

TEST_CASE("parser errors name the item and what is wrong", "[network]") {
  CHECK(parse_error("conv6k5,relu,conv16x5") ==
        "item 3 'conv16x5': unknown option 'x5' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)");
  CHECK(parse_error("conv6k5,poo2") ==
        "item 2 'poo2': unknown layer 'poo' (known: conv, pool, maxpool, avgpool, relu, sigmoid, tanh, leakyrelu, flatten, dense)");
  CHECK(parse_error("conv6") == "item 1 'conv6': the kernel size is missing (e.g. conv6k5)");
  CHECK(parse_error("conv") == "item 1 'conv': the number of filters is missing after 'conv' (e.g. conv6k5)");
  CHECK(parse_error("conv0k5") == "item 1 'conv0k5': the number of filters must be at least 1 (got 0)");
  CHECK(parse_error("conv6k5k3") == "item 1 'conv6k5k3': 'k' is given twice");
  CHECK(parse_error("conv6k5samep1") == "item 1 'conv6k5samep1': the padding is given twice (p<padding>, same or valid)");
  CHECK(parse_error("conv6k5s1s2") == "item 1 'conv6k5s1s2': 's' is given twice");
  CHECK(parse_error("dense99999999") == "item 1 'dense99999999': the number of units 99999999 is larger than 1,000,000");
  CHECK(parse_error("dense") == "item 1 'dense': the number of units is missing after 'dense' (e.g. dense120)");
  CHECK(parse_error("relu6") == "item 1 'relu6': relu takes nothing after it (got '6')");
  CHECK(parse_error("flatten,,dense10") == "item 2 is empty (two commas in a row, or one at an end)");
  CHECK(parse_error("relu,") == "item 2 is empty (two commas in a row, or one at an end)");
  CHECK(parse_error("pool2x2") == "item 1 'pool2x2': unknown option 'x2' (pooling takes s<stride>)");
  CHECK(parse_error("pool2s") == "item 1 'pool2s': the stride is missing after 'pool2s' (e.g. maxpool3s2)");
  CHECK(parse_error("6conv") == "item 1 '6conv': an item starts with a layer name (conv, pool, relu, flatten, dense, …)");
  CHECK(parse_error("conv6k5;relu") ==
        "item 1 'conv6k5;relu': unknown option ';' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)");
  std::string many;
  for (int i = 0; i < 65; ++i) many += i ? ",relu" : "relu";
  CHECK(parse_error(many.c_str()) == "at most 64 layers");
  CHECK(parse_error(std::string(5000, 'a').c_str()) == "the layer text has 5000 characters, more than 4096");
  // A long item is quoted short (found by tests/fuzz/fuzz_network.cpp: a message quoted it twice in full).
  CHECK(parse_error(("relu," + std::string(300, 'x')).c_str()) ==
        "item 2 '" + std::string(24, 'x') + "…' has 300 characters, more than 64");
  CHECK(parse_error(("conv" + std::string(19, '1') + "\xC3\xA9k5" + std::string(50, 'p')).c_str()) ==
        "item 1 'conv" + std::string(19, '1') + "…' has 77 characters, more than 64"); // not inside 'é'
  CHECK(parsed("conv1000000k1000000s1000000p1000000").size() == 1); // the longest sensible item fits
}

TEST_CASE("PyTorch code for LeNet-5", "[network]") {
  auto code = pytorch_code({false, 1, 32, 32}, parsed(kLeNet));
  REQUIRE(code.ok());
  const std::string& s = code.value();
  CHECK(s.find("model = nn.Sequential(\n") != std::string::npos);
  CHECK(s.find("    nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=0),  # (N, 6, 28, 28)\n") != std::string::npos);
  CHECK(s.find("    nn.MaxPool2d(kernel_size=2, stride=2),  # (N, 6, 14, 14)\n") != std::string::npos);
  CHECK(s.find("    nn.Conv2d(6, 16, kernel_size=5, stride=1, padding=0),  # (N, 16, 10, 10)\n") != std::string::npos);
  CHECK(s.find("    nn.Flatten(),  # (N, 400)\n") != std::string::npos);
  CHECK(s.find("    nn.Linear(400, 120),  # (N, 120)\n") != std::string::npos);
  CHECK(s.find("    nn.Linear(84, 10),  # (N, 10)\n") != std::string::npos);
  CHECK(s.find("x = torch.zeros(1, 1, 32, 32)\n") != std::string::npos);
  CHECK(s.find("# 61706\n") != std::string::npos);
  // 'same' at stride 1 is PyTorch's padding='same'; at stride 2 with uneven sides a ZeroPad2d comes first.
  code = pytorch_code({false, 3, 16, 16}, parsed("conv8k3same,conv8k3s2same,avgpool2,tanh,sigmoid"));
  REQUIRE(code.ok());
  CHECK(code->find("nn.Conv2d(3, 8, kernel_size=3, stride=1, padding='same')") != std::string::npos);
  CHECK(code->find("nn.ZeroPad2d((0, 1, 0, 1))") != std::string::npos);
  CHECK(code->find("nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=0),  # (N, 8, 8, 8)") != std::string::npos);
  CHECK(code->find("nn.AvgPool2d(kernel_size=2, stride=2)") != std::string::npos);
  CHECK(code->find("nn.Tanh()") != std::string::npos);
  CHECK(code->find("nn.Sigmoid()") != std::string::npos);
  // A network that does not fit has no code, only the reason.
  CHECK(pytorch_code({false, 1, 4, 4}, parsed("conv1k5")).error() ==
        "layer 1 (conv1k5): height: kernel 5 is larger than the padded input 4 in 'valid' mode");
}
