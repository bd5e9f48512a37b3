// Typed number lists ("1, 0, -1; 2 0 -2"), the weights and biases students type (parse_number_list).
// Properties: at most max_count values, all finite; printed back with 9 significant digits (enough for any
// float) they parse to the same bits; a refusal says why and leaves the output alone.
#include "fuzz_support.h"

#include <convplay/json.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace convplay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first byte picks the limit, so the "more than N numbers" path is reached too.
  const size_t max_count = size > 0 ? data[0] % 64 + 1 : 8;
  std::vector<float> values{42.0f};
  const std::string e = parse_number_list(text, values, max_count);
  if (!e.empty()) {
    FUZZ_REQUIRE(good_refusal(e));
    FUZZ_REQUIRE(values.size() == 1 && values[0] == 42.0f);
    return 0;
  }
  FUZZ_REQUIRE(values.size() <= max_count);
  std::string printed;
  for (float v : values) {
    FUZZ_REQUIRE(std::isfinite(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
    printed += (printed.empty() ? "" : ", ") + std::string(buf);
  }
  std::vector<float> again;
  FUZZ_REQUIRE(parse_number_list(printed, again, max_count).empty());
  FUZZ_REQUIRE(again.size() == values.size());
  FUZZ_REQUIRE(values.empty() || std::memcmp(again.data(), values.data(), values.size() * sizeof(float)) == 0);
  return 0;
}
