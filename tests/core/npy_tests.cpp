// .npy reading and writing (convplay/npy.h): round trips, NumPy's own bytes, and every malformed file.
#include "test_support.h"

#include <convplay/npy.h>

#include <cstdio>
#include <cstring>

using namespace convplay;

namespace {
std::string header_v1(const std::string& dict) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  return out + h;
}
template <class T>
std::string raw(std::initializer_list<T> values) {
  std::string s;
  for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
  return s;
}
} // namespace

TEST_CASE("npy: float32 round trip and NumPy's header", "[npy]") {
  const Tensor t{{2, 3}, {1, 2, 3, 4, 5, -6.5f}};
  const std::string bytes = npy_bytes(t);
  CHECK(bytes.size() % 64 == 24 % 64); // 64-byte aligned header + 24 data bytes
  CHECK(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") != std::string::npos);
  auto back = parse_npy(bytes);
  REQUIRE(back.ok());
  CHECK(back->shape == t.shape);
  CHECK(back->data == t.data);
  const IndexTensor i{{4}, {0, 7, -1, 1LL << 40}};
  auto ib = parse_npy_int64(npy_bytes(i));
  REQUIRE(ib.ok());
  CHECK(ib->shape == std::vector<int64_t>{4});
  CHECK(ib->data == i.data);
  CHECK(npy_bytes(i).find("'shape': (4,)") != std::string::npos);
}

TEST_CASE("npy: float64 is read and rounded to float32, scalars and version 2.0", "[npy]") {
  auto t = parse_npy(header_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }") + raw<double>({0.1, -2.0}));
  REQUIRE(t.ok());
  CHECK(t->data == std::vector<float>{0.1f, -2.0f});
  auto s = parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (), }") + raw<float>({3.0f}));
  REQUIRE(s.ok());
  CHECK(s->shape.empty());
  CHECK(s->data == std::vector<float>{3.0f});
  std::string v2 = header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }");
  v2 = std::string("\x93NUMPY\x02\x00", 8) + std::string(1, v2[8]) + std::string(1, v2[9]) + std::string(2, '\0') + v2.substr(10);
  auto t2 = parse_npy(v2 + raw<float>({5.0f}));
  REQUIRE(t2.ok());
  CHECK(t2->data == std::vector<float>{5.0f});
}

TEST_CASE("npy: malformed files are errors with messages", "[npy]") {
  const std::string f4 = header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }");
  CHECK(parse_npy("hello world, this is text").error() == "not a NumPy .npy file (no \\x93NUMPY magic)");
  CHECK(parse_npy(f4 + raw<float>({1, 2, 3})).error() == "truncated: shape (2, 2) needs 16 data bytes, the file has 12");
  CHECK(parse_npy(f4.substr(0, 20)).error() == "truncated .npy header");
  CHECK(parse_npy(header_v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }") + raw<float>({1, 2, 3, 4})).error() ==
        "the array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
  CHECK(parse_npy(header_v1("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }") + raw<float>({1})).error() ==
        "dtype >f4 is big-endian; only little-endian data is read");
  CHECK(parse_npy(header_v1("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }") + raw<int32_t>({1})).error() ==
        "dtype <i4 is not float32 or float64 ('<f4', '<f8')");
  CHECK(parse_npy_int64(f4 + raw<float>({1, 2, 3, 4})).error() == "dtype <f4 is not int64 ('<i8')");
  CHECK(parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")).error() ==
        "header's shape (-1,) has a bad size '-1'");
  CHECK(parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999, 99999999), }")).error() ==
        "shape (99999999, 99999999) has more than 1073741824 elements");
  CHECK(parse_npy(header_v1("{'fortran_order': False, 'shape': (1,), }")).error() == "header has no 'descr'");
  CHECK(read_npy("/nonexistent/x.npy").error() == "cannot open '/nonexistent/x.npy': No such file or directory");
}

TEST_CASE("npy: a refusal quotes at most a few dozen bytes of a long header", "[npy]") {
  // Found by reading the reader for tests/fuzz/fuzz_npy.cpp: a header may be as long as the file, and every
  // message quoted its descr, shape or shape's sizes whole.
  std::string ones;
  for (int i = 0; i < 4000; ++i) ones += "1, ";
  const std::string long_descr(2000, 'x');
  const std::string messages[] = {
      parse_npy(header_v1("{'descr': '" + long_descr + "', 'fortran_order': False, 'shape': (2,), }")).error(),
      parse_npy(header_v1("{'descr': '<f4', 'fortran_order': " + long_descr + ", 'shape': (2,), }")).error(),
      parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones.substr(0, 60 * 3) + "), }")).error(),
      parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones + "x), }")).error(),
      parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::string(500, '9') + ",), }")).error(),
  };
  for (const std::string& m : messages) {
    INFO(m);
    CHECK(!m.empty());
    CHECK(m.size() < 250);
  }
  CHECK(messages[0].rfind("dtype xxx", 0) == 0);
  CHECK(messages[3].find("has more than 64 dimensions") != std::string::npos);
  // 64 dimensions (NumPy's own limit) are read; the message of a truncated one is cut too.
  const std::string ones64 = ones.substr(0, 64 * 3);
  auto t = parse_npy(header_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones64 + "), }") + raw<float>({7}));
  REQUIRE(t.ok());
  CHECK(t->shape == std::vector<int64_t>(64, 1));
  CHECK(messages[2].rfind("truncated: shape (1, 1, 1,", 0) == 0);
}

TEST_CASE("npy: writing goes through a temporary file and fails cleanly", "[npy]") {
  const std::string path = "convplay_npy_test_out.npy"; // the working directory of the test run
  REQUIRE(write_npy(path, Tensor{{1}, {42.0f}}).empty());
  auto back = read_npy(path);
  REQUIRE(back.ok());
  CHECK(back->data == std::vector<float>{42.0f});
  std::remove(path.c_str());
  CHECK(write_npy("/nonexistent-dir/y.npy", Tensor{{1}, {1.0f}}) ==
        "cannot write '/nonexistent-dir/y.npy': No such file or directory");
}
