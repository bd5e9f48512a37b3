// WebAssembly under Node: a data file's bytes, a .gz one inflated by Node's zlib (the core has no zlib
// there). The only Emscripten code of the trainer.
#include <convplay/dataset.h>

#include <emscripten.h>

#include <cstdlib>
#include <string>

// Reads path with Node's fs (inflating gzip data with zlib) into a malloc'ed buffer; *size = its bytes, or
// -1 with the buffer holding the error message (NUL-terminated).
EM_JS(char*, convplay_node_read, (const char* path, int* size), {
  let bytes;
  try {
    const name = UTF8ToString(path);
    bytes = require('fs').readFileSync(name);
    if (bytes.length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes = require('zlib').gunzipSync(bytes);
  } catch (e) {
    const msg = String(e.message || e);
    const len = lengthBytesUTF8(msg) + 1;
    const p = _malloc(len);
    stringToUTF8(msg, p, len);
    HEAP32[size >> 2] = -1;
    return p;
  }
  const p = _malloc(bytes.length);
  HEAPU8.set(bytes, p);
  HEAP32[size >> 2] = bytes.length;
  return p;
});

convplay::Expected<std::string> node_read_data_file(const std::string& path) {
  int size = 0;
  char* p = convplay_node_read(path.c_str(), &size);
  if (!p) return convplay::Error{"cannot read " + path + ": out of memory"};
  if (size < 0) {
    std::string msg = p;
    std::free(p);
    return convplay::Error{"cannot open " + path + ": " + msg};
  }
  std::string bytes(p, static_cast<size_t>(size));
  std::free(p);
  return bytes;
}
