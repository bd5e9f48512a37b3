// tensor.h: checked element counts, PyTorch's spelling of a size, zero tensors, and Expected (a value
// or a message, never undefined behaviour).
#include <catch2/catch.hpp>

#include <convplay/tensor.h>

#include <cstdint>
#include <limits>
#include <string>

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
