// NumPy .npy reading and writing (see convplay/npy.h). Format: magic "\x93NUMPY", version bytes,
// header length (2 bytes in 1.0, 4 in 2.0/3.0, little-endian), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded to 64 bytes, then the data.
#include <convplay/npy.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }
// What a message quotes from the header: the header may be as long as the file.
std::string header_excerpt(std::string_view header_text) { return message_excerpt(header_text, 40); }
std::string shape_text(const std::vector<int64_t>& shape) { return message_excerpt(shape_string(shape), 80); }
constexpr size_t kMaxRank = 64; // NumPy's own limit (NPY_MAXDIMS)

struct Header {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

// The value text after 'key': in the header dict, up to the next top-level comma or brace.
Expected<std::string> dict_value(std::string_view h, std::string_view key) {
  const std::string quoted1 = "'" + std::string(key) + "'", quoted2 = "\"" + std::string(key) + "\"";
  size_t pos = h.find(quoted1);
  if (pos == std::string_view::npos) pos = h.find(quoted2);
  if (pos == std::string_view::npos) return Error{"header has no '" + std::string(key) + "'"};
  pos = h.find(':', pos);
  if (pos == std::string_view::npos) return Error{"header is malformed near '" + std::string(key) + "'"};
  ++pos;
  while (pos < h.size() && h[pos] == ' ') ++pos;
  size_t end = pos;
  if (end < h.size() && h[end] == '(') {
    end = h.find(')', end);
    if (end == std::string_view::npos) return Error{"header's shape has no closing parenthesis"};
    ++end;
  } else {
    while (end < h.size() && h[end] != ',' && h[end] != '}') ++end;
  }
  return std::string(h.substr(pos, end - pos));
}

Expected<Header> parse_header(std::string_view bytes) {
  static const char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.substr(0, 6) != std::string_view(magic, 6))
    return Error{"not a NumPy .npy file (no \\x93NUMPY magic)"};
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Error{"truncated .npy header"};
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(8 + i)]);
    start = 12;
  } else {
    return Error{"unsupported .npy format version " + num(major)};
  }
  if (header_len > bytes.size() - start) return Error{"truncated .npy header"};
  const std::string_view h = bytes.substr(start, header_len);
  Header out;
  out.data_offset = start + header_len;
  auto descr = dict_value(h, "descr");
  if (!descr) return Error{descr.error()};
  std::string d = *descr;
  if (d.size() < 2 || (d.front() != '\'' && d.front() != '"')) return Error{"header's descr " + header_excerpt(d) + " is not a simple dtype"};
  out.descr = d.substr(1, d.size() - 2);
  auto fortran = dict_value(h, "fortran_order");
  if (!fortran) return Error{fortran.error()};
  if (*fortran == "True") out.fortran = true;
  else if (*fortran != "False") return Error{"header's fortran_order is " + header_excerpt(*fortran)};
  auto shape = dict_value(h, "shape");
  if (!shape) return Error{shape.error()};
  const std::string& s = *shape;
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return Error{"header's shape " + header_excerpt(s) + " is not a tuple"};
  std::string body = s.substr(1, s.size() - 2);
  for (char& ch : body)
    if (ch == ',') ch = ' ';
  std::istringstream in(body);
  std::string tok;
  while (in >> tok) {
    if (tok.empty() || tok.size() > 18 || tok.find_first_not_of("0123456789") != std::string::npos)
      return Error{"header's shape " + header_excerpt(s) + " has a bad size '" + header_excerpt(tok) + "'"};
    if (out.shape.size() == kMaxRank) return Error{"header's shape " + header_excerpt(s) + " has more than " + num(kMaxRank) + " dimensions"};
    out.shape.push_back(std::stoll(tok));
  }
  return out;
}

template <class T>
Expected<TensorOf<T>> parse_any(std::string_view bytes, bool want_int) {
  auto h = parse_header(bytes);
  if (!h) return Error{h.error()};
  if (h->fortran) return Error{"the array is in Fortran order; save it in C order (numpy.ascontiguousarray)"};
  const std::string& d = h->descr;
  size_t item = 0;
  if (!want_int && (d == "<f4" || d == "<f8")) item = d == "<f4" ? 4 : 8;
  else if (want_int && d == "<i8") item = 8;
  else if (d.size() == 3 && d[0] == '>')
    return Error{"dtype " + header_excerpt(d) + " is big-endian; only little-endian data is read"};
  else
    return Error{"dtype " + header_excerpt(d) + (want_int ? " is not int64 ('<i8')" : " is not float32 or float64 ('<f4', '<f8')")};
  int64_t n = 0;
  if (!checked_numel(h->shape, n) || n > kMaxTensorElements)
    return Error{"shape " + shape_text(h->shape) + " has more than " + num(kMaxTensorElements) + " elements"};
  const size_t need = static_cast<size_t>(n) * item;
  const size_t have = bytes.size() - h->data_offset;
  if (have < need)
    return Error{"truncated: shape " + shape_text(h->shape) + " needs " + num(static_cast<int64_t>(need)) +
                 " data bytes, the file has " + num(static_cast<int64_t>(have))};
  TensorOf<T> t;
  t.shape = h->shape;
  t.data.resize(static_cast<size_t>(n));
  const char* p = bytes.data() + h->data_offset;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    if (item == 4) {
      float f;
      std::memcpy(&f, p + 4 * i, 4);
      t.data[i] = static_cast<T>(f);
    } else if (want_int) {
      int64_t v;
      std::memcpy(&v, p + 8 * i, 8);
      t.data[i] = static_cast<T>(v);
    } else {
      double v;
      std::memcpy(&v, p + 8 * i, 8);
      t.data[i] = static_cast<T>(v);
    }
  }
  return t;
}

Expected<std::string> slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{"cannot open '" + path + "': " + std::strerror(errno)};
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return Error{"cannot read '" + path + "'"};
  return ss.str();
}

std::string make_bytes(const std::vector<int64_t>& shape, const char* descr, const void* data, size_t bytes) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(static_cast<const char*>(data), bytes);
  return out;
}
} // namespace

Expected<Tensor> parse_npy(std::string_view bytes) { return parse_any<float>(bytes, false); }
Expected<IndexTensor> parse_npy_int64(std::string_view bytes) { return parse_any<int64_t>(bytes, true); }

namespace {
template <class T>
Expected<T> read_with(const std::string& path, Expected<T> (*parse)(std::string_view)) {
  auto b = slurp(path);
  if (!b) return Error{b.error()};
  auto t = parse(*b);
  if (!t) return Error{"'" + path + "': " + t.error()};
  return t;
}
} // namespace

Expected<Tensor> read_npy(const std::string& path) { return read_with(path, parse_npy); }
Expected<IndexTensor> read_npy_int64(const std::string& path) { return read_with(path, parse_npy_int64); }

std::string npy_bytes(const Tensor& t) { return make_bytes(t.shape, "<f4", t.data.data(), t.data.size() * 4); }
std::string npy_bytes(const IndexTensor& t) { return make_bytes(t.shape, "<i8", t.data.data(), t.data.size() * 8); }

std::string write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".partial";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return "cannot write '" + path + "': " + std::strerror(errno);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return "cannot write '" + path + "' (disk full?)";
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return "cannot write '" + path + "': " + why;
  }
  return {};
}

std::string write_npy(const std::string& path, const Tensor& t) { return write_file_atomically(path, npy_bytes(t)); }
std::string write_npy(const std::string& path, const IndexTensor& t) { return write_file_atomically(path, npy_bytes(t)); }

} // namespace convplay
