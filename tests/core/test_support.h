// Shared helpers of the core tests: golden fixture files, seeded random tensors, tensor comparison
// that names the first element that differs.
#pragma once
#include <catch2/catch.hpp>

#include <convplay/tensor.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace convplay::test {

struct GoldenCase {
  std::string name;
  std::map<std::string, int64_t> params;
  std::map<std::string, Tensor> tensors;
  std::map<std::string, IndexTensor> itensors;
  int64_t param(const std::string& k, int64_t fallback = 0) const {
    auto it = params.find(k);
    return it == params.end() ? fallback : it->second;
  }
  const Tensor& t(const std::string& k) const { return tensors.at(k); }
  bool has(const std::string& k) const { return tensors.count(k) > 0; }
};

// Reads a fixture written by golden/make_golden.py (format described there).
inline std::vector<GoldenCase> read_golden(const std::string& file) {
  const std::string path = std::string(CONVPLAY_TEST_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  INFO("golden file " << path);
  REQUIRE(in.good());
  std::vector<GoldenCase> cases;
  std::string word;
  while (in >> word) {
    if (word == "#") {
      std::string rest;
      std::getline(in, rest);
    } else if (word == "case") {
      cases.emplace_back();
      in >> cases.back().name;
    } else if (word == "param") {
      std::string k;
      int64_t v = 0;
      in >> k >> v;
      cases.back().params[k] = v;
    } else if (word == "tensor" || word == "itensor") {
      std::string k;
      int64_t rank = 0;
      in >> k >> rank;
      std::vector<int64_t> shape(static_cast<size_t>(rank));
      int64_t n = 1;
      for (auto& d : shape) {
        in >> d;
        n *= d;
      }
      if (word == "tensor") {
        Tensor t{shape, AlignedVector<float>(static_cast<size_t>(n))};
        for (auto& v : t.data) {
          std::string s;
          in >> s;
          v = std::stof(s); // handles inf/nan spellings too
        }
        cases.back().tensors[k] = std::move(t);
      } else {
        IndexTensor t{shape, AlignedVector<int64_t>(static_cast<size_t>(n))};
        for (auto& v : t.data) in >> v;
        cases.back().itensors[k] = std::move(t);
      }
    } else if (word == "end") {
      continue;
    } else {
      FAIL("unexpected word '" << word << "' in " << path);
    }
  }
  REQUIRE(!cases.empty());
  return cases;
}

// |a − b| ≤ abs + rel·|b| for every element; reports the first failure with its index and shape.
inline bool close(const Tensor& a, const Tensor& b, double rel, double abs, std::string* why) {
  if (a.shape != b.shape) {
    *why = "shapes differ: " + shape_string(a.shape) + " vs " + shape_string(b.shape);
    return false;
  }
  if (a.data.size() != b.data.size()) {
    *why = "sizes differ";
    return false;
  }
  for (size_t i = 0; i < a.data.size(); ++i) {
    const double x = a.data[i], y = b.data[i];
    if (std::isnan(x) && std::isnan(y)) continue;
    if (!(std::fabs(x - y) <= abs + rel * std::fabs(y))) {
      std::ostringstream s;
      s.precision(9);
      s << "element " << i << " of " << shape_string(a.shape) << ": " << x << " vs expected " << y;
      *why = s.str();
      return false;
    }
  }
  return true;
}

#define CHECK_CLOSE(a, b, rel, abs)                                                                                  \
  do {                                                                                                               \
    std::string why_;                                                                                                \
    const bool ok_ = ::convplay::test::close((a), (b), (rel), (abs), &why_);                                        \
    INFO(why_);                                                                                                      \
    CHECK(ok_);                                                                                                      \
  } while (false)

inline Tensor random_tensor(std::mt19937& rng, std::vector<int64_t> shape, float lo = -1.0f, float hi = 1.0f) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::uniform_real_distribution<float> u(lo, hi);
  Tensor t{std::move(shape), AlignedVector<float>(static_cast<size_t>(n))};
  for (auto& v : t.data) v = u(rng);
  return t;
}

inline int64_t uniform(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// The seed of this run (Catch's --rng-seed, 0 by default): one generator per test case and index.
inline std::mt19937 seeded_rng(uint32_t salt, int64_t index) {
  std::seed_seq seq{static_cast<uint32_t>(Catch::rngSeed()), salt, static_cast<uint32_t>(index)};
  return std::mt19937(seq);
}

// Golden values (golden/*.txt) are PyTorch's and SciPy's results rounded to float32 from double sums.
inline constexpr double kGoldenRel = 2e-6, kGoldenAbs = 1e-6;

inline Tensor ones(std::vector<int64_t> shape) {
  Tensor t = zeros(std::move(shape));
  for (float& v : t.data) v = 1.0f;
  return t;
}

// Backward passes against central finite differences of L = Σ r·y (r random).
inline constexpr double kFiniteDifferenceStep = 1.0 / 64; // step of the central difference
inline constexpr double kFiniteDifferenceTol = 3e-3;     // absolute + relative tolerance (float32 forward passes)

inline double dot(const Tensor& r, const Tensor& y) {
  double s = 0.0;
  for (size_t i = 0; i < y.data.size(); ++i)
    if (r.data[i] != 0.0f) s += static_cast<double>(r.data[i]) * y.data[i]; // 0·(−∞) would be NaN
  return s;
}

// Compares `analytic` with (L(v + eps·e_i) − L(v − eps·e_i)) / 2eps for every element i of v.
inline void check_gradient(const char* what, Tensor v, const Tensor& analytic, const std::function<double(const Tensor&)>& loss) {
  REQUIRE(analytic.shape == v.shape);
  for (int64_t i = 0; i < v.numel(); ++i) {
    const float keep = v[i];
    v[i] = static_cast<float>(keep + kFiniteDifferenceStep);
    const double lp = loss(v);
    v[i] = static_cast<float>(keep - kFiniteDifferenceStep);
    const double lm = loss(v);
    v[i] = keep;
    const double numeric = (lp - lm) / (2 * kFiniteDifferenceStep);
    INFO(what << " element " << i << " of " << shape_string(v.shape) << ": analytic " << analytic[i] << ", numeric "
              << numeric);
    CHECK(std::fabs(numeric - analytic[i]) <= kFiniteDifferenceTol * (1.0 + std::fabs(numeric)));
  }
}

} // namespace convplay::test
