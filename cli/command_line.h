// The command line of every convplay program (convplay, convplay-bench, convplay train, convplay_app):
// CLI11 (Debian's libcli11-dev) parses, --help prints the usage it generates, and any bad input is one
// line "<program>: <message>" on stderr with exit status 2. Numbers are parsed here, strictly: decimal,
// the whole text, in range ("5x", "0x10", "1e3" for an integer are refused, not read as 5, 16 or 1).
#pragma once
#include <convplay/tensor.h>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace convplay::cli {

// Bad input found after parsing: thrown, then reported by run() as one line.
struct Failure {
  std::string message;
};
template <class T> T need(Expected<T> e) {
  if (!e) throw Failure{e.error()};
  return std::move(e).value();
}

// Parses argv (argv[0] is the program's name) into app, then calls body. Returns body's status; 0 after
// --help (the usage on stdout); 2 after a parse error, a Failure or another exception, written as one
// line "<program>: <message>" on stderr. Unknown options and stray arguments are errors.
int run(CLI::App& app, const std::string& program, int argc, char** argv, const std::function<int()>& body);

// --name N: an integer in [lo, hi] into target (left as it is when the option is not given). Other
// settings (an environment default with ->envname()) go through the same check.
CLI::Option* add_int(CLI::App& app, const std::string& name, int64_t& target, int64_t lo, int64_t hi, const std::string& help);
// --name X: a finite decimal number ("1e-3", "0.01"; not hex, inf or nan) in [lo, hi] into target
// ((lo, hi] when lo_allowed is false).
CLI::Option* add_real(CLI::App& app, const std::string& name, double& target, double lo, double hi, const std::string& help,
                      bool lo_allowed = true);

// "--stride", "3": an integer in [lo, hi] (the option name is for the message).
Expected<int64_t> parse_int(const std::string& option, const std::string& text, int64_t lo, int64_t hi);
// A finite decimal number, the whole text, in [lo, hi] ((lo, hi] when lo_allowed is false).
Expected<double> parse_real(const std::string& option, const std::string& text, double lo, double hi, bool lo_allowed = true);
// "3" or "2,3" (or "2x3" when sep is 'x'): min_count..max_count integers in [lo, hi], separated by sep.
Expected<std::vector<int64_t>> parse_ints(const std::string& option, const std::string& text, char sep,
                                          size_t min_count, size_t max_count, int64_t lo, int64_t hi);

} // namespace convplay::cli
