// The address hash: parsing and encoding (as URLSearchParams does), value typing, author options, and
// a scene's parameters round-tripping through it.
#include <catch2/catch.hpp>

#include "scene.h"
#include "url_state.h"

using namespace convplay;
using namespace convplay::app;

TEST_CASE("url hash: pairs, percent-encoding and '+' as space", "[url]") {
  const UrlPairs p = parse_url_hash("#scene=modes&n=7&&title=a+b%20c&flag&=x&bad=%zz");
  REQUIRE(p.size() == 5);
  CHECK(p[0] == std::pair<std::string, std::string>{"scene", "modes"});
  CHECK(p[1].second == "7");
  CHECK(p[2].second == "a b c");
  CHECK(p[3] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(p[4].second == "%zz"); // a stray % stays
  CHECK(encode_url_component("a b&c=d<script>") == "a%20b%26c%3Dd%3Cscript%3E");
  CHECK(encode_url_component("conv6k5,relu:1;x") == "conv6k5,relu:1;x");
  CHECK(parse_url_hash("#" + join_url_pairs({{"t", "x&y=z #"}})).at(0).second == "x&y=z #");
}

TEST_CASE("url hash: values are typed by their text", "[url]") {
  CHECK(std::get<bool>(url_value_to_json("true")) == true);
  CHECK(std::get<bool>(url_value_to_json("false")) == false);
  CHECK(std::get<double>(url_value_to_json("12")) == 12.0);
  CHECK(std::get<double>(url_value_to_json("-0.25")) == -0.25);
  CHECK(std::get<double>(url_value_to_json("1e3")) == 1000.0);
  for (const char* text : {"32x32x3", "1,0,-1", "12abc", "", ".5", "1.", "nan", "inf", "0x10", "--1"})
    CHECK(std::get<std::string>(url_value_to_json(text)) == text);
  CHECK(json_to_url_value(JsonValue{0.1}) == "0.1");
  CHECK(json_to_url_value(JsonValue{64.0}) == "64");
  CHECK(json_to_url_value(JsonValue{true}) == "true");
  CHECK(std::get<double>(url_value_to_json(json_to_url_value(JsonValue{1.0 / 3.0}))) == 1.0 / 3.0);
}

TEST_CASE("url hash: author options", "[url]") {
  AuthorOptions o;
  CHECK(apply_author_option(o, "nav", "0").empty());
  CHECK(apply_author_option(o, "theme", "dark").empty());
  CHECK(apply_author_option(o, "hide", "intro,stride").empty());
  CHECK(apply_author_option(o, "lock", "k").empty());
  CHECK(!o.nav);
  CHECK(o.dark);
  CHECK(o.hidden("intro"));
  CHECK(!o.hidden("k"));
  CHECK(o.locked("k"));
  CHECK(apply_author_option(o, "theme", "purple") == "theme must be light or dark");
  CHECK(apply_author_option(o, "nav", "maybe") == "nav must be 0 or 1");
  CHECK(apply_author_option(o, "hide", "a,<b>") == "hide: '<b>' is not a control name");
  UrlPairs out;
  write_author_options(o, out);
  CHECK(join_url_pairs(out) == "nav=0&theme=dark&hide=intro,stride&lock=k");
}

TEST_CASE("url hash: every scene's parameters are keys of its state and survive the round trip", "[url]") {
  for (auto& scene : make_scenes()) {
    INFO("scene " << scene->id());
    JsonWriter w;
    scene->write_state(w);
    JsonObject state;
    std::string error;
    REQUIRE(parse_flat_json_object(w.str(), state, error));
    std::vector<std::string> keys;
    for (const ParamValue& p : scene->parameters())
      if (p.hashed) keys.push_back(p.spec->key);
    CHECK(!keys.empty());
    JsonObject params;
    for (const auto& k : keys) {
      INFO("key " << k);
      REQUIRE(state.count(k) == 1);
      // Through the text of the address and back.
      params[k] = url_value_to_json(json_to_url_value(state.at(k)));
    }
    CHECK(scene->apply_state(params) == "");
    JsonWriter again;
    scene->write_state(again);
    CHECK(again.str() == w.str());
  }
}

TEST_CASE("a 10,000-character key or scene in the address is cut in the notice", "[url]") {
  auto scenes = make_scenes();
  Scene* current = scenes.front().get();
  AuthorOptions author;
  const std::string long_key(10000, 'x');
  std::string notice = load_url_hash("scene=modes&" + long_key + "=1", scenes, current, author);
  CHECK(notice.find("xxxxxxxxxx…") != std::string::npos);
  CHECK(notice.size() < 300);
  notice = load_url_hash("scene=" + long_key, scenes, current, author);
  CHECK(notice.find("…") != std::string::npos);
  CHECK(notice.size() < 400);
  CHECK(message_excerpt("short") == "short");
  CHECK(message_excerpt("ab\xC3\xA9" "cd", 3) == "ab…"); // not inside the two bytes of é
}

TEST_CASE("Share: the embed snippet has nav=0 by default, the author's options, the size and escaped text", "[url][share]") {
  auto scenes = make_scenes();
  std::string error;
  const Scene* found = find_scene(scenes, "params", error);
  REQUIRE(found);
  const Scene& params = *found;
  AuthorOptions page; // the full page: scene list shown
  page.dark = true;
  const AuthorOptions embed = embed_defaults(page);
  CHECK_FALSE(embed.nav);
  CHECK(embed.dark); // the page's other options carry over
  const std::string hash = scene_url_hash(params, embed);
  CHECK(hash.find("nav=0") != std::string::npos);
  CHECK(hash.find("theme=dark") != std::string::npos);
  CHECK(scene_url_hash(params, page).find("nav=") == std::string::npos);

  AuthorOptions author = embed;
  author.play = true;
  author.hide = {"intro", "controls"};
  author.lock = {"k"};
  const std::string snippet = embed_snippet("https://x.org/cp/index.html#" + scene_url_hash(params, author), params.title(), {800, 520});
  CHECK(snippet.rfind("<iframe src=\"https://x.org/cp/index.html#scene=params&", 0) == 0);
  for (const char* part : {"nav=0", "play=1", "hide=intro,controls", "lock=k", "width=\"800\"", "height=\"520\"", "loading=\"lazy\"",
                           "title=\"Convolution Playground: Parameter sharing\""})
    CHECK(snippet.find(part) != std::string::npos);
  // The options read back from the snippet's hash are the author's.
  const std::string back = snippet.substr(snippet.find('#') + 1, snippet.find('"', snippet.find('#')) - snippet.find('#') - 1);
  AuthorOptions read;
  for (const auto& [k, v] : parse_url_hash(back))
    if (is_author_key(k)) CHECK(apply_author_option(read, k, v).empty());
  CHECK_FALSE(read.nav);
  CHECK(read.play);
  CHECK(read.hidden("controls"));
  CHECK(read.locked("k"));
  // Quotes and angle brackets in a title or link cannot end the attribute.
  const std::string odd = embed_snippet("a\"b<c>", "x\" onload=\"y", {600, 400});
  CHECK(odd.find("a&quot;b&lt;c&gt;") != std::string::npos);
  CHECK(odd.find("x&quot; onload=&quot;y") != std::string::npos);
  CHECK(odd.find("width=\"600\" height=\"400\"") != std::string::npos);
}
