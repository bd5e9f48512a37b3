// The pictures the scenes convolve: scikit-image's sample photographs (Debian's python3-skimage, fetched
// by tools/setup.sh; read from disk natively, fetched lazily by the browser), a synthetic picture with a
// red and a green disc, and the student's own image (file picker or drag-and-drop in the browser, a
// file dropped on the native window). Decoding is image_decode.h's (stb_image); resizing and every
// number are the core's (convplay/image.h). Also RgbView: a (3, H, W) tensor drawn as a colour picture.
#pragma once
#include "gl.h"
#include "image_decode.h" // kImageMaxSide, decode_image()
#include "tensor_view.h"

#include <convplay/tensor.h>

#include <imgui.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace convplay::app {

struct ImageChoice {
  const char* id;    // state value: "cat", "astronaut", "coffee", "camera", "circles", "user"
  const char* label; // shown in the combo box
  const char* file;  // scikit-image sample file; nullptr for the synthetic picture and the student's own
};
const std::vector<ImageChoice>& image_choices();
const ImageChoice* find_image_choice(std::string_view id);

struct ImageResult {
  enum class Status { Ready, Loading, Failed };
  Status status = Status::Failed;
  Tensor image;        // Ready: (3, H, W) in [0, 1], longer side = the requested side (or the picture's own if smaller)
  std::string note;    // Ready: where it comes from and what was done to it; Failed: why not
  long long source_h = 0, source_w = 0; // size of the file's picture
};
// The picture `id` with its longer side at most `side` (1–kImageMaxSide). A sample not yet fetched by
// the browser is Loading (the fetch starts on the first request); ask again on a later frame.
ImageResult get_image(std::string_view id, int side);
// Changes whenever a sample finishes loading or the student's image changes: scenes recompute then.
int image_generation();

// The student's own image: decodes (PNG, JPEG, GIF, BMP), downscales to kImageMaxSide; "" or why not.
// The result (a note or the error) stays available through user_image_status() for the scenes to show.
std::string load_user_image(const unsigned char* bytes, std::size_t size, std::string_view name);
std::string load_user_image_file(const std::string& path); // reads the file, then as above (native drop)
bool has_user_image();
struct UserImageStatus {
  int serial = 0;      // increments with every attempt; a scene that sees a new successful one switches to "user"
  bool ok = false;     // the last attempt succeeded
  std::string message; // its note or its error
};
const UserImageStatus& user_image_status();
// For a scene that shows pictures, at the top of draw(): switches `image` to "user" when the student has
// opened a new picture since `seen_serial`, and shows what happened to the last one (note or error).
void follow_user_image(std::string& image, int& seen_serial);

// Opens the browser's file picker (web/image_input.js); false where there is none (native: drop a file).
bool open_image_picker();
bool image_picker_available();

// What the platform provides (platform_web.cpp installs the browser's at start, as its data fetcher).
// Without a sample fetcher (natively, and in the tests natively and under Node) the samples are read
// from CONVPLAY_SAMPLES_DIR; without a picker there is no "Open your own image" button.
using SampleFetcher = void (*)(const char* file); // starts fetching; answers later with one of the two below
void set_sample_fetcher(SampleFetcher fetcher);
void sample_fetched(const std::string& file, const unsigned char* bytes, std::size_t size); // decodes it
void sample_fetch_failed(const std::string& file);
struct ImagePicker {
  bool (*available)() = nullptr; // the page has a file picker
  bool (*open)() = nullptr;      // opens it; false if it could not
};
void set_image_picker(ImagePicker picker);

// A (3, H, W) tensor in [0, 1] drawn as a colour picture (GL texture, nearest-neighbour when enlarged).
class RgbView {
public:
  RgbView() = default;
  RgbView(const RgbView&) = delete;
  RgbView& operator=(const RgbView&) = delete;
  ~RgbView();
  void set(const Tensor& chw);
  CellHover draw(ImVec2 max_size, float max_cell = 40.0f); // the pixel under the mouse
  void outline(int row0, int col0, int row1, int col1, ImU32 color, float thickness = 2.0f) const;
  int rows() const { return rows_; }
  int cols() const { return cols_; }

private:
  std::vector<unsigned char> rgb_;
  int rows_ = 0, cols_ = 0;
  bool dirty_ = true;
  GLuint tex_ = 0;
  unsigned generation_ = 0; // gl_generation() tex_ belongs to
  ImVec2 last_min_{}, last_cell_{};
};

} // namespace convplay::app
