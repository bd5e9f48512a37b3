// Bytes of a picture file (PNG, JPEG, GIF, BMP) → a (3, H, W) tensor in [0, 1] whose longer side is at
// most kImageMaxSide, with stb_image (Debian's libstb-dev) underneath and the core's resizing. Plain C++
// (no GL, no ImGui), so the fuzz target tests/fuzz/fuzz_image_decode.cpp links it on its own.
#pragma once
#include <convplay/tensor.h>

#include <cstddef>
#include <string>

namespace convplay::app {

inline constexpr int kImageMaxSide = 512;                // decoded pictures are downscaled to this longer side
inline constexpr long long kImageMaxPixels = 50'000'000; // larger files are refused before decoding
inline constexpr std::size_t kImageMaxBytes = 64u << 20; // and larger files before reading
// What stb_image allocates per pixel of a JPEG or GIF before it reads the data (bytes; a GIF: the frame, its
// background, each 4 bytes a pixel, and a byte of history; a JPEG about as much): a JPEG or GIF needing more
// than the working-memory budget (convplay/counts.h, kWorkingMemoryBudget) is refused before decoding.
inline constexpr long long kStbJpegGifBytesPerPixel = 9;

struct DecodedImage {
  Tensor image;                         // (3, H, W) in [0, 1], longer side ≤ kImageMaxSide
  long long source_h = 0, source_w = 0; // the file's picture
};
// Pixel sizes as pictures are described, width × height: "640×480 pixels" (the scenes' shapes are H×W×C).
std::string image_size_text(long long height, long long width);

// The picture in the file, or why not ("the file is empty", "it is not an image …", "too large …").
// Pictures of more than max_pixels (or a side longer than kMaxImageSide), and a JPEG or GIF whose decoding
// would need more than the working-memory budget, are refused before decoding.
Expected<DecodedImage> decode_image(const unsigned char* bytes, std::size_t size, long long max_pixels = kImageMaxPixels);

} // namespace convplay::app
