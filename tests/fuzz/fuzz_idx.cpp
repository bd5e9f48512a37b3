// IDX files (the Fashion-MNIST reader, convplay/dataset.h): what parses holds exactly as many values as its
// dims say, within the reader's limits and the file; a prefix parse agrees with the whole one on the
// complete items; feeding the file to a Dataset in two pieces gives the same images as whole.
#include "fuzz_support.h"

#include <convplay/dataset.h>

#include <cstdint>
#include <string>

using namespace convplay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Expected<IdxArray> whole = parse_idx(bytes);
  if (!whole.ok()) {
    FUZZ_REQUIRE(good_refusal(whole.error()));
  } else {
    const IdxArray& a = whole.value();
    FUZZ_REQUIRE(!a.dims.empty() && a.dims.size() <= 4);
    int64_t values = 1;
    for (int64_t d : a.dims) {
      FUZZ_REQUIRE(d >= 1);
      values *= d;
    }
    FUZZ_REQUIRE(a.dims[0] <= kMaxIdxItems && values / a.dims[0] <= kMaxIdxItemValues);
    FUZZ_REQUIRE(static_cast<int64_t>(a.data.size()) == values);
    FUZZ_REQUIRE(idx_header_bytes(static_cast<int64_t>(a.dims.size())) + values == static_cast<int64_t>(size));
  }
  const Expected<IdxArray> prefix = parse_idx_prefix(bytes);
  if (!prefix.ok()) {
    FUZZ_REQUIRE(good_refusal(prefix.error()));
    FUZZ_REQUIRE(!whole.ok()); // a whole file that parses is a valid prefix of itself
  } else if (whole.ok()) {
    FUZZ_REQUIRE(prefix->dims == whole->dims && prefix->data == whole->data);
  }
  // As an image file arriving in two pieces, after labels that agree with its count (within a Dataset's size).
  if (whole.ok() && whole->dims.size() == 3 && whole->dims[0] <= 4096 && static_cast<int64_t>(whole->data.size()) <= kMaxDatasetPixels) {
    std::string labels("\x00\x00\x08\x01", 4);
    const auto n = static_cast<uint32_t>(whole->dims[0]);
    for (int shift = 24; shift >= 0; shift -= 8) labels.push_back(static_cast<char>((n >> shift) & 0xff));
    labels.append(n, '\0');
    Expected<Dataset> fed = Dataset::from_labels(labels);
    FUZZ_REQUIRE(fed.ok());
    const size_t cut = size / 2;
    FUZZ_REQUIRE(fed->feed_images(bytes.substr(0, cut)).empty());
    FUZZ_REQUIRE(fed->feed_images(bytes.substr(cut)).empty());
    FUZZ_REQUIRE(fed->complete() && fed->size() == whole->dims[0]);
    const int64_t pixels = fed->pixels_per_image();
    for (int64_t i = 0; i < fed->size(); ++i)
      FUZZ_REQUIRE(std::equal(fed->image(i), fed->image(i) + pixels, whole->data.data() + i * pixels));
  }
  return 0;
}
