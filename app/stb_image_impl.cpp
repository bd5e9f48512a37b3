// Debian's stb_image (libstb-dev, 2.27), compiled once for the app: the only decoder of dropped pictures,
// called only from image_decode.cpp, which checks each file before stb_image sees it. Only the formats a
// student is likely to have.
//
// In a sanitizer build this file is compiled with UBSan's shift-exponent check off (app/CMakeLists.txt).
// stb_image 2.27's JPEG reader lets its bit count go negative when a marker interrupts a scan whose data
// are short, and its next refill then shifts by 32 or more (stbi__grow_buffer_unsafe,
// `b << (24 - code_bits)`; found by tests/fuzz/fuzz_image_decode.cpp, seed
// regression_jpeg_bits_short_at_marker.jpg). The shifted byte is always 0 there: after the marker stb_image
// reads no more bytes and refills with zeros, as later stb_image versions do explicitly, and the scan fails
// or ends with zero bits. The other UBSan checks stay on for this file.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#include <stb_image.h>
