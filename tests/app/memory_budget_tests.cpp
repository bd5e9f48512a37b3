// The working-memory budget (kWorkingMemoryBudget, convplay/counts.h): a state that is allowed but would
// need more memory than the budget is refused with a message naming the key and the budget, and the state
// stays as it was; every scene at the limits of its parameters either computes or refuses.
#include <catch2/catch.hpp>

#include "scene_test_support.h"

#include <convplay/counts.h>
#include <convplay/train.h>

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;

namespace {
const std::string kBudget = "more than the working-memory budget of 256 MiB";
} // namespace

TEST_CASE("the budget is one constant, stated in binary units, and the training limit is it", "[budget]") {
  STATIC_REQUIRE(kWorkingMemoryBudget == int64_t{256} << 20);
  STATIC_REQUIRE(kTrainMemoryLimit == kWorkingMemoryBudget);
  CHECK(check_memory_budget("x", count_of(kWorkingMemoryBudget)) == "");
  CHECK(check_memory_budget("x", count_of(kWorkingMemoryBudget + 1)) == "x needs 256 MiB, " + kBudget);
  CHECK(check_memory_budget("x", Count{0, true}).find(kBudget) != std::string::npos);
}

TEST_CASE("matmul: a timed layer over the memory budget or too long to time is refused, state unchanged", "[budget]") {
  auto s = scene_by_id("matmul");
  REQUIRE(s);
  const JsonObject before = stable_state(*s);
  // 512×512×64 input (64 MiB) and 256 filters 3×3: a 510×510×256 output (254 MiB).
  const std::string e = apply(*s, R"({"layer_size":512,"layer_c":64,"layer_m":256,"layer_k":3})");
  INFO(e);
  CHECK(e.rfind("layer_size: the timed layer needs 319 MiB, " + kBudget, 0) == 0);
  CHECK(stable_state(*s) == before);
  // The key the call gives is named: a layer that fits, then more filters.
  REQUIRE(apply(*s, R"({"layer_size":512,"layer_c":64,"layer_k":1})") == "");
  const JsonObject fits = stable_state(*s);
  CHECK(apply(*s, R"({"layer_m":256})").rfind("layer_m: the timed layer needs 320 MiB, " + kBudget, 0) == 0);
  CHECK(stable_state(*s) == fits);
  REQUIRE(apply(*s, R"({"layer_size":16,"layer_c":3,"layer_k":3})") == "");
  const std::string slow = apply(*s, R"({"layer_size":128,"layer_c":64,"layer_m":128,"layer_k":15})");
  INFO(slow);
  CHECK(slow.rfind("layer_size: the timed layer has 23,954,227,200 multiply-adds", 0) == 0);
  CHECK(slow.find("multiply-adds; the page times up to 2,000,000,000") != std::string::npos);
  CHECK(stable_state(*s) == before);
  // The sliders' ends are timed.
  CHECK(apply(*s, R"({"layer_size":128,"layer_c":16,"layer_m":64,"layer_k":7})") == "");
}

TEST_CASE("train: a stack over the budget is refused naming the budget, state unchanged", "[budget]") {
  auto s = scene_by_id("train");
  REQUIRE(s);
  const JsonObject before = stable_state(*s);
  const std::string e = apply(*s, R"({"model":"stack","stack":"conv512k3p1,relu,conv512k3p1,relu,flatten,dense10","batch":4096})");
  INFO(e);
  CHECK(e.rfind("stack: layer 1 (conv512k3p1): ", 0) == 0);
  CHECK(e.find("more than the limit of 256 MiB") != std::string::npos); // the core's training message
  // The presets at a batch too large for them: the batch is named.
  CHECK(apply(*s, R"({"model":"lenet5","batch":4096})").rfind("batch: ", 0) == 0);
  CHECK(stable_state(*s) == before);
  CHECK(stable_state(*s) == before);
}

TEST_CASE("every scene at the limits of each parameter computes or refuses with a message", "[budget]") {
  for (auto& scene : make_scenes()) {
    INFO("scene " << scene->id());
    for (const ParamValue& p : scene->parameters()) {
      if (p.spec->type != ParamType::Int && p.spec->type != ParamType::Float) continue;
      for (double v : {p.spec->lo, p.spec->hi}) {
        INFO("key " << p.spec->key << " = " << v);
        const JsonObject before = stable_state(*scene);
        const std::string e = scene->apply_state(JsonObject{{p.spec->key, v}});
        if (!e.empty()) {
          CHECK(e.find(p.spec->key) != std::string::npos);
          CHECK(stable_state(*scene) == before);
        }
        CHECK(!text_of(*scene).empty()); // state() computes what it reports
      }
    }
  }
}

TEST_CASE("pooling: a pooling that would read too many window values is refused at once, state unchanged", "[budget]") {
  auto s = scene_by_id("pooling");
  REQUIRE(s);
  const JsonObject before = stable_state(*s);
  const std::string e = apply(*s, R"({"n":2048,"size":64,"stride":1,"padding":32})");
  CHECK(e == "size: the pooling would read 17,196,650,496 window values (output 2049 × 2049, window 64 × 64), more than the "
             "100,000,000 the page reads at once: a smaller input or window, or a larger stride");
  CHECK(stable_state(*s) == before);
  CHECK(apply(*s, R"({"n":2048,"size":2,"stride":2})") == ""); // the largest input, pooled as usual
}
