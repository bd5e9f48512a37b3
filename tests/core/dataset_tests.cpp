// dataset.h: the IDX reader on malformed and partial input, images fed in pieces, the normalised and
// shifted network inputs, and gzip.
#include "test_support.h"

#include <convplay/dataset.h>

#include <algorithm>
#include <cstring>

using namespace convplay;

namespace {
std::string idx_bytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data, uint8_t type = 8) {
  std::string s = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int b = 3; b >= 0; --b) s += static_cast<char>((d >> (8 * b)) & 0xff);
  s.append(data.begin(), data.end());
  return s;
}
} // namespace

TEST_CASE("dataset: the IDX reader refuses malformed input with a message", "[dataset]") {
  const std::vector<uint8_t> px(2 * 3 * 4, 7);
  const std::string good = idx_bytes({2, 3, 4}, px);
  REQUIRE(parse_idx(good).ok());
  CHECK(parse_idx(good)->dims == std::vector<int64_t>{2, 3, 4});
  auto fails = [](std::string_view bytes, const std::string& part) {
    auto r = parse_idx(bytes);
    INFO(r.error());
    CHECK(!r.ok());
    CHECK(r.error().find(part) != std::string::npos);
  };
  fails("", "truncated");
  fails(good.substr(0, 10), "truncated");
  fails(good.substr(0, good.size() - 1), "truncated IDX file: 23 bytes");
  fails(good + "x", "1 bytes after");
  fails(std::string("\x1f\x8b\x08\x00", 4) + good, "not an IDX file");
  fails(idx_bytes({2, 3, 4}, px, 0x0d), "data type 0x0d");
  fails(idx_bytes({}, {}), "rank 0");
  fails(idx_bytes({0, 3}, {}), "dimension 0 is 0");
  fails(idx_bytes({1u << 30, 1}, {}), "larger than");
  fails(idx_bytes({2, 1u << 16, 1u << 16}, {}), "larger than");
  // Images and labels that do not pair.
  const std::string labels2 = idx_bytes({2}, {1, 2}), labels3 = idx_bytes({3}, {1, 2, 3});
  CHECK(Dataset::from_idx(good, labels2).ok());
  CHECK(Dataset::from_idx(good, labels3).error().find("2 images but the label file 3 labels") != std::string::npos);
  CHECK(Dataset::from_idx(good, idx_bytes({2}, {1, 12})).error().find("label 12") != std::string::npos);
  CHECK(Dataset::from_idx(labels2, labels2).error().find("3 dimensions") != std::string::npos);
  CHECK(Dataset::from_idx(good.substr(0, 30), labels2).error().find("truncated") != std::string::npos);
}

TEST_CASE("dataset: images fed in pieces become available as they complete", "[dataset]") {
  std::vector<uint8_t> px(5 * 28 * 28);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 7);
  const std::string images = idx_bytes({5, 28, 28}, px), labels = idx_bytes({5}, {0, 1, 2, 3, 4});
  const Dataset whole = Dataset::from_idx(images, labels).value();
  Dataset d = Dataset::from_labels(labels).value();
  CHECK(d.size() == 0);
  CHECK(d.expected_size() == 5);
  std::vector<int64_t> seen;
  for (size_t at = 0; at < images.size(); at += 301) {
    REQUIRE(d.feed_images(std::string_view(images).substr(at, 301)).empty());
    seen.push_back(d.size());
    const int64_t expect = at + 301 < 16 ? 0 : (std::min(images.size(), at + 301) - 16) / 784;
    CHECK(d.size() == expect);
  }
  CHECK(d.complete());
  CHECK(std::memcmp(d.image(4), whole.image(4), 784) == 0);
  CHECK(d.feed_images("x").find("bytes after") != std::string::npos);
  Dataset wrong = Dataset::from_labels(idx_bytes({4}, {0, 1, 2, 3})).value();
  CHECK(wrong.feed_images(images.substr(0, 20)).find("5 images but the label file 4") != std::string::npos);
  // The partial parse of a prefix.
  auto prefix = parse_idx_prefix(std::string_view(images).substr(0, 16 + 784 * 2 + 5));
  REQUIRE(prefix.ok());
  CHECK(prefix->dims[0] == 5);
  CHECK(prefix->data.size() == 2 * 784);
}

TEST_CASE("dataset: an image header claiming more pixels than a Dataset holds is refused before any memory", "[dataset]") {
  // Found by reading feed_images() for the fuzz issue: it reserved count × rows × cols bytes when the 16
  // header bytes arrived, so 60,000 labels and a header of 1024×1024 images asked for 63 GB at once.
  const std::string labels = idx_bytes({60000}, std::vector<uint8_t>(60000, 1));
  Dataset d = Dataset::from_labels(labels).value();
  const std::string error = d.feed_images(idx_bytes({60000, 1024, 1024}, {}));
  CHECK(error == "images: 60000 images of 1024×1024 pixels are more than 1073741824 bytes");
  // Within the limit, a header alone takes no more than its data will (the data arrive, or never).
  Dataset big = Dataset::from_labels(labels).value();
  CHECK(big.feed_images(idx_bytes({60000, 128, 128}, {1, 2, 3})).empty());
  CHECK(big.size() == 0);
  CHECK(!big.complete());
}

TEST_CASE("dataset: normalised and shifted inputs as train_torch.py makes them", "[dataset]") {
  std::vector<uint8_t> px(28 * 28);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i % 251 + 1);
  const Dataset d = Dataset::from_arrays(px, {3}, 28, 28).value();
  std::vector<float> x(784), s(784);
  d.inputs_range(0, 1, x.data());
  CHECK(x[5] == (6.0f / 255.0f - 0.2860f) / 0.3530f);
  d.inputs_range(0, 1, s.data(), 2, -3); // down 2, left 3
  const float black = normalized_pixel(0);
  for (int y = 0; y < 28; ++y)
    for (int c = 0; c < 28; ++c) {
      const int sy = y - 2, sx = c + 3;
      const float expect = sy >= 0 && sx < 28 ? x[sy * 28 + sx] : black;
      CHECK(s[y * 28 + c] == expect);
    }
  CHECK(std::string(kFashionClassNames[9]) == "Ankle boot");
}

TEST_CASE("dataset: gzip natively, a clear refusal without zlib", "[dataset]") {
  if (!gzip_supported()) {
    CHECK(gunzip("abc").error().find("no zlib") != std::string::npos);
    return;
  }
  // A gzip member of "hello\n" (gzip -n), then the same truncated and corrupted.
  const std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\xe7\x02\x00\x20\x30\x3a\x36\x06\x00\x00\x00", 26);
  CHECK(gunzip(gz).value() == "hello\n");
  CHECK(gunzip(gz + gz).value() == "hello\nhello\n");
  CHECK(gunzip(gz.substr(0, 15)).error().find("truncated") != std::string::npos);
  std::string bad = gz;
  bad[12] = 'x';
  CHECK(!gunzip(bad).ok());
  CHECK(gunzip(gz, 3).error().find("more than 3 bytes") != std::string::npos);
  CHECK(read_data_file("/nonexistent/x.gz").error().find("cannot open") != std::string::npos);
}
