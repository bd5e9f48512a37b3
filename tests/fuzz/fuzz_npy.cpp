// .npy files (parse_npy: float32 and float64; parse_npy_int64): what parses has as many values as its shape
// says, no more than the file holds, and writes back (npy_bytes) to a file that parses to the same bits.
#include "fuzz_support.h"

#include <convplay/npy.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

using namespace convplay;

namespace {
template <class T>
void check(const Expected<TensorOf<T>>& parsed, size_t file_size, size_t min_bytes_per_value) {
  if (!parsed.ok()) {
    FUZZ_REQUIRE(good_refusal(parsed.error()));
    return;
  }
  const TensorOf<T>& t = parsed.value();
  int64_t n = 0;
  FUZZ_REQUIRE(checked_numel(t.shape, n) && n == t.numel());
  FUZZ_REQUIRE(static_cast<size_t>(n) * min_bytes_per_value <= file_size); // the values are in the file
  const std::string written = npy_bytes(t);
  const Expected<TensorOf<T>> again = [&] {
    if constexpr (std::is_same_v<T, float>) return parse_npy(written);
    else return parse_npy_int64(written);
  }();
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(again->shape == t.shape);
  FUZZ_REQUIRE(again->data.size() == t.data.size());
  FUZZ_REQUIRE(t.data.empty() || std::memcmp(again->data.data(), t.data.data(), t.data.size() * sizeof(T)) == 0);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(parse_npy(bytes), size, 4);       // '<f4' (4 bytes a value) or '<f8' (8)
  check(parse_npy_int64(bytes), size, 8); // '<i8'
  return 0;
}
