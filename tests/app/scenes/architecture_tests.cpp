// Scene "architecture": LeNet-5's summary through setState's path, layers that cannot fit, bad stacks.
#include <catch2/catch.hpp>

#include "../scene_test_support.h"

#include <string>

using namespace convplay;
using namespace convplay::app;

using namespace convplay::app::testing;

namespace {
std::string state_of(const Scene& s) { return text_of(s); }
bool has(const std::string& state, const std::string& part) { return state.find(part) != std::string::npos; }
std::unique_ptr<Scene> architecture() {
  for (auto& s : make_scenes())
    if (std::string(s->id()) == "architecture") return std::move(s);
  return nullptr;
}
const char* kLeNet = "conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10";
} // namespace

TEST_CASE("architecture: starts on LeNet-5, 61,706 parameters", "[architecture]") {
  auto s = architecture();
  REQUIRE(s);
  const std::string st = state_of(*s);
  CHECK(has(st, R"("c":1,"h":32,"w":32)"));
  CHECK(has(st, std::string(R"("stack":")") + kLeNet + "\""));
  CHECK(has(st, R"("layers":12)"));
  // Shapes 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 400 → 120 → 84 → 10.
  CHECK(has(st, R"("shape_1":"28x28x6","params_1":156,"macs_1":117600)"));
  CHECK(has(st, R"("shape_3":"14x14x6","params_3":0,"macs_3":0)"));
  CHECK(has(st, R"("shape_4":"10x10x16","params_4":2416,"macs_4":240000)"));
  CHECK(has(st, R"("shape_6":"5x5x16")"));
  CHECK(has(st, R"("shape_7":"400")"));
  CHECK(has(st, R"("shape_8":"120","params_8":48120,"macs_8":48000)"));
  CHECK(has(st, R"("shape_10":"84","params_10":10164,"macs_10":10080)"));
  CHECK(has(st, R"("shape_12":"10","params_12":850,"macs_12":840)"));
  CHECK(has(st, R"("error":"","error_layer":0,"out":"10","total_params":61706)"));
  CHECK(has(st, R"("total_macs":416520)"));
  // Dense only: 1,024·4,704 + 4,704 + 1,176·1,600 + 1,600 + 59,134.
  CHECK(has(st, R"("dense_params":6763934)"));
  CHECK(has(st, R"(nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=0),  # (N, 6, 28, 28)\n)"));
  CHECK(has(st, R"(nn.Linear(400, 120))"));
}

TEST_CASE("architecture: presets and the 28x28 input with padding 2", "[architecture]") {
  auto s = architecture();
  REQUIRE(apply(*s, R"({"preset":"lenet5_mnist"})").empty());
  std::string st = state_of(*s);
  CHECK(has(st, R"("c":1,"h":28,"w":28,"stack":"conv6k5p2,)"));
  CHECK(has(st, R"("shape_1":"28x28x6")"));
  CHECK(has(st, R"("total_params":61706)"));
  REQUIRE(apply(*s, R"({"preset":"alexnet"})").empty());
  st = state_of(*s);
  // (224 + 4 − 11) / 4 + 1 = 55; 96·(11·11·3) + 96 = 34,944; max pool 3 stride 2 → 27.
  CHECK(has(st, R"("shape_1":"55x55x96","params_1":34944)"));
  CHECK(has(st, R"("out":"27x27x96")"));
  // A preset with keys after it: the keys win.
  REQUIRE(apply(*s, R"({"preset":"cifar","h":64,"w":64})").empty());
  st = state_of(*s);
  CHECK(has(st, R"("c":3,"h":64,"w":64)"));
  CHECK(has(st, R"("shape_1":"64x64x32","params_1":896)")); // 32·27 + 32
  CHECK(has(st, R"("shape_11":"16384")"));                   // 16·16·64 at flatten
  CHECK(has(st, R"("params_12":8389120)"));                  // 16,384·512 + 512
}

TEST_CASE("architecture: a layer that cannot fit is named, the rows before stay", "[architecture]") {
  auto s = architecture();
  REQUIRE(apply(*s, R"({"stack":"conv6k5,relu,pool2,conv16k15,relu,pool2,flatten,dense10"})").empty());
  const std::string st = state_of(*s);
  CHECK(has(st, R"("shape_3":"14x14x6")"));
  CHECK_FALSE(has(st, R"("shape_4")"));
  CHECK(has(st, R"("error":"layer 4 (conv16k15): height: kernel 15 is larger than the padded input 14 in 'valid' mode","error_layer":4})"));
  CHECK_FALSE(has(st, "total_params"));
  // Dense before flatten.
  REQUIRE(apply(*s, R"({"stack":"conv6k5,dense10"})").empty());
  CHECK(has(state_of(*s), "layer 2 (dense10): a dense layer needs flat input values, but its input is the image 28×28×6: put flatten before it"));
}

TEST_CASE("architecture: bad input is refused with a message and changes nothing", "[architecture]") {
  auto s = architecture();
  const std::string before = state_of(*s);
  CHECK(apply(*s, R"({"stack":"conv6k5,relu,conv16x5"})") ==
        "stack: item 3 'conv16x5': unknown option 'x5' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)");
  CHECK(apply(*s, R"({"stack":"conv6k5,poo2"})").find("item 2 'poo2': unknown layer 'poo'") != std::string::npos);
  CHECK(apply(*s, R"({"h":0})") == "h must be between 1 and 100000");
  CHECK(apply(*s, R"({"c":3,"stack":"dense"})") ==
        "stack: item 1 'dense': the number of units is missing after 'dense' (e.g. dense120)");
  CHECK(apply(*s, R"({"preset":"vgg"})") == "preset must be one of: lenet5, lenet5_tanh, lenet5_mnist, cifar, alexnet, lenet5_1998");
  CHECK(apply(*s, R"({"colour":"red"})") == "unknown key 'colour' for scene architecture");
  CHECK(apply(*s, R"({"stack":7})") == "stack: item 1 '7': an item starts with a layer name (conv, pool, relu, flatten, dense, …)");
  CHECK(state_of(*s) == before);
}

TEST_CASE("architecture: its own state is accepted back unchanged", "[architecture]") {
  auto s = architecture();
  REQUIRE(apply(*s, R"({"preset":"lenet5_1998"})").empty());
  const std::string st = state_of(*s);
  REQUIRE(apply(*s, st).empty());
  CHECK(state_of(*s) == st);
  CHECK(has(st, "nn.Tanh()"));
  CHECK(has(st, "nn.AvgPool2d(kernel_size=2, stride=2)"));
  // The empty stack: the output is the input.
  REQUIRE(apply(*s, R"({"stack":""})").empty());
  CHECK(has(state_of(*s), R"("layers":0,"error":"","error_layer":0,"out":"32x32x1","total_params":0)"));
}

TEST_CASE("architecture: the description walks the layers with their shapes and gives the totals", "[architecture][a11y]") {
  auto s = architecture();
  std::string d = s->description();
  CHECK_THAT(d, Catch::Contains("Input 32×32×1 (H × W × C), 12 layers: conv 6@5×5 → 28×28×6; relu; max pool 2×2 → 14×14×6;"));
  CHECK_THAT(d, Catch::Contains("flatten → 400; dense 120 → 120"));
  CHECK_THAT(d, Catch::Contains("Total: 61,706 parameters (61,470 weights + 236 biases), 416,520 multiply-adds per image."));
  CHECK_THAT(d, Catch::Contains("Dense layers only: 6,763,934 parameters, 110× as many."));
  REQUIRE(apply(*s, R"({"stack":"conv6k5,pool2,conv16k15"})").empty());
  d = s->description();
  CHECK_THAT(d, Catch::Contains("3 layers: conv 6@5×5 → 28×28×6; max pool 2×2 → 14×14×6; conv 16@15×15."));
  CHECK_THAT(d, Catch::Contains("Does not fit: layer 3 (conv16k15)"));
}

TEST_CASE("architecture: LeNet-5 with tanh is named for its modern form, the old preset key still loads it", "[architecture]") {
  auto s = architecture();
  REQUIRE(apply(*s, R"({"preset":"lenet5_tanh"})").empty());
  const std::string st = state_of(*s);
  CHECK(has(st, R"("total_params":61706)"));
  CHECK(has(st, "tanh,avgpool2"));
  REQUIRE(apply(*s, R"({"preset":"lenet5"})").empty());
  REQUIRE(apply(*s, R"({"preset":"lenet5_1998"})").empty());
  CHECK(state_of(*s) == st);
}
