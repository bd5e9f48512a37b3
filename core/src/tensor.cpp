// Tensor helpers: checked sizes and PyTorch-style shape strings.
#include <convplay/tensor.h>

namespace convplay {

bool checked_numel(const std::vector<int64_t>& shape, int64_t& out) noexcept {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return false;
  }
  out = n;
  return true;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

std::string message_excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end; // not inside a UTF-8 character
  return std::string(text.substr(0, end)) + "…";
}

Tensor zeros(std::vector<int64_t> shape) {
  int64_t n = 0;
  if (!checked_numel(shape, n)) n = 0;
  Tensor t;
  t.shape = std::move(shape);
  t.data.assign(static_cast<size_t>(n), 0.0f);
  return t;
}

} // namespace convplay
