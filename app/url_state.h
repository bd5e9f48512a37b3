// The state in the page address: "#scene=params&input=32x32x3&kernel=5&nav=0". Plain key=value pairs
// (as URLSearchParams reads them: '&' between pairs, percent-encoding, '+' for a space). Values are typed by
// their text: true/false are booleans, a decimal number is a number, anything else is a string. Nothing
// here touches the page: the loader passes the hash in and writes the result back with replaceState().
#pragma once
#include <convplay/json.h>
#include <convplay/tensor.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace convplay::app {

class Scene;

using UrlPairs = std::vector<std::pair<std::string, std::string>>;

UrlPairs parse_url_hash(std::string_view hash);   // a leading '#' is skipped; empty keys are dropped
std::string encode_url_component(std::string_view text); // keeps A–Z a–z 0–9 - _ . ~ , : ; percent-encodes the rest
JsonValue url_value_to_json(std::string_view text);      // "true" → true, "12.5" → 12.5, "x" → "x"
std::string json_to_url_value(const JsonValue& value);   // the inverse (numbers shortest round-trip)

// Options for course authors, read from the same hash. Unknown names in hide/lock are kept (a scene asks
// for them by its own control keys).
struct AuthorOptions {
  bool nav = true;           // nav=0: no scene list
  bool dark = false;         // theme=dark|light
  bool play = false;         // play=1: start the scene's animation
  std::vector<std::string> hide; // hide=intro,stride: panels and controls not shown
  std::vector<std::string> lock; // lock=k,n: controls shown but not changeable
  bool hidden(std::string_view key) const;
  bool locked(std::string_view key) const;
  bool any() const { return !nav || dark || play || !hide.empty() || !lock.empty(); }
};
// Keys the application reads itself (not the scene's).
bool is_author_key(std::string_view key);
// Applies one author key; "" or a message ("theme must be light or dark").
std::string apply_author_option(AuthorOptions& options, std::string_view key, std::string_view value);
void write_author_options(const AuthorOptions& options, UrlPairs& out);

// An iframe for a course page: `link` (the page's address with its hash), titled after the scene, lazy, at
// `size` CSS pixels (max-width 100%, so a narrow column shrinks it). Attribute text is HTML-escaped.
struct EmbedSize {
  int width = 800, height = 520;
};
std::string embed_snippet(std::string_view link, std::string_view scene_title, EmbedSize size);
// The author options the Share menu starts an embed with: this page's, without the scene list (nav=0),
// so the student stays on the scene the course page is about.
AuthorOptions embed_defaults(const AuthorOptions& page);

std::string join_url_pairs(const UrlPairs& pairs); // "a=1&b=x%20y" (no '#')

// The scene with this id, or nullptr and `error` = "unknown scene 'x' (known: modes, ...)".
Scene* find_scene(const std::vector<std::unique_ptr<Scene>>& scenes, std::string_view id, std::string& error);
// The address of a scene: "scene=modes&h=5&…" (the scene, its parameters, the author's options).
std::string scene_url_hash(const Scene& scene, const AuthorOptions& author);
// Reads an address: picks the scene (`current`; unchanged if the hash names none), applies its
// parameters and sets `author`. What it cannot use falls back to the defaults and is listed in the
// returned notice ("" if everything was used). Never fails as a whole.
std::string load_url_hash(std::string_view hash, const std::vector<std::unique_ptr<Scene>>& scenes, Scene*& current,
                          AuthorOptions& author);

} // namespace convplay::app
