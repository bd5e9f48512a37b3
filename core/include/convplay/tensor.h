// convplay/tensor.h — the data type every operator takes and returns, and errors as values.
//
// A tensor is a shape and its elements in C order (row-major), PyTorch's layouts: images are
// N×C×H×W, conv weights M×(C/groups)×KH×KW. Operators return Expected<T>: the value, or a message
// that names the parameter and the numbers. Nothing a user can type makes the core assert or abort.
// Tensor elements start on a 64-byte boundary (a cache line, one AVX-512 vector), so that a kernel's
// full-vector loads and stores never straddle two lines.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convplay {

inline constexpr std::size_t kTensorAlignment = 64; // bytes: where every tensor's elements start

// std::allocator, but every block starts on a kTensorAlignment boundary (aligned operator new).
template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() noexcept = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kTensorAlignment}));
  }
  // The unsized form: clang 14 declares sized deallocation only with -fsized-deallocation.
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{kTensorAlignment}); }
  template <class U>
  friend bool operator==(const AlignedAllocator&, const AlignedAllocator<U>&) noexcept { return true; }
};
// A std::vector whose data() is kTensorAlignment-aligned (nullptr while empty and unallocated).
template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

// Element-wise equality with a plain std::vector (found by argument-dependent lookup through the
// allocator), so that `t.data == std::vector<float>{...}` reads as before; != follows from it.
template <class T>
bool operator==(const AlignedVector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

template <class T>
struct TensorOf {
  std::vector<int64_t> shape; // outermost first: N, C, H, W
  AlignedVector<T> data;      // C order, size = product of shape, 64-byte aligned

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  int64_t dim(int64_t i) const { return shape[static_cast<size_t>(i)]; }
  T& operator[](int64_t i) { return data[static_cast<size_t>(i)]; }
  const T& operator[](int64_t i) const { return data[static_cast<size_t>(i)]; }
};
using Tensor = TensorOf<float>;        // activations, weights, gradients
using IndexTensor = TensorOf<int64_t>; // argmax indices, class labels

// The most elements one tensor may have (4 GiB of float32): larger requests are errors, not crashes.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 30;

// Product of the sizes; false on a negative size or 64-bit overflow.
bool checked_numel(const std::vector<int64_t>& shape, int64_t& out) noexcept;
// "(1, 3, 5, 5)", as PyTorch prints a size.
std::string shape_string(const std::vector<int64_t>& shape);
// A zero tensor of this shape (the caller has checked the size).
Tensor zeros(std::vector<int64_t> shape);
// Text from a file or an address quoted in a message, cut to `max` bytes (at a character boundary) with
// "…", so that a hostile 10,000-character header or key cannot make the message that long.
std::string message_excerpt(std::string_view text, std::size_t max = 40);

struct Error {
  std::string message;
};

// A value or an error message (std::expected is C++23). value() on an error is an empty T, never UB.
template <class T>
class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Error e) : error_(std::move(e.message)) {
    if (error_.empty()) error_ = "unknown error";
  }
  bool ok() const noexcept { return error_.empty(); }
  explicit operator bool() const noexcept { return ok(); }
  const std::string& error() const noexcept { return error_; } // "" when ok
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() & { return value_; }
  const T& operator*() const& { return value_; }

private:
  T value_{};
  std::string error_;
};

} // namespace convplay
