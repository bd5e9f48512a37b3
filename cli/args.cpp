#include "args.h"

#include <cerrno>
#include <cstdlib>

namespace convplay::cli {

Expected<Options> parse_options(const std::vector<std::string>& args, const OptionSpec& spec) {
  Options o;
  if (args.empty()) return Error{"no command given (shape, conv or pool); try convplay --help"};
  o.command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0)
      return Error{"unexpected argument '" + a + "' (options start with --)"};
    std::string name = a.substr(2), value;
    bool inline_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (spec.flags.count(name)) {
      if (inline_value) return Error{"option --" + name + " takes no value"};
      o.flags.insert(name);
    } else if (spec.with_value.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) return Error{"option --" + name + " needs a value"};
        value = args[++i];
      }
      if (o.values.count(name)) return Error{"option --" + name + " is given twice"};
      o.values[name] = value;
    } else {
      return Error{"unknown option --" + name + " for '" + o.command + "'"};
    }
  }
  return o;
}

Expected<int64_t> parse_int(const std::string& option, const std::string& text, int64_t lo, int64_t hi) {
  if (text.empty()) return Error{"--" + option + ": empty value"};
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0') return Error{"--" + option + ": '" + text + "' is not an integer"};
  if (errno == ERANGE) return Error{"--" + option + ": '" + text + "' is too large"};
  if (v < lo || v > hi)
    return Error{"--" + option + ": " + text + " is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")"};
  return static_cast<int64_t>(v);
}

Expected<std::vector<int64_t>> parse_ints(const std::string& option, const std::string& text, char sep,
                                          size_t min_count, size_t max_count, int64_t lo, int64_t hi) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(sep, start);
    auto v = parse_int(option, text.substr(start, pos == std::string::npos ? std::string::npos : pos - start), lo, hi);
    if (!v) return Error{v.error()};
    out.push_back(*v);
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  if (out.size() < min_count || out.size() > max_count)
    return Error{"--" + option + ": '" + text + "' should have " +
                 (min_count == max_count ? std::to_string(min_count) : std::to_string(min_count) + " to " + std::to_string(max_count)) +
                 " numbers separated by '" + std::string(1, sep) + "'"};
  return out;
}

} // namespace convplay::cli
