// A scene's parameters, each declared once. One line per parameter gives its key, type, default (the
// member's initialiser), limits, choices, label, help and widget, bound to a member of the scene's
// Params struct. That table drives the widget (with the author's hide/lock), state(), setState() (type
// and range checks, all-or-nothing, unknown keys refused), the URL hash and the tests.
//
//   struct Params { int n = 5; Padding padding = Padding::Valid; bool bias = true; std::string note; };
//   const ParamTable<Params> kParams{
//       int_param("n", &Params::n, 1, 4096, "input size N").log_slider(),
//       choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same}, padding_name, "padding"),
//       bool_param("bias", &Params::bias, "one bias per filter").help("adds C2 parameters"),
//       text_param("note", &Params::note, 200, "note"),
//   };
//   // draw():        kParams.widget(p_, p_.n);                  (the member names the parameter)
//   //                if (auto edit = kParams.text_field(p_, p_.note)) message_ = apply_state(*edit);
//   // write_state(): kParams.write(p_, out);  then the derived results
//   // apply_state(): Params p = p_;
//   //                auto derived = derived_keys([this](JsonWriter& w) { write_results(w); });
//   //                if (auto e = apply_params(in, id(), {kParams.bind(p)}, derived); !e.empty()) return e;
//   //                ...checks that involve several keys (kParams.given(in, p, p.n))...; p_ = p;
//   // parameters():  return kParams.values(p_);                 (the App's URL hash and locks; the tests)
// With the window animation: {kParams.bind(p), Stepper::table().bind(st)} (app/stepper.h).
// A widget the scene draws itself (.no_widget()) still takes its hide/lock key from the table:
//   if (Control c{kParams.key(p_, p_.dims)}; c.shown) { ...radio buttons... }
// Other declarations: float_param, text_param, shorthand_param (input-only "n" for h and w),
// preset_param (input-only, sets several members), pending_text_param (a list parsed once the other
// keys are known), custom_param (own get/set).
//
// The limits a slider uses are the limits setState() checks. Where a slider should stop earlier (a grid
// drawn cell by cell), `.slider_max(m)` or `.slider_range(lo, hi)` says so in the same line; the slider
// then spans that range and typing (Ctrl+click) reaches the declared limits. `.log_slider()` suits
// ranges over several decades.
#pragma once
#include <convplay/json.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convplay::app {

enum class ParamType { Int, Float, Bool, Choice, Text };
enum class Widget {
  Slider,    // Int, Float: a slider over [lo, hi] (or up to slider_max)
  LogSlider, // a logarithmic slider, for ranges over decades
  Drag,      // Int, Float: drag to change, Ctrl+click or double-click to type
  Input,     // Int: a number field with − and + buttons
  Combo,     // Choice: a drop-down list
  Radio,     // Choice: one radio button per name on one line
  Checkbox,  // Bool
  TextField, // Text: one line; applied on Enter, on click-away and on its button
  TextBox,   // Text: several lines; applied on click-away and on its button (Enter starts a new line)
  None,      // no widget of its own: the scene draws it (still declared here for state, hash and checks)
};

// What the App and the tests know of a parameter; the table's Param<P> adds how to reach the member.
struct ParamSpec {
  const char* key = "";
  ParamType type = ParamType::Int;
  const char* label = "";
  const char* help = ""; // tooltip of the widget
  Widget widget = Widget::Slider;
  double lo = 0, hi = 0;            // Int, Float: what setState() accepts and the widget's range; Text: hi = longest text
  double slider_max = 0;            // 0: the slider spans [lo, hi]; else it spans [slider_min, slider_max] (typing reaches lo, hi)
  double slider_min = 0;
  std::vector<std::string> choices; // Choice: the names, in the widget's order
  std::vector<std::string> shown_as; // Choice: what the widget shows for each name (default: the names)
  bool written = true;              // false: an input-only shorthand (modes' "n" sets h and w): not in state() or the hash
  bool hashed = true;               // false: in state() but not kept in the address (e.g. "playing": the author's play=1)
  bool value_beside = false;        // the slider's value is written beside it, not on the grab (narrow sliders)

  // "" or the message setState() gives for this value: "h must be between 1 and 4096".
  std::string check(const JsonValue& value) const;
  std::string allowed() const; // what check() accepts, for messages and tests: "a whole number between 1 and 64"
};

// Whether a number's widget writes its value beside the slider rather than on it: asked for (value_beside),
// or an integer slider of fewer than 8 steps, whose grab (an eighth of the slider or wider) would cover it.
bool value_beside_slider(const ParamSpec& spec);
// The widget's tooltip: the help, and how to type past a slider that stops before the limits
// ("Ctrl+click to type up to 512") unless the help says so already.
std::string tooltip_text(const ParamSpec& spec);

// A parameter's current value, for the App (URL hash, locks) and the tests.
struct ParamValue {
  const ParamSpec* spec = nullptr;
  JsonValue value;
  bool hashed = true; // kept in the URL hash now (a spec's hashed, and its hash_if for the current values)
};

// What setState() takes for each of `params`, as state()'s "parameters" gives it to a host page:
// {"h":{"type":"int","allowed":"a whole number between 1 and 4096","min":1,"max":4096,"slider_min":1,
// "slider_max":4096}, "padding":{"type":"choice","allowed":"one of: valid, same","choices":["valid","same"]},
// "stack":{"type":"text","allowed":"a text of at most 4096 characters","max":4096}, ...}; types int, number,
// bool, choice, text; slider_min/max: the range the widget's slider spans (typing reaches min and max).
std::string parameter_specs_json(const std::vector<ParamValue>& params);

// A table bound to one Params object, for apply_params() (type-erased: a scene's table and the Stepper's).
struct BoundParams {
  std::vector<const ParamSpec*> specs;
  std::function<std::string(size_t, const JsonValue&)> set; // the value passed check(); "" or why not
};

// Applies `in` to the bound objects, key by key in declaration order, after checking every key: it must be a
// parameter of one of `tables` or a derived key (`derived(key)`: a read-only result that state() reports
// and setState() accepts back unchanged). "" or the first problem ("unknown key 'x' for scene modes",
// "h must be between 1 and 4096"). The objects may be changed on error: bind copies, commit on "".
std::string apply_params(const JsonObject& in, std::string_view scene, std::initializer_list<BoundParams> tables,
                         const std::function<bool(std::string_view)>& derived);
// For apply_params' `derived`: the keys that `write` (a scene's derived results, as state() reports them
// now) writes. Written only when a key is not a parameter (state() fed back to setState()).
std::function<bool(std::string_view)> derived_keys(std::function<void(JsonWriter&)> write);

// The names of an enum's values, from the core's name function: names_of({Padding::Valid, ...}, padding_name).
template <class E, class Name> std::vector<std::string> names_of(std::initializer_list<E> values, Name name) {
  std::vector<std::string> out;
  for (E v : values) out.emplace_back(name(v));
  return out;
}

namespace detail {
// The widget of `spec` for the value `current` (Control's hide and lock applied); the new value if the
// student changed it. Text: the committed text (Enter, click-away, or the button beside it if given).
std::optional<JsonValue> draw(const ParamSpec& spec, const char* label, const JsonValue& current, const char* button = nullptr);
inline double number(const JsonValue& v) { return std::get<double>(v); }
float widget_width(const ParamSpec& spec, const char* label); // px, label included (0 when not drawn)
std::string text(const JsonValue& v); // a Text value: a string, or a number as the address gives it ("10")
} // namespace detail

template <class P> struct Param {
  ParamSpec spec;
  std::function<JsonValue(const P&)> get;
  std::function<std::string(P&, const JsonValue&)> set; // value already checked; "" or why not (e.g. a bad list)
  std::function<const void*(const P&)> address;         // the member it is bound to (for widget(p, p.member))
  std::function<bool(const P&, const void*)> sets;      // whether setting it sets that member (a shorthand sets two)
  std::function<bool(const P&)> shown_if;               // the widget is drawn only when this holds
  std::function<bool(const P&)> hash_if;                // kept in the hash only when this holds

  // Modifiers, so that a declaration stays one line.
  Param label(const char* text) && { spec.label = text; return std::move(*this); }
  Param help(const char* text) && { spec.help = text; return std::move(*this); }
  Param log_slider() && { spec.widget = Widget::LogSlider; return std::move(*this); }
  Param drag() && { spec.widget = Widget::Drag; return std::move(*this); }
  Param input_field() && { spec.widget = Widget::Input; return std::move(*this); }
  Param radio() && { spec.widget = Widget::Radio; return std::move(*this); }
  Param radio(std::vector<std::string> labels) && { // radio buttons labelled in words, one per choice
    spec.widget = Widget::Radio;
    spec.shown_as = std::move(labels);
    return std::move(*this);
  }
  Param shown_as(std::vector<std::string> labels) && { spec.shown_as = std::move(labels); return std::move(*this); } // combo
  Param text_box() && { spec.widget = Widget::TextBox; return std::move(*this); }
  Param no_widget() && { spec.widget = Widget::None; return std::move(*this); }
  Param slider_max(double m) && { spec.slider_min = spec.lo; spec.slider_max = m; return std::move(*this); }
  Param slider_range(double lo, double hi) && { spec.slider_min = lo; spec.slider_max = hi; return std::move(*this); }
  Param value_beside() && { spec.value_beside = true; return std::move(*this); }
  Param not_in_hash() && { spec.hashed = false; return std::move(*this); }
  // A custom parameter's member, so that widget(p, p.member) and given() find it.
  Param bound_to(std::function<const void*(const P&)> member) && {
    address = member;
    sets = [member](const P& p, const void* a) { return member(p) == a; };
    return std::move(*this);
  }
  Param written_as(std::function<JsonValue(const P&)> f) && { get = std::move(f); return std::move(*this); } // state() shows this
  Param in_hash_if(std::function<bool(const P&)> f) && { hash_if = std::move(f); return std::move(*this); }
  Param shown_when(std::function<bool(const P&)> f) && { shown_if = std::move(f); return std::move(*this); }
};

template <class P> class ParamTable {
public:
  ParamTable(std::initializer_list<Param<P>> params) : params_(params) {}
  const std::vector<Param<P>>& params() const { return params_; }

  // state(): every written parameter, in declaration order.
  void write(const P& p, JsonWriter& out) const {
    for (const auto& q : params_)
      if (q.spec.written) write_value(out, q.spec.key, q.get(p));
  }
  // For apply_params(): the table bound to `p` (keep `p` alive while the result is used).
  BoundParams bind(P& p) const {
    BoundParams b;
    for (const auto& q : params_) b.specs.push_back(&q.spec);
    b.set = [this, &p](size_t i, const JsonValue& v) { return params_[i].set(p, v); };
    return b;
  }
  // For Scene::parameters(): each written parameter and its value.
  void list(const P& p, std::vector<ParamValue>& out) const {
    for (const auto& q : params_)
      if (q.spec.written) out.push_back({&q.spec, q.get(p), q.spec.hashed && (!q.hash_if || q.hash_if(p))});
  }
  std::vector<ParamValue> values(const P& p) const {
    std::vector<ParamValue> out;
    list(p, out);
    return out;
  }
  // The parameter bound to `member` (a member of `p`): nullptr if none.
  template <class T> const Param<P>* find(const P& p, const T& member) const {
    for (const auto& q : params_)
      if (q.spec.written && q.address && q.address(p) == static_cast<const void*>(&member)) return &q;
    return nullptr;
  }

  // Whether `in` sets `member`: its key, or a shorthand that sets it ("n" for h), is in `in`.
  template <class T> bool given(const JsonObject& in, const P& p, const T& member) const {
    for (const auto& q : params_)
      if (q.sets && q.sets(p, &member) && in.count(std::string_view(q.spec.key))) return true;
    return false;
  }
  // The key of the parameter bound to `member`, for a widget the scene draws itself: Control c{kParams.key(p, p.dims)}.
  template <class T> const char* key(const P& p, const T& member) const {
    const Param<P>* q = find(p, member);
    return q ? q->spec.key : "";
  }
  // The widget of the parameter bound to `member`, as declared (label overridable, e.g. "input length N"
  // in 1-D), hidden or locked as the author asked. True if the student changed the value.
  // `slider_end` > 0: where the slider stops in this state (x ≤ n − pattern width); the limits stay as declared.
  template <class T> bool widget(P& p, T& member, const char* label = nullptr, double slider_end = 0) const {
    const Param<P>* q = find(p, member);
    if (!q || q->spec.type == ParamType::Text || (q->shown_if && !q->shown_if(p))) return false;
    ParamSpec spec = q->spec;
    if (slider_end > 0) {
      spec.slider_min = spec.lo;
      spec.slider_max = slider_end;
    }
    const auto after = detail::draw(spec, label ? label : q->spec.label, q->get(p));
    if (!after || !q->spec.check(*after).empty()) return false;
    return q->set(p, *after).empty();
  }
  // How wide widget(p, member, label) draws (px, its label included), for same_line_if_fits.
  template <class T> float width(const P& p, const T& member, const char* label = nullptr) const {
    const Param<P>* q = find(p, member);
    if (!q || (q->shown_if && !q->shown_if(p))) return 0.0f;
    return detail::widget_width(q->spec, label ? label : q->spec.label);
  }
  // A text parameter's field (and the button beside it, if given): the edit {key: text} once the student
  // commits it, to be applied through the scene's apply_state() so that it is checked like setState().
  template <class T>
  std::optional<JsonObject> text_field(const P& p, const T& member, const char* button = nullptr, const char* label = nullptr) const {
    const Param<P>* q = find(p, member);
    if (!q || q->spec.type != ParamType::Text || (q->shown_if && !q->shown_if(p))) return std::nullopt;
    const auto text = detail::draw(q->spec, label ? label : q->spec.label, q->get(p), button);
    if (!text) return std::nullopt;
    return JsonObject{{q->spec.key, *text}};
  }

private:
  static void write_value(JsonWriter& out, const char* key, const JsonValue& v) {
    if (const bool* b = std::get_if<bool>(&v)) out.field(key, *b);
    else if (const double* d = std::get_if<double>(&v)) {
      if (*d == std::floor(*d) && std::fabs(*d) < 9e15) out.field(key, static_cast<long long>(*d));
      else out.field(key, *d);
    } else if (const std::string* s = std::get_if<std::string>(&v)) out.field(key, *s);
    else out.raw_field(key, "null");
  }
  std::vector<Param<P>> params_;
};

inline ParamSpec spec_of(const char* key, ParamType type, const char* label, Widget widget, double lo = 0, double hi = 0) {
  ParamSpec s;
  s.key = key;
  s.type = type;
  s.label = label;
  s.widget = widget;
  s.lo = lo;
  s.hi = hi;
  return s;
}

// Declarations. Each binds a member of P; its initialiser is the default.
template <class P, class T>
Param<P> bound(ParamSpec spec, T P::*m, std::function<JsonValue(const T&)> get, std::function<std::string(T&, const JsonValue&)> set) {
  Param<P> q;
  q.spec = std::move(spec);
  q.get = [m, get](const P& p) { return get(p.*m); };
  q.set = [m, set](P& p, const JsonValue& v) { return set(p.*m, v); };
  q.address = [m](const P& p) { return static_cast<const void*>(&(p.*m)); };
  q.sets = [m](const P& p, const void* a) { return &(p.*m) == a; };
  return q;
}

template <class P> Param<P> int_param(const char* key, int P::*m, int lo, int hi, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Int, label, Widget::Slider, static_cast<double>(lo), static_cast<double>(hi));
  return bound<P, int>(std::move(s), m, [](const int& v) { return JsonValue(static_cast<double>(v)); },
                       [](int& v, const JsonValue& j) { v = static_cast<int>(detail::number(j)); return std::string(); });
}
template <class P> Param<P> float_param(const char* key, double P::*m, double lo, double hi, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Float, label, Widget::Slider, lo, hi);
  return bound<P, double>(std::move(s), m, [](const double& v) { return JsonValue(v); },
                          [](double& v, const JsonValue& j) { v = detail::number(j); return std::string(); });
}
template <class P> Param<P> float_param(const char* key, float P::*m, double lo, double hi, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Float, label, Widget::Slider, lo, hi);
  return bound<P, float>(std::move(s), m, [](const float& v) { return JsonValue(static_cast<double>(v)); },
                         [](float& v, const JsonValue& j) { v = static_cast<float>(detail::number(j)); return std::string(); });
}
template <class P> Param<P> bool_param(const char* key, bool P::*m, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Bool, label, Widget::Checkbox);
  return bound<P, bool>(std::move(s), m, [](const bool& v) { return JsonValue(v); },
                        [](bool& v, const JsonValue& j) { v = std::get<bool>(j); return std::string(); });
}
// A choice stored as the name itself.
template <class P> Param<P> choice_param(const char* key, std::string P::*m, std::vector<std::string> names, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Choice, label, Widget::Combo);
  s.choices = std::move(names);
  return bound<P, std::string>(std::move(s), m, [](const std::string& v) { return JsonValue(v); },
                               [](std::string& v, const JsonValue& j) { v = std::get<std::string>(j); return std::string(); });
}
// A choice stored as its index into `names`.
template <class P> Param<P> choice_param(const char* key, int P::*m, std::vector<std::string> names, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Choice, label, Widget::Combo);
  s.choices = names;
  return bound<P, int>(std::move(s), m,
                       [names](const int& v) { return JsonValue(names.at(static_cast<size_t>(v))); },
                       [names](int& v, const JsonValue& j) {
                         v = static_cast<int>(std::find(names.begin(), names.end(), std::get<std::string>(j)) - names.begin());
                         return std::string();
                       });
}
// A choice stored as an enum, named by the core's name function (padding_name, activation_name, ...).
template <class P, class E, class Name>
Param<P> choice_param(const char* key, E P::*m, std::initializer_list<E> values, Name name, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Choice, label, Widget::Combo);
  s.choices = names_of(values, name);
  std::vector<E> vs(values);
  return bound<P, E>(std::move(s), m, [name](const E& v) { return JsonValue(std::string(name(v))); },
                     [vs, name](E& v, const JsonValue& j) {
                       for (E e : vs)
                         if (std::get<std::string>(j) == name(e)) v = e;
                       return std::string();
                     });
}
template <class P> Param<P> text_param(const char* key, std::string P::*m, size_t max_length, const char* label) {
  ParamSpec s = spec_of(key, ParamType::Text, label, Widget::TextField, 0, static_cast<double>(max_length));
  return bound<P, std::string>(std::move(s), m, [](const std::string& v) { return JsonValue(v); },
                               [](std::string& v, const JsonValue& j) { v = detail::text(j); return std::string(); });
}
// A parameter whose value is not one member as it is (a list kept as numbers, a preset that sets several
// members): `get` gives what state() writes, `set` applies a checked value or says why not.
template <class P>
Param<P> custom_param(ParamSpec spec, std::function<JsonValue(const P&)> get, std::function<std::string(P&, const JsonValue&)> set) {
  Param<P> q;
  q.spec = std::move(spec);
  q.get = std::move(get);
  q.set = std::move(set);
  return q;
}
// A text parameter that the scene reads once the other keys are known (a list whose length depends on
// them): setting it stores the text in `pending` for apply_state() to parse and clear; `get` writes it.
template <class P>
Param<P> pending_text_param(const char* key, std::optional<std::string> P::*pending, size_t max_length, const char* label,
                            std::function<JsonValue(const P&)> get) {
  Param<P> q;
  q.spec = spec_of(key, ParamType::Text, label, Widget::TextField, 0, static_cast<double>(max_length));
  q.get = std::move(get);
  q.set = [pending](P& p, const JsonValue& v) {
    p.*pending = detail::text(v);
    return std::string();
  };
  return q;
}
// An input-only choice that sets several members at once (a preset): never written, not in the hash.
template <class P>
Param<P> preset_param(const char* key, std::vector<std::string> names, std::function<std::string(P&, const std::string&)> apply) {
  Param<P> q;
  q.spec = spec_of(key, ParamType::Choice, key, Widget::None);
  q.spec.choices = std::move(names);
  q.spec.written = false;
  q.spec.hashed = false;
  q.get = [](const P&) { return JsonValue(nullptr); };
  q.set = [apply = std::move(apply)](P& p, const JsonValue& v) { return apply(p, std::get<std::string>(v)); };
  return q;
}
// An input-only shorthand: setting `key` sets both members ("n" for h and w). Never written.
template <class P> Param<P> shorthand_param(const char* key, int P::*a, int P::*b, int lo, int hi) {
  Param<P> q;
  q.spec = spec_of(key, ParamType::Int, key, Widget::None, static_cast<double>(lo), static_cast<double>(hi));
  q.spec.written = false;
  q.spec.hashed = false;
  q.get = [](const P&) { return JsonValue(nullptr); };
  q.set = [a, b](P& p, const JsonValue& j) {
    p.*a = p.*b = static_cast<int>(detail::number(j));
    return std::string();
  };
  q.sets = [a, b](const P& p, const void* m) { return &(p.*a) == m || &(p.*b) == m; };
  return q;
}

} // namespace convplay::app
