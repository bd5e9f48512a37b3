#include "image_decode.h"

#include <convplay/counts.h>
#include <convplay/image.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#define STBI_NO_STDIO
#include <stb_image.h> // its implementation: stb_image_impl.cpp

namespace convplay::app {
namespace {

// Checks stb_image lacks, made before it sees the bytes.
//
// Debian's stb_image (2.27) trusts the code counts of a JPEG Huffman table (DHT segment): 16 counts of up
// to 255 each, summed into a 257-entry array, so a file whose counts add up to more than 256 writes past
// it (found by tests/fuzz/fuzz_image_decode.cpp; later stb_image versions refuse such a table). This walks
// the file's markers as stb_image does and finds every table stb_image could read: the segments before the
// first scan in order (junk between them skipped byte by byte, as stb_image does), and after it every
// FF C4 marker (entropy-coded data can hold no other FF C4; a stray one in a later segment errs on the
// side of refusing). True when some table has more than 256 codes.
bool jpeg_has_oversized_huffman_table(const unsigned char* b, std::size_t n) {
  std::size_t i = 1;
  while (i < n && b[i] == 0xFF) ++i;                  // stb_image skips fill bytes before SOI too
  if (n == 0 || b[0] != 0xFF || i >= n || b[i] != 0xD8) return false; // not a JPEG
  auto at = [&](std::size_t p) -> unsigned { return p < n ? b[p] : 0u; }; // stb_image reads zeros past the end
  // A DHT segment whose length field starts at p: its tables as stb_image reads them.
  auto oversized_dht = [&](std::size_t p) {
    long remaining = static_cast<long>(at(p) << 8 | at(p + 1)) - 2;
    p += 2;
    while (remaining > 0 && p < n) {
      if ((at(p) >> 4) > 1 || (at(p) & 15) > 3) return false; // stb_image refuses the header itself
      unsigned codes = 0;
      for (std::size_t k = 1; k <= 16; ++k) codes += at(p + k);
      if (codes > 256) return true;
      p += 17 + codes;
      remaining -= 17 + static_cast<long>(codes);
    }
    return false;
  };
  ++i;
  while (i < n) { // the segments before the first scan
    while (i < n && b[i] != 0xFF) ++i;
    while (i < n && b[i] == 0xFF) ++i; // fill bytes
    if (i >= n) return false;
    const unsigned marker = b[i++];
    if (marker == 0xD9) return false;                                  // end of image
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length
    if (marker == 0xC4 && oversized_dht(i)) return true;
    const std::size_t length = at(i) << 8 | at(i + 1);
    i += length;
    if (marker == 0xDA) break; // start of scan: entropy-coded data follows
  }
  for (; i + 1 < n; ++i) {
    if (b[i] != 0xFF) continue;
    std::size_t m = i + 1;
    while (m < n && b[m] == 0xFF) ++m;
    if (m < n && b[m] == 0xC4 && oversized_dht(m + 1)) return true;
  }
  return false;
}

// How for_each_png_chunk's walk ended.
enum class PngWalk {
  not_png,  // no PNG signature: nothing was walked
  done,     // at IEND, the end of the file, or where the callback stopped
  past_end, // at a chunk claiming more bytes than the file has left (its data; a missing last CRC stb_image does not mind)
};

// Calls f(type, data, length) for the chunks of a PNG file in order, as stb_image reads them (its 4-byte
// type, its data and their length) until IEND (not passed to f), the end of the file, a chunk claiming more
// than the file has left, or f returning false.
template <class F> PngWalk for_each_png_chunk(const unsigned char* b, std::size_t n, F f) {
  static constexpr unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n < 8 || std::memcmp(b, signature, 8) != 0) return PngWalk::not_png;
  for (std::size_t i = 8; i + 8 <= n;) {
    const std::size_t length = std::size_t{b[i]} << 24 | std::size_t{b[i + 1]} << 16 | std::size_t{b[i + 2]} << 8 | b[i + 3];
    if (length > n - i - 8) return PngWalk::past_end;
    const unsigned char* type = b + i + 4;
    if (std::memcmp(type, "IEND", 4) == 0 || !f(type, b + i + 8, length)) return PngWalk::done;
    i += 12 + length;
  }
  return PngWalk::done;
}
bool is_chunk(const unsigned char* type, const char (&name)[5]) { return std::memcmp(type, name, 4) == 0; }

// Debian's stb_image also grows its buffer to an IDAT chunk's declared length before reading the chunk, so
// a 100-byte PNG claiming a 2 GB chunk makes it allocate 2 GB (found by the fuzz target; in the browser
// the WebAssembly memory would grow and never shrink). True when a PNG chunk before IEND claims more bytes
// than the file has left (a file that stb_image could not decode anyway).
bool png_chunk_past_end(const unsigned char* b, std::size_t n) {
  return for_each_png_chunk(b, n, [](const unsigned char*, const unsigned char*, std::size_t) { return true; }) ==
         PngWalk::past_end;
}

// A "zlib bomb": Debian's stb_image inflates a PNG's image data into a buffer it keeps growing, however
// little the header's size needs, and then ignores the rest (a 200 KB file declaring 1×1 pixels made it
// inflate 200 MiB and succeed). Refused when the IDAT data inflates to more than a W×H picture of its depth
// and colour type can need (every row with its filter byte, and the 7 passes of an interlaced one).
// w and h are stb_image's own reading of the header, after the size checks, so the buffer is at most what
// stb_image itself would allocate; the depth and colour type are read from the same chunk, the first (a later
// IHDR, which stb_image refuses when decoding, may claim any size).
// Nor can the data be too short: stb_image refuses data that inflate to fewer bytes than the pixels fill
// ("not enough pixels"), but only after allocating room for all of them, so that a 100-byte PNG claiming
// 7,000×7,000 16-bit RGBA pixels took 392 MB. Deflate turns a byte into at most 1032 (a 258-byte match in
// 2 bits), which bounds what the data can fill.
// Returns why stb_image must not decode the file's image data, or "".
std::string png_data_refusal(const unsigned char* b, std::size_t n, std::size_t w, std::size_t h) {
  static constexpr int kChannels[7] = {1, 0, 3, 1, 2, 0, 4}; // by colour type: grey, -, RGB, palette, grey+alpha, -, RGBA
  std::size_t bits = 0;
  bool first = true;
  std::vector<char> idat;
  const PngWalk walk = for_each_png_chunk(b, n, [&](const unsigned char* type, const unsigned char* data, std::size_t length) {
    if (first) { // IHDR, with its 13 bytes (stb_image refuses anything else)
      first = false;
      if (!is_chunk(type, "IHDR") || length < 13) return false;
      const unsigned colour = data[9];
      bits = std::size_t{data[8]} * (colour < 7 ? kChannels[colour] : 4);
    } else if (is_chunk(type, "IDAT")) {
      idat.insert(idat.end(), data, data + length);
    }
    return true;
  });
  if (walk == PngWalk::past_end) return {}; // png_chunk_past_end() refuses those
  if (idat.empty() || w == 0 || h == 0 || bits == 0) return {}; // stb_image refuses those itself
  const std::string pixels = image_size_text(static_cast<long long>(h), static_cast<long long>(w));
  if (idat.size() * 1032 + 1024 < w * h / 8 * bits) // the fewest bytes they fill, interlaced or not
    return "a corrupt PNG: its " + std::to_string(idat.size()) + " bytes of data cannot hold " + pixels;
  const std::size_t need = h * (1 + (w * bits + 7) / 8) + 7 * (h + 1) + 64; // the interlaced passes' filter bytes and rounding
  std::vector<char> out(need + 1);
  const int got = stbi_zlib_decode_buffer(out.data(), static_cast<int>(out.size()), idat.data(), static_cast<int>(idat.size()));
  if (got < 0 && std::strcmp(stbi_failure_reason(), "output buffer limit") == 0)
    return "a corrupt PNG: its data inflates to more than " + pixels + " need";
  return {};
}

// Debian's stb_image copies each IDAT chunk into a buffer it allocates at the first chunk with data, so an
// empty IDAT chunk before that one is copied to a null pointer (zero bytes, but undefined behaviour; found
// by the fuzz target). The PNG standard allows empty IDAT chunks, so such a file is decoded without them:
// true, with the copy in `out`, when it has one.
bool png_without_early_empty_idat(const unsigned char* b, std::size_t n, std::vector<unsigned char>& out) {
  std::vector<std::size_t> empty_idat; // where each such chunk starts (12 bytes long)
  for_each_png_chunk(b, n, [&](const unsigned char* type, const unsigned char* data, std::size_t length) {
    if (!is_chunk(type, "IDAT")) return true;
    if (length > 0) return false; // stb_image has its buffer from here on
    empty_idat.push_back(static_cast<std::size_t>(data - b) - 8);
    return true;
  }); // a chunk past the end: png_chunk_past_end() refuses the file
  if (empty_idat.empty()) return false;
  out.clear();
  std::size_t kept = 0; // input copied up to here
  for (std::size_t at : empty_idat) {
    out.insert(out.end(), b + kept, b + at);
    kept = std::min(n, at + 12); // a last chunk may lack its CRC
  }
  out.insert(out.end(), b + kept, b + n);
  return true;
}

// "JPEG" or "GIF" for a file stb_image decodes as one (its signature), else null. stb_image allocates all
// it needs for such a picture before reading its data: kStbJpegGifBytesPerPixel per pixel of the header.
const char* jpeg_or_gif(const unsigned char* b, std::size_t n) {
  std::size_t i = 1;
  while (i < n && b[i] == 0xFF) ++i; // fill bytes before SOI, as jpeg_has_oversized_huffman_table
  if (n > 0 && b[0] == 0xFF && i < n && b[i] == 0xD8) return "JPEG";
  if (n >= 6 && std::memcmp(b, "GIF8", 4) == 0) return "GIF";
  return nullptr;
}

// Why stb_image must not see the file, or "".
std::string refused_before_decoding(const unsigned char* b, std::size_t n) {
  if (jpeg_has_oversized_huffman_table(b, n)) return "a corrupt JPEG: a Huffman table with more than 256 codes";
  if (png_chunk_past_end(b, n)) return "a corrupt PNG: a chunk longer than the rest of the file";
  return {};
}

} // namespace

std::string image_size_text(long long h, long long w) { return std::to_string(w) + "×" + std::to_string(h) + " pixels"; }

Expected<DecodedImage> decode_image(const unsigned char* bytes, std::size_t size, long long max_pixels) {
  if (size > kImageMaxBytes) return Error{"the file is too large (" + std::to_string(size >> 20) + " MB; at most 64 MB)"};
  if (!bytes || size == 0) return Error{"the file is empty"};
  if (auto why = refused_before_decoding(bytes, size); !why.empty()) // before stbi_info, which reads JPEG tables too
    return Error{"the picture could not be decoded (" + why + ")"};
  std::vector<unsigned char> cleaned;
  if (png_without_early_empty_idat(bytes, size, cleaned)) {
    bytes = cleaned.data();
    size = cleaned.size();
  }
  int w = 0, h = 0, channels = 0;
  const int len = static_cast<int>(size);
  if (!stbi_info_from_memory(bytes, len, &w, &h, &channels))
    return Error{"it is not an image this playground can read (PNG, JPEG, GIF or BMP)"};
  if (static_cast<long long>(w) * h > max_pixels)
    return Error{"the picture is too large to decode here (" + image_size_text(h, w) + "; at most " +
                 std::to_string(max_pixels / 1'000'000) + " megapixels)"};
  if (w > kMaxImageSide || h > kMaxImageSide) // a few bytes of BMP can claim 8,000,000 × 3
    return Error{"the picture is too large to decode here (" + image_size_text(h, w) + "; at most " +
                 std::to_string(kMaxImageSide) + " on a side)"};
  if (const char* format = jpeg_or_gif(bytes, size)) {
    const Count need = count_mul(count_of(static_cast<int64_t>(w) * h), count_of(kStbJpegGifBytesPerPixel));
    if (auto why = check_memory_budget(std::string("decoding it as ") + format, need); !why.empty())
      return Error{"the picture is too large to decode here (" + image_size_text(h, w) + "; " + why + ")"};
  }
  if (auto why = png_data_refusal(bytes, size, static_cast<std::size_t>(w), static_cast<std::size_t>(h)); !why.empty())
    return Error{"the picture could not be decoded (" + why + ")"};
  unsigned char* pixels = stbi_load_from_memory(bytes, len, &w, &h, &channels, 0);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    return Error{std::string("the picture could not be decoded (") + (why ? why : "unknown reason") + ")"};
  }
  std::unique_ptr<unsigned char, void (*)(void*)> owned(pixels, stbi_image_free);
  const ImageSize fit = fit_within(h, w, kImageMaxSide);
  auto t = image_from_pixels(pixels, h, w, channels, fit.height, fit.width);
  if (!t.ok()) return Error{t.error()};
  return DecodedImage{std::move(t.value()), h, w};
}

} // namespace convplay::app
