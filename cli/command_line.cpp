#include "command_line.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace convplay::cli {
namespace {

std::string bare(const std::string& name) { return name.substr(name.find_first_not_of('-')); } // "--reps" → "reps"

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The app and the subcommand the user chose (convplay conv), where its options are.
std::vector<CLI::App*> chosen(CLI::App& app) {
  std::vector<CLI::App*> apps{&app};
  for (size_t i = 0; i < apps.size(); ++i)
    for (CLI::App* sub : apps[i]->get_subcommands()) apps.push_back(sub);
  return apps;
}

std::string command_path(CLI::App& app) {
  std::string path;
  for (CLI::App* a : chosen(app)) path += (path.empty() ? "" : " ") + a->get_name();
  return path;
}

// CLI11 says "--stride: 1 required TEXT missing" and "--stride: At Most 1 required but received 2".
std::string mismatch_message(CLI::App& app, const CLI::ArgumentMismatch& e) {
  for (CLI::App* a : chosen(app))
    for (const CLI::Option* o : a->get_options())
      if (o->count() > 1) return "option " + o->get_name() + " is given twice";
  const std::string what = e.what();
  const size_t colon = what.find(':');
  if (colon != std::string::npos && what.rfind("--", 0) == 0) return "option " + what.substr(0, colon) + " needs a value";
  return what;
}

// CLI11 says "Could not convert: --json = yes" for a flag given a value it cannot read as true or false.
std::string conversion_message(const CLI::ConversionError& e) {
  const std::string what = e.what();
  const size_t at = what.find("--"), eq = what.find(" = ");
  if (at == std::string::npos || eq == std::string::npos || eq < at) return what;
  return "option " + what.substr(at, eq - at) + " takes no value (got '" + what.substr(eq + 3) + "')";
}

} // namespace

int run(CLI::App& app, const std::string& program, int argc, char** argv, const std::function<int()>& body) {
  auto fail = [&](std::string line) {
    for (char& ch : line)
      if (ch == '\n' || ch == '\r') ch = ' ';
    std::cerr << program << ": " << line << "\n";
    return 2;
  };
  // Unknown arguments are collected, then reported with a clearer message than CLI11's.
  app.allow_extras();
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->allow_extras();
  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::cout << app.help();
      return 0;
    } catch (const CLI::ArgumentMismatch& e) {
      return fail(mismatch_message(app, e));
    } catch (const CLI::ConversionError& e) { // numbers are read as text here: only a flag given a value
      return fail(conversion_message(e));
    } catch (const CLI::ParseError& e) {
      return fail(e.what());
    }
    const std::vector<std::string> extra = app.remaining(true);
    if (!extra.empty()) {
      const std::string& a = extra.front();
      if (a.size() > 1 && a[0] == '-')
        return fail("unknown option " + a.substr(0, a.find('=')) + " (" + command_path(app) + " --help lists the options)");
      return fail("unexpected argument '" + a + "' (options start with --)");
    }
    return body();
  } catch (const Failure& f) {
    return fail(f.message);
  } catch (const std::exception& e) { // e.g. std::bad_alloc on a huge but legal array
    return fail(e.what());
  }
}

CLI::Option* add_int(CLI::App& app, const std::string& name, int64_t& target, int64_t lo, int64_t hi, const std::string& help) {
  return app.add_option_function<std::string>(
             name, [&target, name, lo, hi](const std::string& text) { target = need(parse_int(bare(name), text, lo, hi)); }, help)
      ->type_name("INT");
}

CLI::Option* add_real(CLI::App& app, const std::string& name, double& target, double lo, double hi, const std::string& help,
                      bool lo_allowed) {
  return app.add_option_function<std::string>(
      name, [&target, name, lo, hi, lo_allowed](const std::string& text) { target = need(parse_real(bare(name), text, lo, hi, lo_allowed)); },
      help)
      ->type_name("NUMBER");
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

Expected<double> parse_real(const std::string& option, const std::string& text, double lo, double hi, bool lo_allowed) {
  char* end = nullptr;
  const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  // strtod also reads hex ("0x10"), "inf" and "nan": a number here is decimal and finite.
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || text.find_first_of("xXnN") != std::string::npos)
    return Error{"--" + option + ": '" + text + "' is not a number"};
  if (!(lo_allowed ? v >= lo : v > lo) || v > hi)
    return Error{"--" + option + ": " + text + " is out of range (" + (lo_allowed ? "" : "above ") + number_text(lo) +
                 (lo_allowed ? " to " : ", at most ") + number_text(hi) + ")"};
  return v;
}

Expected<std::vector<int64_t>> parse_ints(const std::string& option, const std::string& text, char sep,
                                          size_t min_count, size_t max_count, int64_t lo, int64_t hi) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(sep, start);
    const std::string piece = text.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
    if (piece.empty() && text.size() > 0)
      return Error{"--" + option + ": '" + text + "' has an empty number (numbers separated by '" + std::string(1, sep) + "')"};
    auto v = parse_int(option, piece, lo, hi);
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
