// tensor.h: checked element counts, PyTorch's spelling of a size, zero tensors, 64-byte-aligned
// storage, and Expected (a value or a message, never undefined behaviour).
#include <catch2/catch.hpp>

#include <convplay/tensor.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace convplay;

TEST_CASE("checked_numel multiplies the sizes and refuses negative sizes and 64-bit overflow", "[tensor]") {
  int64_t n = -7;
  CHECK(checked_numel({2, 3, 4}, n));
  CHECK(n == 24);
  CHECK(checked_numel({}, n)); // a scalar has one element
  CHECK(n == 1);
  CHECK(checked_numel({5, 0, 3}, n));
  CHECK(n == 0);
  n = 42;
  CHECK_FALSE(checked_numel({3, -1}, n));
  CHECK(n == 42); // untouched on failure
  const int64_t big = int64_t{1} << 32;
  CHECK_FALSE(checked_numel({big, big}, n));       // 2^64
  CHECK(checked_numel({big, big / 2 - 1}, n));     // just below 2^63
  CHECK(n == big * (big / 2 - 1));
  CHECK_FALSE(checked_numel({std::numeric_limits<int64_t>::max(), 2}, n));
}

TEST_CASE("shape_string prints a size as PyTorch does", "[tensor]") {
  CHECK(shape_string({1, 3, 5, 5}) == "(1, 3, 5, 5)");
  CHECK(shape_string({7}) == "(7,)"); // a one-element tuple keeps its comma
  CHECK(shape_string({}) == "()");
  CHECK(shape_string({0, 2}) == "(0, 2)");
}

TEST_CASE("zeros has the shape's element count, all zero, and no elements for an impossible shape", "[tensor]") {
  const Tensor t = zeros({2, 3, 4});
  CHECK(t.shape == std::vector<int64_t>{2, 3, 4});
  CHECK(t.rank() == 3);
  CHECK(t.numel() == 24);
  CHECK(t.dim(2) == 4);
  for (float v : t.data) CHECK(v == 0.0f);
  CHECK(zeros({}).numel() == 1);
  const Tensor bad = zeros({4, -2});
  CHECK(bad.shape == std::vector<int64_t>{4, -2});
  CHECK(bad.numel() == 0);
  // Elements are C order: index ((n·C + c)·H + h)·W + w.
  Tensor x = zeros({1, 2, 2, 3});
  x[((0 * 2 + 1) * 2 + 1) * 3 + 2] = 5.0f;
  CHECK(x.data.back() == 5.0f);
}

namespace {
template <class T>
bool aligned(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % kTensorAlignment == 0;
}
} // namespace

TEST_CASE("a tensor's elements start on a 64-byte boundary, whatever its size and however it was made", "[tensor]") {
  STATIC_REQUIRE(kTensorAlignment == 64);
  // 0 and 1 elements, around a vector of 4, 8 and 16 floats, odd sizes, and a VGG conv1_1 output (12.8 MB).
  for (int64_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 1000, 4099, 64 * 224 * 224}) {
    INFO("n = " << n);
    const Tensor z = zeros({n});
    CHECK(z.numel() == n);
    CHECK(aligned(z.data.data()));
    Tensor copy = z;
    CHECK(aligned(copy.data.data()));
    CHECK(copy.data == z.data);
    copy.data.push_back(1.0f); // grows into a new block
    CHECK(aligned(copy.data.data()));
    Tensor from_list{{n}, AlignedVector<float>(static_cast<size_t>(n), 0.5f)};
    CHECK(aligned(from_list.data.data()));
    IndexTensor indices{{n}, AlignedVector<int64_t>(static_cast<size_t>(n), 3)};
    CHECK(aligned(indices.data.data()));
    std::vector<double> plain(static_cast<size_t>(n), 1.0);
    const TensorOf<double> doubles{{n}, {plain.begin(), plain.end()}};
    CHECK(aligned(doubles.data.data()));
  }
  // A move keeps the block; an empty tensor's data() may be null, which is aligned too.
  Tensor big = zeros({3, 224, 224});
  const float* before = big.data.data();
  const Tensor moved = std::move(big);
  CHECK(moved.data.data() == before);
  CHECK(aligned(Tensor{}.data.data()));
  const Tensor listed{{2, 2}, {1, 2, 3, 4}};
  CHECK(aligned(listed.data.data()));
}

TEST_CASE("aligned storage compares equal to a std::vector with the same elements", "[tensor]") {
  const Tensor t{{3}, {1, 2, 3}};
  CHECK(t.data == std::vector<float>{1, 2, 3});
  CHECK(std::vector<float>{1, 2, 3} == t.data);
  CHECK(t.data != std::vector<float>{1, 2});
  CHECK(t.data != std::vector<float>{1, 2, 4});
  CHECK_FALSE(t.data == std::vector<float>{});
  CHECK(Tensor{}.data == std::vector<float>{});
}

TEST_CASE("Expected holds a value or a message, and value() on an error is an empty value", "[tensor]") {
  Expected<Tensor> ok = zeros({2});
  REQUIRE(ok.ok());
  CHECK(static_cast<bool>(ok));
  CHECK(ok.error().empty());
  CHECK(ok->numel() == 2);
  CHECK((*ok).shape == std::vector<int64_t>{2});

  Expected<Tensor> bad = Error{"kernel 7 is larger than the input 5"};
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error() == "kernel 7 is larger than the input 5");
  CHECK(bad.value().numel() == 0);
  CHECK(bad->shape.empty());

  Expected<int> unnamed = Error{""}; // an error always has a message
  CHECK_FALSE(unnamed.ok());
  CHECK(unnamed.error() == "unknown error");
  CHECK(unnamed.value() == 0);

  Expected<std::string> moved = std::string("abc");
  const std::string taken = std::move(moved).value();
  CHECK(taken == "abc");
}
