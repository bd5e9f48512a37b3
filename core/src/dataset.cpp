// IDX files, gzip, the Dataset and Fashion-MNIST (see convplay/dataset.h).
#include <convplay/dataset.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#if CONVPLAY_HAVE_ZLIB
#include <zlib.h>
#endif

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The header: dims and the data size. "" or the error; `need_more` when bytes end inside the header.
std::string parse_header(std::string_view bytes, std::vector<int64_t>& dims, int64_t& data_bytes, bool& need_more) {
  need_more = false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4) {
    need_more = true;
    return "truncated: " + num(static_cast<int64_t>(bytes.size())) + " bytes, an IDX header has at least 8";
  }
  if (p[0] != 0 || p[1] != 0)
    return "not an IDX file: it starts with bytes " + num(p[0]) + ", " + num(p[1]) + " (an IDX file starts with 0, 0)";
  if (p[2] != 0x08)
    return "IDX data type 0x" + std::string(1, "0123456789abcdef"[p[2] >> 4]) + "0123456789abcdef"[p[2] & 15] +
           " is not read here (only 0x08, unsigned bytes)";
  const int rank = p[3];
  if (rank < 1 || rank > 4) return "IDX rank " + num(rank) + " is not 1 to 4";
  if (static_cast<int64_t>(bytes.size()) < idx_header_bytes(rank)) {
    need_more = true;
    return "truncated: the header of " + num(rank) + " dimensions needs " + num(idx_header_bytes(rank)) +
           " bytes, the file has " + num(static_cast<int64_t>(bytes.size()));
  }
  dims.assign(static_cast<size_t>(rank), 0);
  int64_t per_item = 1;
  for (int i = 0; i < rank; ++i) {
    dims[static_cast<size_t>(i)] = be32(p + 4 + 4 * i);
    if (dims[static_cast<size_t>(i)] < 1) return "IDX dimension " + num(i) + " is 0";
    if (i > 0) per_item *= dims[static_cast<size_t>(i)];
    if (per_item > kMaxIdxItemValues)
      return "IDX items of " + num(per_item) + "+ values are larger than " + num(kMaxIdxItemValues);
  }
  if (dims[0] > kMaxIdxItems) return "IDX count " + num(dims[0]) + " is larger than " + num(kMaxIdxItems);
  data_bytes = dims[0] * per_item;
  return {};
}
} // namespace

int64_t idx_header_bytes(int64_t rank) { return 4 + 4 * rank; }

Expected<IdxArray> parse_idx_prefix(std::string_view bytes) {
  IdxArray a;
  int64_t data_bytes = 0;
  bool need_more = false;
  if (auto e = parse_header(bytes, a.dims, data_bytes, need_more); !e.empty()) return Error{e};
  const int64_t head = idx_header_bytes(static_cast<int64_t>(a.dims.size()));
  const int64_t have = static_cast<int64_t>(bytes.size()) - head;
  if (have > data_bytes)
    return Error{"IDX file has " + num(have - data_bytes) + " bytes after its " + num(data_bytes) + " bytes of data"};
  const int64_t per_item = data_bytes / a.dims[0];
  const int64_t items = have / per_item;
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(head), bytes.begin() + static_cast<std::ptrdiff_t>(head + items * per_item));
  return a;
}

Expected<IdxArray> parse_idx(std::string_view bytes) {
  auto a = parse_idx_prefix(bytes);
  if (!a) return a;
  const int64_t per_item = [&] {
    int64_t v = 1;
    for (size_t i = 1; i < a->dims.size(); ++i) v *= a->dims[i];
    return v;
  }();
  const int64_t want = a->dims[0] * per_item;
  const int64_t have = static_cast<int64_t>(bytes.size()) - idx_header_bytes(static_cast<int64_t>(a->dims.size()));
  if (have != want)
    return Error{"truncated IDX file: " + num(have) + " bytes of data, its header says " + num(a->dims[0]) + " × " +
                 num(per_item) + " = " + num(want)};
  return a;
}

bool gzip_supported() noexcept { return CONVPLAY_HAVE_ZLIB != 0; }

Expected<std::string> gunzip(std::string_view bytes, int64_t max_bytes) {
#if CONVPLAY_HAVE_ZLIB
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Error{"gzip: zlib could not start"};
  std::string out;
  std::vector<char> buf(1 << 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - z.avail_out);
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      inflateEnd(&z);
      return Error{"gzip: the data inflates to more than " + num(max_bytes) + " bytes"};
    }
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z); // another member follows
      continue;
    }
    if (rc != Z_OK) {
      const std::string why = rc == Z_BUF_ERROR ? "truncated data" : (z.msg ? z.msg : "corrupt data");
      inflateEnd(&z);
      return Error{"gzip: " + why};
    }
  }
  inflateEnd(&z);
  return out;
#else
  (void)bytes;
  (void)max_bytes;
  return Error{"gzip: this build has no zlib (WebAssembly): give the inflated bytes"};
#endif
}

Expected<std::string> read_data_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{"cannot open " + path + ": " + std::strerror(errno)};
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return Error{"cannot read " + path};
  std::string bytes = std::move(ss).str();
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
    auto r = gunzip(bytes);
    if (!r) return Error{path + ": " + r.error()};
    return r;
  }
  return bytes;
}

float normalized_pixel(uint8_t pixel) noexcept {
  // NumPy: float32(pixel) / float32(255), then (x − float32(mean)) / float32(std), each rounded to float.
  const float x = static_cast<float>(pixel) / 255.0f;
  return (x - kFashionMean) / kFashionStd;
}

namespace {
// feed_images() reserves room for all the images up to this many bytes (Fashion-MNIST's 60,000 images of
// 28×28 are 47 MB) and grows with what arrives beyond it, so what it holds is never more than twice what
// has arrived.
constexpr int64_t kReservedDatasetPixels = int64_t{64} << 20;

Expected<std::vector<uint8_t>> checked_labels(std::string_view bytes, int64_t classes) {
  auto a = parse_idx(bytes);
  if (!a) return Error{"labels: " + a.error()};
  if (a->dims.size() != 1) return Error{"labels: an IDX label file has 1 dimension, this one " + num(static_cast<int64_t>(a->dims.size()))};
  for (size_t i = 0; i < a->data.size(); ++i)
    if (a->data[i] >= classes)
      return Error{"labels: label " + num(a->data[i]) + " of item " + num(static_cast<int64_t>(i)) + " is not below " +
                   num(classes) + " classes"};
  return std::move(a->data);
}
} // namespace

Expected<Dataset> Dataset::from_labels(std::string_view labels, int64_t classes) {
  if (classes < 2 || classes > 256) return Error{"classes " + num(classes) + " is not 2 to 256"};
  auto l = checked_labels(labels, classes);
  if (!l) return Error{l.error()};
  Dataset d;
  d.labels_ = std::move(*l);
  d.classes_ = classes;
  return d;
}

Expected<Dataset> Dataset::from_idx(std::string_view images, std::string_view labels, int64_t classes) {
  auto d = from_labels(labels, classes);
  if (!d) return d;
  if (auto e = d->feed_images(images); !e.empty()) return Error{e};
  if (!d->header_done_) return Error{"images: truncated: the IDX header is incomplete"};
  if (d->pixels_.size() != static_cast<size_t>(d->expected_size() * d->rows_ * d->cols_))
    return Error{"images: truncated IDX file: " + num(static_cast<int64_t>(d->pixels_.size())) +
                 " bytes of data, its header says " + num(d->expected_size()) + " × " + num(d->rows_) + " × " +
                 num(d->cols_)};
  return d;
}

Expected<Dataset> Dataset::from_arrays(std::vector<uint8_t> pixels, std::vector<uint8_t> labels, int64_t rows,
                                       int64_t cols, int64_t classes) {
  if (rows < 1 || cols < 1 || rows * cols > kMaxIdxItemValues) return Error{"image size " + num(rows) + "×" + num(cols) + " is not valid"};
  if (static_cast<int64_t>(pixels.size()) != static_cast<int64_t>(labels.size()) * rows * cols)
    return Error{num(static_cast<int64_t>(pixels.size())) + " pixels are not " + num(static_cast<int64_t>(labels.size())) +
                 " images of " + num(rows) + "×" + num(cols)};
  for (uint8_t l : labels)
    if (l >= classes) return Error{"label " + num(l) + " is not below " + num(classes) + " classes"};
  Dataset d;
  d.pixels_ = std::move(pixels);
  d.labels_ = std::move(labels);
  d.rows_ = rows;
  d.cols_ = cols;
  d.classes_ = classes;
  d.available_ = d.expected_size();
  d.header_done_ = true;
  return d;
}

std::string Dataset::feed_images(std::string_view more) {
  size_t used = 0;
  if (!header_done_) {
    const size_t want = 16; // images: rank 3
    const size_t take = std::min(more.size(), want > pending_.size() ? want - pending_.size() : size_t{0});
    pending_.append(more.substr(0, take));
    used = take;
    if (pending_.size() >= 4) {
      std::vector<int64_t> dims;
      int64_t data_bytes = 0;
      bool need_more = false;
      const std::string e = parse_header(pending_, dims, data_bytes, need_more);
      if (!e.empty() && !need_more) return "images: " + e;
      if (e.empty() && dims.size() != 3)
        return "images: an IDX image file has 3 dimensions (N, rows, cols), this one " + num(static_cast<int64_t>(dims.size()));
      if (e.empty()) {
        if (dims[0] != expected_size())
          return "images: the image file has " + num(dims[0]) + " images but the label file " + num(expected_size()) +
                 " labels";
        if (expected_size() * dims[1] * dims[2] > kMaxDatasetPixels)
          return "images: " + num(expected_size()) + " images of " + num(dims[1]) + "×" + num(dims[2]) + " pixels are more than " +
                 num(kMaxDatasetPixels) + " bytes";
        rows_ = dims[1];
        cols_ = dims[2];
        header_done_ = true;
        pending_.clear();
        // Only a size the data can have: 16 bytes of header may claim 2^20 pixels an image.
        const int64_t total = expected_size() * rows_ * cols_;
        if (total <= kReservedDatasetPixels) pixels_.reserve(static_cast<size_t>(total));
      }
    }
    if (!header_done_) return {};
  }
  const int64_t total = expected_size() * rows_ * cols_;
  const int64_t rest = static_cast<int64_t>(more.size() - used);
  const int64_t have = static_cast<int64_t>(pixels_.size());
  if (have + rest > total)
    return "images: " + num(have + rest - total) + " bytes after the " + num(total) + " bytes of data";
  pixels_.insert(pixels_.end(), more.begin() + static_cast<std::ptrdiff_t>(used), more.end());
  available_ = static_cast<int64_t>(pixels_.size()) / (rows_ * cols_);
  return {};
}

Dataset Dataset::first(int64_t n) const {
  n = std::clamp<int64_t>(n, 0, available_);
  Dataset d;
  d.rows_ = rows_;
  d.cols_ = cols_;
  d.classes_ = classes_;
  d.pixels_.assign(pixels_.begin(), pixels_.begin() + static_cast<std::ptrdiff_t>(n * rows_ * cols_));
  d.labels_.assign(labels_.begin(), labels_.begin() + static_cast<std::ptrdiff_t>(n));
  d.available_ = n;
  d.header_done_ = true;
  return d;
}

void Dataset::inputs(const int64_t* indices, int64_t n, float* out, int64_t dy, int64_t dx) const {
  static const auto table = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) t[static_cast<size_t>(i)] = normalized_pixel(static_cast<uint8_t>(i));
    return t;
  }();
  const int64_t R = rows_, C = cols_, P = R * C;
  for (int64_t k = 0; k < n; ++k) {
    const uint8_t* src = image(indices[k]);
    float* dst = out + k * P;
    if (dy == 0 && dx == 0) {
      for (int64_t i = 0; i < P; ++i) dst[i] = table[src[i]];
      continue;
    }
    for (int64_t y = 0; y < R; ++y)
      for (int64_t x = 0; x < C; ++x) {
        const int64_t sy = y - dy, sx = x - dx;
        dst[y * C + x] = table[sy >= 0 && sy < R && sx >= 0 && sx < C ? src[sy * C + sx] : 0];
      }
  }
}

void Dataset::inputs_range(int64_t begin, int64_t n, float* out, int64_t dy, int64_t dx) const {
  std::vector<int64_t> idx(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = begin + i;
  inputs(idx.data(), n, out, dy, dx);
}

Expected<FashionMnist> load_fashion_mnist(const std::string& dir, int64_t train_limit, const DataFileReader& read) {
  // name.gz, or the uncompressed name when only that exists.
  auto path_of = [&](const std::string& name) {
    const std::string gz = dir + "/" + name, plain = gz.substr(0, gz.size() - 3);
    return !std::ifstream(gz) && std::ifstream(plain) ? plain : gz;
  };
  auto load = [&](const char* images, const char* labels) -> Expected<Dataset> {
    const std::string ip = path_of(images), lp = path_of(labels);
    auto i = read(ip);
    if (!i) return Error{i.error()};
    auto l = read(lp);
    if (!l) return Error{l.error()};
    auto d = Dataset::from_idx(*i, *l);
    if (!d) return Error{ip + " and " + lp + ": " + d.error()};
    return d;
  };
  FashionMnist f;
  auto train = load(kFashionTrainImages, kFashionTrainLabels);
  if (!train) return Error{train.error()};
  auto test = load(kFashionTestImages, kFashionTestLabels);
  if (!test) return Error{test.error()};
  f.train = train_limit > 0 && train_limit < train->size() ? train->first(train_limit) : std::move(*train);
  f.test = std::move(*test);
  return f;
}

} // namespace convplay
