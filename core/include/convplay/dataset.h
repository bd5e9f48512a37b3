// convplay/dataset.h — labelled images for training: the IDX format of MNIST and Fashion-MNIST, a
// Dataset of uint8 images with class labels that can grow while its image file arrives, the inputs a
// network trains on (normalised with the Fashion-MNIST mean and std, optionally shifted with black fill),
// and Fashion-MNIST from Debian's dataset-fashion-mnist.
//
// IDX: big-endian magic 0x0000TTDD (TT = 0x08 unsigned bytes, the only type read here; DD = number of
// dimensions, 1..4), DD big-endian uint32 sizes, then the data in C order. Every malformed input is an
// error that says what is wrong (bad magic or type, truncated, trailing bytes, absurd sizes).
//
// Compressed files: natively `.gz` files are inflated with zlib. The WebAssembly builds have no zlib:
// read_data_file() there refuses `.gz` with a message, and the WebAssembly trainer (convplay-train.js)
// inflates with Node's zlib in its --pre-js (cli/train_pre.js) before handing the bytes over; the page
// inflates in the browser (DecompressionStream) and feeds the raw bytes.
#pragma once
#include <convplay/tensor.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace convplay {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist"; // Debian's package
inline constexpr const char* kFashionTrainImages = "train-images-idx3-ubyte.gz";
inline constexpr const char* kFashionTrainLabels = "train-labels-idx1-ubyte.gz";
inline constexpr const char* kFashionTestImages = "t10k-images-idx3-ubyte.gz";
inline constexpr const char* kFashionTestLabels = "t10k-labels-idx1-ubyte.gz";
inline constexpr int64_t kFashionClasses = 10;
inline constexpr std::array<const char*, kFashionClasses> kFashionClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
// Normalisation of the training protocol (train_spec.json): x = (pixel / 255 − mean) / std.
inline constexpr float kFashionMean = 0.2860f;
inline constexpr float kFashionStd = 0.3530f;
// Sizes an IDX header may give: at most this many items and this many values per item.
inline constexpr int64_t kMaxIdxItems = int64_t{1} << 24;
inline constexpr int64_t kMaxIdxItemValues = int64_t{1} << 20;
// The most pixels a Dataset holds (1 GiB): a larger image file is refused at its header.
inline constexpr int64_t kMaxDatasetPixels = int64_t{1} << 30;

struct IdxArray {
  std::vector<int64_t> dims;  // from the header: items first (N, rows, cols) or (N)
  std::vector<uint8_t> data;  // C order; a prefix parse holds only the complete items
};

// A whole IDX file (uncompressed bytes).
Expected<IdxArray> parse_idx(std::string_view bytes);
// The start of an IDX file still arriving: the header must be complete and valid; data holds the items
// complete so far (dims[0] stays the header's count). More bytes than the file has are an error.
Expected<IdxArray> parse_idx_prefix(std::string_view bytes);
// Bytes of the header of an IDX file with these dims (4 + 4·rank).
int64_t idx_header_bytes(int64_t rank);

// True where gunzip() works (native builds; not WebAssembly).
bool gzip_supported() noexcept;
// Inflates gzip data (one or more members); an error on corrupt or truncated data, or beyond max_bytes.
Expected<std::string> gunzip(std::string_view bytes, int64_t max_bytes = int64_t{1} << 30);
// A file's bytes, inflated when they are gzip (start with 1f 8b; an error where gzip is not supported).
Expected<std::string> read_data_file(const std::string& path);

// The network input of one pixel: (pixel / 255 − mean) / std, computed in float as NumPy does.
float normalized_pixel(uint8_t pixel) noexcept;

// N images of rows × cols uint8 pixels with a class label each. Built whole (from_idx) or from the
// labels first, the image bytes then fed in order as they arrive (size() grows to expected_size()).
class Dataset {
public:
  Dataset() = default;
  // Both IDX files whole: images (N, rows, cols), labels (N), equal N, labels < classes.
  static Expected<Dataset> from_idx(std::string_view images, std::string_view labels,
                                    int64_t classes = kFashionClasses);
  // The labels whole; the images fed with feed_images().
  static Expected<Dataset> from_labels(std::string_view labels, int64_t classes = kFashionClasses);
  // Images and labels in memory (tests, drawn images): pixels n·rows·cols, labels n.
  static Expected<Dataset> from_arrays(std::vector<uint8_t> pixels, std::vector<uint8_t> labels, int64_t rows,
                                       int64_t cols, int64_t classes = kFashionClasses);
  // Appends the next bytes of the (uncompressed) image file; "" or why they are refused (header,
  // its count differs from the labels', more bytes than the file). Complete images become available.
  std::string feed_images(std::string_view more);

  int64_t size() const noexcept { return available_; }            // images available (complete, labelled)
  int64_t expected_size() const noexcept { return static_cast<int64_t>(labels_.size()); } // in the files
  bool complete() const noexcept { return available_ == expected_size() && expected_size() > 0; }
  int64_t rows() const noexcept { return rows_; }
  int64_t cols() const noexcept { return cols_; }
  int64_t pixels_per_image() const noexcept { return rows_ * cols_; }
  int64_t classes() const noexcept { return classes_; }
  const uint8_t* image(int64_t i) const { return pixels_.data() + i * rows_ * cols_; } // i < size()
  uint8_t label(int64_t i) const { return labels_[static_cast<size_t>(i)]; }
  const std::vector<uint8_t>& labels() const noexcept { return labels_; }
  // The first n images (n ≤ size()): a copy, e.g. --limit.
  Dataset first(int64_t n) const;

  // Network inputs for images indices[0..n) into out (n · rows · cols floats), normalised, each shifted
  // down by dy and right by dx pixels with black (pixel 0) coming in: out[y][x] = in[y − dy][x − dx].
  void inputs(const int64_t* indices, int64_t n, float* out, int64_t dy = 0, int64_t dx = 0) const;
  // The same for the consecutive images [begin, begin + n).
  void inputs_range(int64_t begin, int64_t n, float* out, int64_t dy = 0, int64_t dx = 0) const;

private:
  std::vector<uint8_t> pixels_, labels_;
  std::string pending_;     // image-file bytes not yet parsed (the header, then a partial image)
  int64_t rows_ = 0, cols_ = 0, classes_ = kFashionClasses, available_ = 0;
  bool header_done_ = false;
};

struct FashionMnist {
  Dataset train, test;
};
// Reads a file's uncompressed bytes (read_data_file natively; the WebAssembly trainer inflates in JS).
using DataFileReader = std::function<Expected<std::string>(const std::string& path)>;
// The four standard files of dir (kFashion*, or the same names without .gz, uncompressed); train limited to its first `train_limit` images (0: all).
Expected<FashionMnist> load_fashion_mnist(const std::string& dir = kFashionMnistDir, int64_t train_limit = 0,
                                          const DataFileReader& read = read_data_file);

} // namespace convplay
