// What the fuzz targets share: a property check that stops the run (libFuzzer then saves the input as
// a reproducer), and the rule every refusal follows.
#pragma once
#include <cstdio>
#include <string_view>

// Stops with the failed property on stderr; __builtin_trap() makes libFuzzer write the input to a file.
#define FUZZ_REQUIRE(cond)                                                                       \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);    \
      __builtin_trap();                                                                          \
    }                                                                                            \
  } while (0)

// A refusal says why: not empty, not Expected's placeholder for a missing message, and short enough to show
// (a message that echoes hostile input must cut it).
inline bool good_refusal(std::string_view message, std::size_t max_length = 600) {
  return !message.empty() && message != "unknown error" && message.size() <= max_length;
}
