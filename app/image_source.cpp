#include "image_source.h"
#include "scene_ui.h"
#include "gl_util.h"

#include <convplay/image.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#ifndef CONVPLAY_SAMPLES_DIR
#define CONVPLAY_SAMPLES_DIR ""
#endif

namespace convplay::app {
namespace {

struct SampleState {
  enum class Status { NotStarted, Loading, Ready, Failed } status = Status::NotStarted;
  DecodedImage decoded;
  std::string error;
};
std::map<std::string, SampleState, std::less<>> g_samples;
int g_generation = 0;
DecodedImage g_user;
std::string g_user_name;
UserImageStatus g_user_status;

SampleFetcher g_sample_fetcher = nullptr;
ImagePicker g_picker;

Expected<std::vector<unsigned char>> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{"cannot open " + path};
  std::vector<unsigned char> bytes;
  unsigned char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + n);
    if (bytes.size() > kImageMaxBytes) {
      std::fclose(f);
      return Error{"the file is too large (more than 64 MB)"};
    }
  }
  std::fclose(f);
  return bytes;
}

// Natively and under Node: the file in CONVPLAY_SAMPLES_DIR (build/deps/skimage, from tools/setup.sh).
void read_sample_from_disk(SampleState& s, const char* file) {
  const std::string dir = CONVPLAY_SAMPLES_DIR;
  auto bytes = dir.empty() ? Expected<std::vector<unsigned char>>(Error{"no sample folder"}) : read_file(dir + "/" + file);
  if (!bytes.ok()) {
    s.status = SampleState::Status::Failed;
    s.error = "sample picture " + std::string(file) + " not found (" + bytes.error() +
              "): run tools/setup.sh, which fetches Debian's python3-skimage into build/deps/skimage";
  } else if (auto d = decode_image(bytes->data(), bytes->size()); d.ok()) {
    s.decoded = std::move(d.value());
    s.status = SampleState::Status::Ready;
  } else {
    s.status = SampleState::Status::Failed;
    s.error = "sample picture " + std::string(file) + ": " + d.error();
  }
}

// The decoded sample, or nullptr with status Loading/Failed in `out`.
const DecodedImage* sample(const char* file, ImageResult& out) {
  SampleState& s = g_samples[file];
  if (s.status == SampleState::Status::NotStarted) {
    if (g_sample_fetcher) { // the page: fetched from beside the .wasm, answered later
      s.status = SampleState::Status::Loading;
      g_sample_fetcher(file);
    } else {
      read_sample_from_disk(s, file);
    }
  }
  switch (s.status) {
  case SampleState::Status::Ready: return &s.decoded;
  case SampleState::Status::Failed:
    out.status = ImageResult::Status::Failed;
    out.note = s.error;
    return nullptr;
  default:
    out.status = ImageResult::Status::Loading;
    out.note = std::string("fetching ") + file + "…";
    return nullptr;
  }
}

void fill_from(const DecodedImage& d, int side, ImageResult& out) {
  const ImageSize fit = fit_within(d.image.dim(1), d.image.dim(2), side);
  auto t = resize_area(d.image, fit.height, fit.width);
  if (!t.ok()) {
    out.status = ImageResult::Status::Failed;
    out.note = t.error();
    return;
  }
  out.status = ImageResult::Status::Ready;
  out.image = std::move(t.value());
  out.source_h = d.source_h;
  out.source_w = d.source_w;
}

} // namespace

const std::vector<ImageChoice>& image_choices() {
  static const std::vector<ImageChoice> choices = {
      {"cat", "cat (Chelsea)", "chelsea.png"},
      {"astronaut", "astronaut (Eileen Collins)", "astronaut.png"},
      {"coffee", "cup of coffee", "coffee.png"},
      {"camera", "cameraman (grey)", "camera.png"},
      {"circles", "red and green circles", nullptr},
      {"user", "your own image", nullptr},
  };
  return choices;
}

const ImageChoice* find_image_choice(std::string_view id) {
  for (const auto& c : image_choices())
    if (id == c.id) return &c;
  return nullptr;
}

ImageResult get_image(std::string_view id, int side) {
  ImageResult out;
  side = std::clamp(side, 1, kImageMaxSide);
  const ImageChoice* choice = find_image_choice(id);
  if (!choice) {
    out.note = "unknown image '" + std::string(id) + "'";
    return out;
  }
  if (id == "circles") {
    const int w = std::max(side, 6), h = std::max(side / 2, 3);
    auto p = red_green_discs(h, w);
    if (!p.ok()) {
      out.note = p.error();
      return out;
    }
    out.status = ImageResult::Status::Ready;
    out.image = std::move(p->image);
    out.source_h = h;
    out.source_w = w;
    out.note = "a red and a green circle on white, drawn at " + image_size_text(h, w);
    return out;
  }
  if (id == "user") {
    if (!has_user_image()) {
      out.note = "no image of your own yet: open one or drop an image file on the window";
      return out;
    }
    fill_from(g_user, side, out);
    if (out.status == ImageResult::Status::Ready) {
      out.note = "your image " + g_user_name + " (" + image_size_text(g_user.source_h, g_user.source_w) + ")";
      if (g_user.source_h > g_user.image.dim(1) || g_user.source_w > g_user.image.dim(2))
        out.note += ", downscaled to " + image_size_text(g_user.image.dim(1), g_user.image.dim(2)) + " when opened";
    }
    return out;
  }
  const DecodedImage* d = sample(choice->file, out);
  if (!d) return out;
  fill_from(*d, side, out);
  if (out.status == ImageResult::Status::Ready)
    out.note = std::string("scikit-image sample ") + choice->file + " (" + image_size_text(d->source_h, d->source_w) + ")";
  return out;
}

int image_generation() { return g_generation; }

std::string load_user_image(const unsigned char* bytes, std::size_t size, std::string_view name) {
  const std::string shown = name.empty() ? std::string("(unnamed)") : "‘" + std::string(name.substr(0, 80)) + "’";
  auto d = decode_image(bytes, size);
  ++g_user_status.serial;
  g_user_status.ok = d.ok();
  if (!d.ok()) {
    g_user_status.message = "Could not open " + shown + ": " + d.error() + ". The previous picture is kept.";
    return g_user_status.message;
  }
  g_user = std::move(d.value());
  g_user_name = shown;
  ++g_generation;
  g_user_status.message = "Opened " + shown + " (" + image_size_text(g_user.source_h, g_user.source_w) + ")";
  if (g_user.source_h > g_user.image.dim(1) || g_user.source_w > g_user.image.dim(2))
    g_user_status.message += ": larger than " + std::to_string(kImageMaxSide) + " pixels, so it was downscaled to " +
                             image_size_text(g_user.image.dim(1), g_user.image.dim(2));
  g_user_status.message += ".";
  return {};
}

std::string load_user_image_file(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  auto bytes = read_file(path);
  if (!bytes.ok()) {
    ++g_user_status.serial;
    g_user_status.ok = false;
    g_user_status.message = "Could not open ‘" + name + "’: " + bytes.error() + ". The previous picture is kept.";
    return g_user_status.message;
  }
  return load_user_image(bytes->data(), bytes->size(), name);
}

bool has_user_image() { return g_user.image.numel() > 0; }
const UserImageStatus& user_image_status() { return g_user_status; }

bool image_picker_available() { return g_picker.available && g_picker.available(); }
bool open_image_picker() { return g_picker.open && g_picker.open(); }

void set_sample_fetcher(SampleFetcher fetcher) { g_sample_fetcher = fetcher; }
void set_image_picker(ImagePicker picker) { g_picker = picker; }

void sample_fetched(const std::string& file, const unsigned char* bytes, std::size_t size) {
  SampleState& s = g_samples[file];
  auto d = decode_image(bytes, size);
  if (d.ok()) {
    s.decoded = std::move(d.value());
    s.status = SampleState::Status::Ready;
  } else {
    s.error = "the sample picture could not be read: " + d.error();
    s.status = SampleState::Status::Failed;
  }
  ++g_generation;
}

void sample_fetch_failed(const std::string& file) {
  SampleState& s = g_samples[file];
  s.error = "the sample picture could not be fetched from the server (samples/" + file + ")";
  s.status = SampleState::Status::Failed;
  ++g_generation;
}

// ---- RgbView ------------------------------------------------------------------------------------
RgbView::~RgbView() {
  if (tex_ && generation_ == gl_generation()) glDeleteTextures(1, &tex_);
}

void RgbView::set(const Tensor& chw) {
  if (chw.rank() != 3 || chw.dim(0) != 3 || chw.dim(1) < 1 || chw.dim(2) < 1) {
    rows_ = cols_ = 0;
    return;
  }
  const int rows = static_cast<int>(chw.dim(1)), cols = static_cast<int>(chw.dim(2));
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  std::vector<unsigned char> rgb(n * 3);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < 3; ++c)
      rgb[i * 3 + c] = static_cast<unsigned char>(std::lround(std::clamp(chw.data[c * n + i], 0.0f, 1.0f) * 255.0f));
  if (rows == rows_ && cols == cols_ && rgb == rgb_) return;
  rgb_ = std::move(rgb);
  rows_ = rows;
  cols_ = cols;
  dirty_ = true;
}

CellHover RgbView::draw(ImVec2 max_size, float max_cell) {
  CellHover hover;
  if (rows_ <= 0 || cols_ <= 0) return hover;
  if (generation_ != gl_generation()) { // the context was lost: make the texture again
    tex_ = 0;
    generation_ = gl_generation();
    dirty_ = true;
  }
  if (dirty_) {
    if (!tex_) glGenTextures(1, &tex_);
    glBindTexture(GL_TEXTURE_2D, tex_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, cols_, rows_, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb_.data());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    gl_texture_written();
    dirty_ = false;
  }
  const float cell = std::max(0.25f, std::min({max_cell, max_size.x / static_cast<float>(cols_),
                                               max_size.y / static_cast<float>(rows_)}));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex_)),
               ImVec2(cell * static_cast<float>(cols_), cell * static_cast<float>(rows_)));
  last_min_ = p0;
  last_cell_ = ImVec2(cell, cell);
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    hover.col = std::clamp(static_cast<int>((m.x - p0.x) / cell), 0, cols_ - 1);
    hover.row = std::clamp(static_cast<int>((m.y - p0.y) / cell), 0, rows_ - 1);
  }
  return hover;
}

void RgbView::outline(int row0, int col0, int row1, int col1, ImU32 color, float thickness) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(ImVec2(last_min_.x + static_cast<float>(col0) * last_cell_.x, last_min_.y + static_cast<float>(row0) * last_cell_.y),
              ImVec2(last_min_.x + static_cast<float>(col1) * last_cell_.x, last_min_.y + static_cast<float>(row1) * last_cell_.y),
              color, 0.0f, 0, thickness);
}

void follow_user_image(std::string& image, int& seen_serial) {
  const UserImageStatus& st = user_image_status();
  if (st.serial != seen_serial) {
    seen_serial = st.serial;
    if (st.ok) image = "user";
  }
  if (!st.message.empty() && (image == "user" || !st.ok)) {
    if (st.ok) hint_line(st.message.c_str());
    else error_line(st.message);
  }
}

} // namespace convplay::app
