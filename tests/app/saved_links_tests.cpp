// Addresses saved from the scenes as they were before the parameter tables (each scene at its defaults,
// with other values, and the shorthands "n", "k", "pad" and "preset"): each must still open the same
// scene with the same values, and the scene's own address must read back to the same state.
#include <catch2/catch.hpp>

#include "scene.h"
#include "url_state.h"

using namespace convplay;
using namespace convplay::app;

namespace {

struct SavedLink {
  const char* hash;     // as a student or a course page saved it
  const char* expected; // "key=value&…" that state() must then hold (values as the address writes them)
};

const SavedLink kLinks[] = {
    {"scene=modes&dims=2&h=5&w=5&kh=3&kw=3&stride=1&dilation=1&padding=valid&pad_h=1&pad_w=1&flip=false&op=conv&speed=2",
     "dims=2&h=5&w=5&kh=3&kw=3&stride=1&dilation=1&padding=valid&pad_h=1&pad_w=1&flip=false&op=conv&speed=2&out_h=3&out_w=3"},
    {"scene=modes&dims=1&h=5&w=9&kh=3&kw=4&stride=2&dilation=2&padding=full&pad_h=1&pad_w=1&flip=true&op=conv&speed=5",
     "dims=1&w=9&kw=4&stride=2&dilation=2&padding=full&flip=true&op=conv&speed=5&out_h=1&out_w=8&output=0,3,8,7,3,5,7,3"},
    {"scene=modes&dims=2&h=3&w=4&kh=3&kw=2&stride=2&dilation=1&padding=valid&pad_h=1&pad_w=0&flip=false&op=transposed&speed=2",
     "h=3&w=4&kh=3&kw=2&stride=2&pad_h=1&pad_w=0&op=transposed&out_h=5&out_w=8"},
    {"scene=modes&n=7&k=3&pad=2&padding=explicit&stride=2", "h=7&w=7&kh=3&kw=3&pad_h=2&pad_w=2&padding=explicit&out_h=5&out_w=5"},
    {"scene=matmul&dims=1&n=4&k=2&stride=1&padding=valid&layer_size=16&layer_c=3&layer_m=16&layer_k=3",
     "dims=1&n=4&k=2&stride=1&padding=valid&layer_size=16&layer_c=3&layer_m=16&layer_k=3&rows=3&cols=4&nonzeros=6"},
    {"scene=matmul&dims=2&n=5&k=3&stride=2&padding=same&layer_size=32&layer_c=4&layer_m=8&layer_k=5",
     "dims=2&n=5&k=3&stride=2&padding=same&layer_size=32&layer_c=4&layer_m=8&layer_k=5&rows=9&cols=25&nonzeros=49"},
    {"scene=params&h=32&w=32&c=3&filters=64&k=5&stride=1&padding=valid&bias=true",
     "h=32&w=32&c=3&filters=64&k=5&stride=1&padding=valid&bias=true&out_h=28&conv_weights=4800&dense_weights=154140672"},
    {"scene=params&h=224&w=200&c=3&filters=96&k=11&stride=4&padding=same&bias=false",
     "h=224&w=200&c=3&filters=96&k=11&stride=4&padding=same&bias=false&out_h=56&out_w=50&conv_parameters=34848"},
    {"scene=color&image=cat&size=64&k=3&kernel=red&bias=0&padding=valid&step=0",
     "image=cat&size=64&k=3&kernel=red&bias=0&padding=valid&step=0&out_h=41&out_w=62&weight_count=27"},
    {"scene=color&image=circles&size=48&k=5&kernel=edges&bias=0.25&padding=same&step=7",
     "image=circles&size=48&k=5&kernel=edges&bias=0.25&padding=same&step=7&out_h=24&out_w=48"},
    {"scene=color&image=cat&size=64&k=1&kernel=custom&bias=0&padding=valid&step=0&weights=1;%20-0.5;%200.25",
     "k=1&kernel=custom&weights=1;%20-0.5;%200.25&weight_count=3&parameters=4"},
    {"scene=features&image=cat&size=64&channels=1&k=3&maps=4&filters=sobel_x,sobel_y,gaussian,laplacian&biases=0,0,0,0&act=relu&view=side&padding=valid&map=0&row=0&col=0",
     "image=cat&size=64&channels=1&k=3&maps=4&filters=sobel_x,sobel_y,gaussian,laplacian&biases=0,0,0,0&act=relu&view=side&padding=valid&map=0&row=0&col=0&out_h=41&out_w=62&parameters=40"},
    {"scene=features&image=circles&size=40&channels=3&k=5&maps=3&filters=gaussian,sobel_x,box&biases=0.5,0,-1&act=tanh&view=stack&padding=same&map=1&row=2&col=3",
     "image=circles&size=40&channels=3&k=5&maps=3&filters=gaussian,sobel_x,box&biases=0.5,0,-1&act=tanh&view=stack&padding=same&map=1&row=2&col=3&out_h=20&out_w=40&w_shape=3×5×5×3"},
    {"scene=features&image=cat&size=64&channels=1&k=3&maps=2&filters=custom,identity&biases=0,0&act=relu&view=side&padding=valid&map=0&row=0&col=0&custom=0,1,0,1,-4,1,0,1,0",
     "maps=2&filters=custom,identity&custom=0,1,0,1,-4,1,0,1,0&parameters=20"},
    {"scene=pooling&op=max&input=digits&h=6&w=6&size=2&stride=2&padding=0&count_pad=true&values=&speed=2",
     "op=max&input=digits&h=6&w=6&size=2&stride=2&padding=0&count_pad=true&values=&speed=2&output=9%208%205;%206%209%207;%208%209%206"},
    {"scene=pooling&op=avg&input=image&h=20&w=30&size=3&stride=2&padding=1&count_pad=false&values=&speed=4",
     "op=avg&input=image&h=20&w=30&size=3&stride=2&padding=1&count_pad=false&speed=4&out_h=10&out_w=15&window_value=216.5"},
    {"scene=pooling&op=max&input=custom&h=2&w=3&size=2&stride=1&padding=0&count_pad=true&values=1%202%203;%204%205%206&speed=2",
     "input=custom&h=2&w=3&size=2&stride=1&values=1%202%203;%204%205%206&out_h=1&out_w=2&output=5%206"},
    {"scene=pooling&n=8&size=3&stride=1", "h=8&w=8&size=3&stride=1&out_h=6&out_w=6"},
    {"scene=invariance&pattern=cat&n=24&x=3&y=4&seed=1&speed=2",
     "pattern=cat&n=24&x=3&y=4&seed=1&speed=2&conv_h=18&conv_peak_row=4&conv_peak_col=3&global_max=36"},
    {"scene=invariance&pattern=plus&n=16&x=5&y=2&seed=7&speed=3",
     "pattern=plus&n=16&x=5&y=2&seed=7&speed=3&conv_h=12&conv_peak_row=2&conv_peak_col=5&global_max=9"},
    {"scene=architecture&c=1&h=32&w=32&stack=conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10",
     "c=1&h=32&w=32&stack=conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10&layers=12&shape_4=10x10x16&params_4=2416"},
    {"scene=architecture&preset=cifar",
     "c=3&h=32&w=32&stack=conv32k3same,relu,conv32k3same,relu,pool2,conv64k3same,relu,conv64k3same,relu,pool2,flatten,dense512,relu,dense10&layers=14&params_3=9248"},
    {"scene=architecture&preset=lenet5_1998", // the preset's key before it was named "LeNet-5 (modern form)"
     "c=1&h=32&w=32&stack=conv6k5,tanh,avgpool2,conv16k5,tanh,avgpool2,flatten,dense120,tanh,dense84,tanh,dense10&layers=12&total_params=61706"},
    {"scene=params&k=3&nav=0&theme=dark&hide=intro&lock=k", "k=3&out_h=30"},
};

JsonObject state_of(const Scene& s) {
  JsonWriter w;
  s.write_state(w);
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(w.str(), o, error));
  return o;
}

} // namespace

TEST_CASE("saved links: every address saved from today's scenes opens the same scene with the same values", "[url][links]") {
  for (const SavedLink& link : kLinks) {
    INFO("link #" << link.hash);
    const auto scenes = make_scenes();
    Scene* current = scenes.front().get();
    AuthorOptions author;
    CHECK(load_url_hash(link.hash, scenes, current, author) == "");
    CHECK(parse_url_hash(link.hash).front() == std::pair<std::string, std::string>("scene", current->id()));
    const JsonObject st = state_of(*current);
    for (const auto& [key, value] : parse_url_hash(link.expected)) {
      INFO("key " << key);
      REQUIRE(st.count(key) == 1);
      CHECK(json_to_url_value(st.at(key)) == value);
    }
    // The scene's own address of that state reads back to the same state.
    const std::string again = scene_url_hash(*current, author);
    const auto fresh = make_scenes();
    Scene* reread = fresh.front().get();
    AuthorOptions author2;
    CHECK(load_url_hash(again, fresh, reread, author2) == "");
    CHECK(std::string(reread->id()) == current->id());
    JsonObject a = state_of(*current), b = state_of(*reread);
    for (JsonObject* o : {&a, &b}) // measured times differ from run to run
      for (auto it = o->begin(); it != o->end();) it = it->first.ends_with("_ms") ? o->erase(it) : std::next(it);
    CHECK(a == b);
  }
}
