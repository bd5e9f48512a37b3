// The sliding window's position as an animation: play/pause, step back and forward, speed. Its three
// parameters ("step", "playing", "speed") are declared in its own table, which a scene binds beside its own:
//   Stepper::State st = stepper_.state();
//   apply_params(in, "modes", {kParams.bind(p), Stepper::table().bind(st)}, derived); ... stepper_.set_state(st);
#pragma once
#include "scene_params.h"

namespace convplay::app {

class Stepper {
public:
  struct State {
    int step = 0;         // the position (wrapped into range by the next draw())
    bool playing = false;
    float speed = 2.0f;   // positions per second
  };
  static const ParamTable<State>& table();
  // For apply_state(): "" or the message for a step that `in` gives and that is not one of the `count`
  // positions of the new state ("step must be between 0 and 8 (there are 9 positions)"). count ≤ 0: the
  // positions are not known yet (a picture still loading), any step is taken and wrapped when drawn.
  // `owner` names what has the positions: "(the output has 9 cells)" instead.
  static std::string check_step(const JsonObject& in, const State& s, int count, const char* owner = nullptr);
  // For apply_state(): puts `p` in place of `current` and takes `s`, unless check_step refuses the step
  // for the positions that `count()` gives with `p` in place; then `current` is restored and the message
  // returned.
  template <class P, class Count> std::string apply(P& current, P p, const JsonObject& in, const State& s, Count count) {
    P before = std::move(current);
    current = std::move(p);
    if (auto e = check_step(in, s, count()); !e.empty()) {
      current = std::move(before);
      return e;
    }
    set_state(s);
    return {};
  }
  // set_state(s), and where `in` gives no step, the current position kept within the `count` positions.
  void take(const JsonObject& in, const State& s, int count);

  // Draws the controls for `count` positions (e.g. output cells); true if the position changed (by a
  // button or by time). The position wraps around while playing.
  bool draw(int count);
  bool playing() const { return s_.playing; }
  int position() const { return s_.step; }
  int position_in(int count) const { return count > 0 ? (s_.step < count ? s_.step : count - 1) : 0; }
  float speed() const { return s_.speed; }
  void set_position(int p, int count);
  void set_playing(bool p) { s_.playing = p; }

  const State& state() const { return s_; }
  void set_state(const State& s); // values checked by the table
  // state(): "step", "playing", "speed"; with count ≥ 0 the step as position_in(count).
  void write_state(JsonWriter& out, int count = -1) const;
  void list(std::vector<ParamValue>& out, int count = -1) const; // for Scene::parameters()

private:
  State shown(int count) const;
  State s_;
  double accumulated_ = 0.0;
};

} // namespace convplay::app
