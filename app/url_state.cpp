#include "url_state.h"

#include "scene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace convplay::app {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i]; // a stray '%' stays itself, as URLSearchParams does
    }
  }
  return out;
}

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    const size_t end = std::min(v.find(',', start), v.size());
    if (end > start) out.emplace_back(v.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
  return s;
}

} // namespace

UrlPairs parse_url_hash(std::string_view hash) {
  UrlPairs out;
  if (!hash.empty() && hash.front() == '#') hash.remove_prefix(1);
  size_t start = 0;
  while (start <= hash.size()) {
    const size_t end = std::min(hash.find('&', start), hash.size());
    const std::string_view pair = hash.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key = decode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
      if (!key.empty()) out.emplace_back(std::move(key), std::move(value));
    }
    start = end + 1;
  }
  return out;
}

std::string encode_url_component(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~' || c == ',' || c == ':' || c == ';') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

JsonValue url_value_to_json(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  // A decimal number: optional '-', digits, optional fraction, optional exponent; nothing else.
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const size_t digits = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  bool number = i > digits;
  if (number && i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    number = i > frac;
  }
  if (number && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const size_t exp = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    number = i > exp;
  }
  if (number && i == text.size()) {
    const double v = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isfinite(v)) return v;
  }
  return std::string(text);
}

std::string json_to_url_value(const JsonValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const double* d = std::get_if<double>(&value)) {
    char buf[40];
    if (*d == std::floor(*d) && std::fabs(*d) < 1e15) {
      std::snprintf(buf, sizeof buf, "%.0f", *d);
    } else {
      for (int precision = 6; precision <= 17; ++precision) { // shortest text that reads back the same
        std::snprintf(buf, sizeof buf, "%.*g", precision, *d);
        if (std::strtod(buf, nullptr) == *d) break;
      }
    }
    return buf;
  }
  if (const std::string* s = std::get_if<std::string>(&value)) return *s;
  return "";
}

bool AuthorOptions::hidden(std::string_view key) const { return std::find(hide.begin(), hide.end(), key) != hide.end(); }
bool AuthorOptions::locked(std::string_view key) const { return std::find(lock.begin(), lock.end(), key) != lock.end(); }

bool is_author_key(std::string_view key) {
  return key == "nav" || key == "theme" || key == "play" || key == "hide" || key == "lock";
}

std::string apply_author_option(AuthorOptions& o, std::string_view key, std::string_view value) {
  auto flag = [&](bool& out) -> std::string {
    if (value == "1" || value == "true" || value.empty()) out = true;
    else if (value == "0" || value == "false") out = false;
    else return std::string(key) + " must be 0 or 1";
    return {};
  };
  if (key == "nav") return flag(o.nav);
  if (key == "play") return flag(o.play);
  if (key == "theme") {
    if (value != "light" && value != "dark") return "theme must be light or dark";
    o.dark = value == "dark";
    return {};
  }
  if (key == "hide" || key == "lock") {
    auto items = split_list(value);
    if (items.size() > 64) return std::string(key) + " lists more than 64 names";
    for (const auto& i : items)
      if (i.size() > 40 || i.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        return std::string(key) + ": '" + message_excerpt(i) + "' is not a control name";
    (key == "hide" ? o.hide : o.lock) = std::move(items);
    return {};
  }
  return "unknown option " + message_excerpt(key);
}

void write_author_options(const AuthorOptions& o, UrlPairs& out) {
  if (!o.nav) out.emplace_back("nav", "0");
  if (o.dark) out.emplace_back("theme", "dark");
  if (o.play) out.emplace_back("play", "1");
  if (!o.hide.empty()) out.emplace_back("hide", join_list(o.hide));
  if (!o.lock.empty()) out.emplace_back("lock", join_list(o.lock));
}

std::string embed_snippet(std::string_view link, std::string_view scene_title, EmbedSize size) {
  auto attribute = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '"') out += "&quot;";
      else if (c == '<') out += "&lt;";
      else if (c == '>') out += "&gt;";
      else out += c; // '&' stays: hashes read "a=1&b=2", which HTML takes as it is
    }
    return out;
  };
  return "<iframe src=\"" + attribute(link) + "\" title=\"Convolution Playground: " + attribute(scene_title) +
         "\" width=\"" + std::to_string(size.width) + "\" height=\"" + std::to_string(size.height) +
         "\" loading=\"lazy\" allow=\"cross-origin-isolated\" style=\"border:0;max-width:100%\"></iframe>";
}

AuthorOptions embed_defaults(const AuthorOptions& page) {
  AuthorOptions o = page;
  o.nav = false;
  return o;
}

std::string join_url_pairs(const UrlPairs& pairs) {
  std::string s;
  for (const auto& [k, v] : pairs) s += (s.empty() ? "" : "&") + encode_url_component(k) + "=" + encode_url_component(v);
  return s;
}

Scene* find_scene(const std::vector<std::unique_ptr<Scene>>& scenes, std::string_view id, std::string& error) {
  for (auto& s : scenes)
    if (id == s->id()) return s.get();
  std::string known;
  for (auto& s : scenes) known += (known.empty() ? "" : ", ") + std::string(s->id());
  error = "unknown scene '" + message_excerpt(id) + "' (known: " + known + ")";
  return nullptr;
}

std::string scene_url_hash(const Scene& scene, const AuthorOptions& author) {
  UrlPairs pairs{{"scene", scene.id()}};
  for (const ParamValue& p : scene.parameters())
    if (p.hashed) pairs.emplace_back(p.spec->key, json_to_url_value(p.value));
  write_author_options(author, pairs);
  return join_url_pairs(pairs);
}

std::string load_url_hash(std::string_view hash, const std::vector<std::unique_ptr<Scene>>& scenes, Scene*& current,
                          AuthorOptions& author) {
  std::vector<std::string> problems;
  AuthorOptions options;
  JsonObject scene_keys;
  std::string scene_id;
  for (const auto& [key, value] : parse_url_hash(hash)) {
    if (key == "scene") scene_id = value;
    else if (is_author_key(key)) {
      if (auto e = apply_author_option(options, key, value); !e.empty()) problems.push_back(e);
    } else if (key == "notice" || key == "hash") {
      problems.push_back("'" + key + "' cannot be set");
    } else {
      scene_keys[key] = url_value_to_json(value);
    }
  }
  if (!scene_id.empty()) {
    std::string error;
    if (Scene* s = find_scene(scenes, scene_id, error)) current = s;
    else problems.push_back(error);
  }
  author = options;
  // All keys at once (they may depend on each other); if that fails, each on its own, so that one bad
  // value costs only itself.
  if (!scene_keys.empty() && !current->apply_state(scene_keys).empty()) {
    for (const auto& [key, value] : scene_keys)
      if (auto e = current->apply_state(JsonObject{{key, value}}); !e.empty()) problems.push_back(e);
  }
  if (author.play) (void)current->apply_state(JsonObject{{"playing", true}}); // scenes without animation refuse it
  std::string notice;
  for (const auto& p : problems) notice += (notice.empty() ? "" : "; ") + p;
  if (!notice.empty()) notice = "The address asked for something this version cannot show (defaults used): " + notice;
  return notice;
}

} // namespace convplay::app
