// The address hash (app/url_state.cpp): "#scene=modes&k=3&nav=0&lock=k". Properties: the pairs read from a
// hash write back (join_url_pairs) to a hash that reads the same pairs; a value typed from its text
// (url_value_to_json) prints back (json_to_url_value) to a text typed the same; the author options that
// are accepted write back to pairs that set the same options; refusals say why; the lists stay in bounds.
#include "fuzz_support.h"

#include "url_state.h"

#include <cmath>
#include <cstdint>

using namespace convplay;
using namespace convplay::app;

namespace {
bool same_options(const AuthorOptions& a, const AuthorOptions& b) {
  return a.nav == b.nav && a.dark == b.dark && a.play == b.play && a.hide == b.hide && a.lock == b.lock;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view hash(reinterpret_cast<const char*>(data), size);
  const UrlPairs pairs = parse_url_hash(hash);
  for (const auto& [key, value] : pairs) FUZZ_REQUIRE(!key.empty());

  const std::string joined = join_url_pairs(pairs);
  FUZZ_REQUIRE(joined.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~,:;%=&") ==
               std::string::npos);
  FUZZ_REQUIRE(parse_url_hash(joined) == pairs);
  FUZZ_REQUIRE(parse_url_hash("#" + joined) == pairs);

  AuthorOptions options;
  for (const auto& [key, value] : pairs) {
    const JsonValue typed = url_value_to_json(value);
    const std::string printed = json_to_url_value(typed);
    FUZZ_REQUIRE(url_value_to_json(printed) == typed);
    if (std::holds_alternative<std::string>(typed)) FUZZ_REQUIRE(printed == value);
    if (std::holds_alternative<bool>(typed)) FUZZ_REQUIRE(printed == value);
    if (const double* d = std::get_if<double>(&typed)) FUZZ_REQUIRE(std::isfinite(*d));

    if (!is_author_key(key)) continue;
    const AuthorOptions before = options;
    if (auto e = apply_author_option(options, key, value); !e.empty()) {
      FUZZ_REQUIRE(good_refusal(e));
      FUZZ_REQUIRE(same_options(options, before)); // a refused option changes nothing
    }
  }
  for (const auto* list : {&options.hide, &options.lock}) {
    FUZZ_REQUIRE(list->size() <= 64);
    for (const auto& name : *list)
      FUZZ_REQUIRE(!name.empty() && name.size() <= 40 &&
                   name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
  }
  UrlPairs written;
  write_author_options(options, written);
  AuthorOptions again;
  for (const auto& [key, value] : parse_url_hash(join_url_pairs(written))) {
    FUZZ_REQUIRE(is_author_key(key));
    FUZZ_REQUIRE(apply_author_option(again, key, value).empty());
  }
  FUZZ_REQUIRE(same_options(again, options));
  return 0;
}
