// Picture files through the app's decode_image() (app/image_decode.cpp: stb_image, then the core's area
// resize). Properties: a decoded picture is (3, H, W) with its longer side min(kImageMaxSide, the file's
// longer side), values in [0, 1]; the file's size is within the pixel and side limits; a refusal says why.
#include "fuzz_support.h"

#include "image_decode.h"

#include <convplay/image.h>

#include <algorithm>
#include <cstdint>

using namespace convplay;
using namespace convplay::app;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A lower pixel limit than the app's 50 million: within it, a few bytes of BMP or GIF make stb_image fill
  // every pixel, which takes seconds under the sanitizers (the limit's own check is the same code).
  constexpr long long kMaxPixels = 2'000'000;
  const Expected<DecodedImage> d = decode_image(data, size, kMaxPixels);
  if (!d.ok()) {
    FUZZ_REQUIRE(good_refusal(d.error()));
    return 0;
  }
  const DecodedImage& img = d.value();
  FUZZ_REQUIRE(img.source_h >= 1 && img.source_w >= 1 && img.source_h * img.source_w <= kMaxPixels);
  FUZZ_REQUIRE(img.source_h <= kMaxImageSide && img.source_w <= kMaxImageSide);
  FUZZ_REQUIRE(img.image.rank() == 3 && img.image.dim(0) == 3);
  const int64_t h = img.image.dim(1), w = img.image.dim(2);
  FUZZ_REQUIRE(h >= 1 && w >= 1 && h <= img.source_h && w <= img.source_w);
  FUZZ_REQUIRE(std::max(h, w) == std::min<int64_t>(kImageMaxSide, std::max(img.source_h, img.source_w)));
  FUZZ_REQUIRE(img.image.numel() == 3 * h * w);
  for (float v : img.image.data) FUZZ_REQUIRE(v >= 0.0f && v <= 1.0f); // also false for NaN
  return 0;
}
