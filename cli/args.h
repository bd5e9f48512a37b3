// Command-line parsing for convplay: options of the form --name value, --name=value or --flag.
// Every mistake is an error string (the caller prints it on one line and exits with status 2).
#pragma once
#include <convplay/tensor.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace convplay::cli {

struct OptionSpec {
  std::set<std::string> with_value; // e.g. "stride"
  std::set<std::string> flags;      // e.g. "flip"
};

struct Options {
  std::string command;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// argv[0] is the command (shape, conv, pool); the rest are options.
Expected<Options> parse_options(const std::vector<std::string>& args, const OptionSpec& spec);

// "--stride": an integer in [lo, hi].
Expected<int64_t> parse_int(const std::string& option, const std::string& text, int64_t lo, int64_t hi);
// "3" or "2,3" (or "2x3" when sep is 'x'): 1..max_count integers in [lo, hi], separated by sep.
Expected<std::vector<int64_t>> parse_ints(const std::string& option, const std::string& text, char sep,
                                          size_t min_count, size_t max_count, int64_t lo, int64_t hi);

} // namespace convplay::cli
