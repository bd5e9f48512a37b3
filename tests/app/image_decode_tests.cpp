// Picture files through decode_image() (app/image_decode.cpp): PNG, JPEG and BMP made here with
// stb_image_write, downscaling to kImageMaxSide, and the refusals (empty, not a picture, too many pixels,
// too long a side, a JPEG Huffman table that would overflow stb_image's, a PNG chunk longer than the file, a
// JPEG or GIF whose decoding would need more than the working-memory budget).
#include <catch2/catch.hpp>

#include "image_decode.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <initializer_list>
#include <string>
#include <vector>

using namespace convplay;
using namespace convplay::app;

namespace {
void append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
}
Expected<DecodedImage> decode(const std::string& file) {
  return decode_image(reinterpret_cast<const unsigned char*>(file.data()), file.size());
}
// A w×h RGB picture: red rising to the right, green downwards, blue 0.
std::vector<unsigned char> gradient(int w, int h) {
  std::vector<unsigned char> rgb(static_cast<size_t>(w * h * 3), 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      rgb[static_cast<size_t>((y * w + x) * 3)] = static_cast<unsigned char>(255 * x / std::max(1, w - 1));
      rgb[static_cast<size_t>((y * w + x) * 3 + 1)] = static_cast<unsigned char>(255 * y / std::max(1, h - 1));
    }
  return rgb;
}
void be32(std::string& s, uint32_t v) {
  for (int k = 3; k >= 0; --k) s += static_cast<char>(v >> (8 * k) & 0xFF);
}
struct Chunk {
  const char* type; // 4 letters
  std::string data;
};
// A PNG file: the signature, then each chunk's length, type, data and a zero CRC (stb_image does not check CRCs).
std::string png_of(std::initializer_list<Chunk> chunks) {
  std::string png = "\x89PNG\r\n\x1a\n";
  for (const Chunk& c : chunks) {
    be32(png, static_cast<uint32_t>(c.data.size()));
    png += c.type;
    png += c.data;
    be32(png, 0);
  }
  return png;
}
// An IHDR chunk's data: w × h pixels of `depth` bits, colour type `colour` (2: RGB, 6: RGBA), no interlace.
std::string ihdr_of(uint32_t w, uint32_t h, char depth, char colour) {
  std::string ihdr;
  be32(ihdr, w);
  be32(ihdr, h);
  return ihdr + std::string{depth, colour, '\0', '\0', '\0'};
}
// zlib data holding `bytes` in one stored (uncompressed) block, with a zero Adler-32 (stb_image does not check it).
std::string stored_zlib(const std::string& bytes) {
  const auto len = static_cast<uint16_t>(bytes.size());
  std::string z = "\x78\x01\x01";
  z += std::string{static_cast<char>(len & 0xFF), static_cast<char>(len >> 8), static_cast<char>(~len & 0xFF),
                   static_cast<char>((~len >> 8) & 0xFF)};
  z += bytes;
  be32(z, 0);
  return z;
}
} // namespace

TEST_CASE("decode_image: PNG exactly, JPEG and BMP as written", "[image_decode]") {
  const auto rgb = gradient(4, 3);
  std::string png, jpg, bmp;
  REQUIRE(stbi_write_png_to_func(append, &png, 4, 3, 3, rgb.data(), 12));
  REQUIRE(stbi_write_jpg_to_func(append, &jpg, 4, 3, 3, rgb.data(), 95));
  REQUIRE(stbi_write_bmp_to_func(append, &bmp, 4, 3, 3, rgb.data()));
  for (const std::string* file : {&png, &jpg, &bmp}) {
    const auto d = decode(*file);
    REQUIRE(d.ok());
    CHECK(d->source_h == 3);
    CHECK(d->source_w == 4);
    CHECK(d->image.shape == std::vector<int64_t>{3, 3, 4});
    const float tolerance = file == &jpg ? 0.1f : 0.0f; // JPEG is lossy
    CHECK(d->image[(0 * 3 + 2) * 4 + 3] == Approx(1.0f).margin(tolerance)); // red at the right
    CHECK(d->image[(1 * 3 + 2) * 4 + 0] == Approx(1.0f).margin(tolerance)); // green at the bottom
    CHECK(d->image[(2 * 3 + 1) * 4 + 1] == Approx(0.0f).margin(tolerance)); // no blue
  }
}

TEST_CASE("decode_image: a large picture comes out with its longer side at kImageMaxSide", "[image_decode]") {
  const auto rgb = gradient(1030, 20);
  std::string png;
  REQUIRE(stbi_write_png_to_func(append, &png, 1030, 20, 3, rgb.data(), 1030 * 3));
  const auto d = decode(png);
  REQUIRE(d.ok());
  CHECK(d->source_w == 1030);
  CHECK(d->image.shape == std::vector<int64_t>{3, 10, kImageMaxSide});
}

TEST_CASE("decode_image: refusals say why", "[image_decode]") {
  CHECK(decode("").error() == "the file is empty");
  CHECK(decode("not a picture").error() == "it is not an image this playground can read (PNG, JPEG, GIF or BMP)");
  // A PNG header claiming 10000 × 8000 pixels is refused before anything is decoded.
  std::string png;
  const auto rgb = gradient(1, 1);
  REQUIRE(stbi_write_png_to_func(append, &png, 1, 1, 3, rgb.data(), 3));
  png.replace(16, 8, std::string("\0\0\x27\x10\0\0\x1F\x40", 8)); // IHDR: width 10000, height 8000
  CHECK(decode(png).error() == "the picture is too large to decode here (10000×8000 pixels; at most 50 megapixels)");
  // A BMP header claiming 8,257,538 × 3 pixels (an 85-byte file found by the fuzz target; stb_image would
  // fill 25 million pixels for it) is refused before decoding too.
  std::string bmp;
  REQUIRE(stbi_write_bmp_to_func(append, &bmp, 1, 1, 3, rgb.data()));
  bmp.replace(18, 8, std::string("\x02\0\x7e\0\x03\0\0\0", 8)); // BITMAPINFOHEADER: width, height
  CHECK(decode(bmp).error() == "the picture is too large to decode here (8257538×3 pixels; at most 65536 on a side)");
}

TEST_CASE("decode_image: a PNG chunk longer than the file is refused before stb_image allocates it", "[image_decode]") {
  std::string png;
  const auto rgb = gradient(2, 2);
  REQUIRE(stbi_write_png_to_func(append, &png, 2, 2, 3, rgb.data(), 6));
  REQUIRE(decode(png).ok());
  REQUIRE(png.substr(37, 4) == "IDAT"); // signature 8, IHDR 25, then the IDAT chunk's length and type
  std::string claims_2gb = png;
  claims_2gb.replace(33, 4, std::string("\x7f\xff\xff\xf0", 4));
  CHECK(decode(claims_2gb).error() == "the picture could not be decoded (a corrupt PNG: a chunk longer than the rest of the file)");
  CHECK(decode(png + "anything after IEND").ok());
}

TEST_CASE("decode_image: a JPEG Huffman table with more than 256 codes is refused", "[image_decode]") {
  // SOI, then a DHT segment: one table (class 0, id 0) whose 16 code counts are 17 each: 272 codes.
  std::string dht = "\xFF\xD8\xFF\xC4";
  dht += std::string("\x01\x13\x00", 3) + std::string(16, '\x11') + std::string(272, '\x00');
  CHECK(decode(dht).error() == "the picture could not be decoded (a corrupt JPEG: a Huffman table with more than 256 codes)");
  // The same after a scan (entropy-coded data first), where a progressive JPEG has its later tables.
  std::string late = "\xFF\xD8\xFF\xDA";
  late += std::string("\x00\x02", 2) + "\x12\x34\xFF" + std::string("\x00", 1) + "\xFF\xC4";
  late += std::string("\x01\x13\x00", 3) + std::string(16, '\x11');
  CHECK(decode(late).error().find("more than 256 codes") != std::string::npos);
  // 256 codes are fine as far as this check goes (stb_image then finds the file incomplete).
  std::string full = "\xFF\xD8\xFF\xC4";
  full += std::string("\x01\x12\x00", 3) + std::string(16, '\x10') + std::string(256, '\x00');
  CHECK(decode(full).error().find("more than 256 codes") == std::string::npos);
}

TEST_CASE("decode_image: a PNG whose data inflates past its stated size (a zlib bomb) is refused", "[image_decode]") {
  // 1×1 RGB, its IDAT a stored zlib block of 60,000 zero bytes (the picture needs 4).
  const std::string ihdr = ihdr_of(1, 1, 8, 2), small = stored_zlib(std::string(4, '\0'));
  const auto d = decode(png_of({{"IHDR", ihdr}, {"IDAT", stored_zlib(std::string(60000, '\0'))}, {"IEND", ""}}));
  REQUIRE(!d.ok());
  CHECK(d.error() == "the picture could not be decoded (a corrupt PNG: its data inflates to more than 1×1 pixels need)");
  // The same with the 4 bytes it needs is a picture.
  CHECK(decode(png_of({{"IHDR", ihdr}, {"IDAT", small}, {"IEND", ""}})).ok());
  // A second IHDR claiming 1,073,741,824 × 1,677,721,600 pixels at 8 bytes each (the fuzz target's find:
  // its size was once read from the last header and sized the inflate buffer at 2^63 bytes). stb_image
  // reads the first header and refuses the second.
  const std::string second = ihdr_of(0x40000000, 0x64000000, 16, 6);
  const auto twice = decode(png_of({{"IHDR", ihdr}, {"IHDR", second}, {"IDAT", small}, {"IEND", ""}}));
  REQUIRE(!twice.ok());
  CHECK(twice.error() == "the picture could not be decoded (multiple IHDR)");
}

TEST_CASE("decode_image: an empty IDAT chunk before the image data is skipped", "[image_decode]") {
  // The fuzz target's find: Debian's stb_image copied the empty chunk to a null buffer (undefined
  // behaviour). The standard allows empty IDAT chunks, so the picture is decoded without them.
  const std::string ihdr = ihdr_of(1, 1, 8, 2), data = stored_zlib(std::string("\x00\xff\x80\x00", 4)); // 1×1 RGB
  const auto d = decode(png_of({{"IHDR", ihdr},
                                {"IDAT", ""},
                                {"tEXt", std::string("a\0b", 3)},
                                {"IDAT", ""},
                                {"IDAT", data},
                                {"IDAT", ""}, // after the data: stb_image has its buffer
                                {"IEND", ""}}));
  REQUIRE(d.ok());
  REQUIRE(d->image.numel() == 3);
  CHECK(d->image.data == std::vector<float>{1.0f, 128.0f / 255.0f, 0.0f});
  // Only empty ones: no image data.
  const std::string none = png_of({{"IHDR", ihdr}, {"IDAT", ""}, {"IEND", ""}});
  CHECK(decode(none).error() == "the picture could not be decoded (no IDAT)");
}

TEST_CASE("decode_image: a PNG whose data are too short to fill its pixels is refused before stb_image allocates them", "[image_decode]") {
  // 7,000×7,000 16-bit RGBA (392 MB raw) in a 60-byte file: stb_image allocated the 392 MB, then found
  // "not enough pixels". Deflate's 1032:1 at most means 17 bytes fill at most 18 KB.
  const std::string png = png_of({{"IHDR", ihdr_of(7000, 7000, 16, 6)}, {"IDAT", stored_zlib(std::string(4, '\0'))}, {"IEND", ""}});
  CHECK(decode(png).error() == "the picture could not be decoded (a corrupt PNG: its 15 bytes of data cannot hold 7000×7000 pixels)");
  // Data as compressible as deflate allows pass the check: 2,000×2,000 grey zeros, written by stb_image_write.
  std::string file;
  const std::vector<unsigned char> zeros(2000 * 2000, 0);
  REQUIRE(stbi_write_png_to_func(append, &file, 2000, 2000, 1, zeros.data(), 2000));
  const auto d = decode(file);
  REQUIRE(d.ok());
  CHECK(d->source_w == 2000);
}

TEST_CASE("decode_image: a JPEG or GIF whose decoding would need more than the working-memory budget is refused before decoding", "[image_decode]") {
  // stb_image allocates about 9 bytes a pixel for either before it reads any data: 6,000×5,000 pixels
  // need 270,000,000 bytes, more than 256 MiB (the picture limit alone, 50 megapixels, would let it through).
  const auto rgb = gradient(8, 8);
  std::string jpg;
  REQUIRE(stbi_write_jpg_to_func(append, &jpg, 8, 8, 3, rgb.data(), 90));
  const size_t sof = jpg.find("\xFF\xC0");
  REQUIRE(sof != std::string::npos);
  auto sized_jpeg = [&](uint16_t w, uint16_t h) { // SOF0: marker, length, precision, height, width
    std::string j = jpg;
    j.replace(sof + 5, 4, std::string{static_cast<char>(h >> 8), static_cast<char>(h & 0xFF), static_cast<char>(w >> 8), static_cast<char>(w & 0xFF)});
    return j;
  };
  const std::string budget = "more than the working-memory budget of 256 MiB)";
  const auto big = decode(sized_jpeg(6000, 5000));
  REQUIRE(!big.ok());
  CHECK(big.error().rfind("the picture is too large to decode here (6000×5000 pixels; decoding it as JPEG needs ", 0) == 0);
  CHECK(big.error().find(budget) != std::string::npos);
  // 2,000×2,000 (36 MB) is decoded (stb_image fills what its data lack).
  const auto fits = decode(sized_jpeg(2000, 2000));
  REQUIRE(fits.ok());
  CHECK(fits->source_w == 2000);
  auto gif = [](uint16_t w, uint16_t h) { // a GIF's header and logical screen, no colour table
    return std::string("GIF89a") + std::string{static_cast<char>(w & 0xFF), static_cast<char>(w >> 8), static_cast<char>(h & 0xFF),
                                                static_cast<char>(h >> 8), '\0', '\0', '\0'};
  };
  const auto big_gif = decode(gif(6000, 5000));
  REQUIRE(!big_gif.ok());
  CHECK(big_gif.error().rfind("the picture is too large to decode here (6000×5000 pixels; decoding it as GIF needs ", 0) == 0);
  CHECK(big_gif.error().find(budget) != std::string::npos);
  CHECK(decode(gif(2000, 2000)).error().find("too large") == std::string::npos);
}
